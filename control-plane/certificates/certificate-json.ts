import { z } from 'zod';
import type { CertificateSummary, InventoryEntry } from './certificate-inventory.ts';
import { CERTIFICATE_STATUSES } from './certificate-status.ts';

/** Statuses of a domain's certificate as the API shows it: a stored certificate's, or `missing`. */
export const certificateStatus = z.enum(CERTIFICATE_STATUSES);

export const certificateJson = z.object({
  hostname: z.string(),
  issuer_key: z
    .string()
    .meta({ description: 'Issuer folder in storage, e.g. `acme-v02.api.letsencrypt.org-directory`' }),
  status: certificateStatus,
  domain_status: z.string().nullable().meta({ description: 'Status of the domain with this hostname; null if none' }),
  issuer: z.object({ common_name: z.string().nullable(), organization: z.string().nullable() }).nullable(),
  sans: z.array(z.string()),
  serial: z.string().nullable(),
  not_before: z.string().nullable(),
  not_after: z.string().nullable(),
  days_left: z.number().nullable(),
  fingerprint_sha256: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const certificateSummaryJson = z.object({
  scanned_at: z.string(),
  total: z.number().int(),
  by_status: z.record(certificateStatus, z.number().int()),
  min_days_left: z.number().nullable().meta({ description: 'Least days left on a certificate in use (not orphaned)' }),
  soonest_expiring: z.array(certificateJson),
  missing: z.object({
    total: z.number().int().meta({ description: 'Servable domains with no stored certificate' }),
    hostnames: z.array(z.string()),
  }),
});

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** One inventory entry in the API's JSON shape (never a path, never key material). */
export function certificateToJson(e: InventoryEntry): z.infer<typeof certificateJson> {
  const info = e.info;
  return {
    hostname: e.hostname,
    issuer_key: e.issuerKey,
    status: e.status,
    domain_status: e.domainStatus,
    issuer: info ? { common_name: info.issuer.commonName, organization: info.issuer.organization } : null,
    sans: info?.sans ?? [],
    serial: info?.serial ?? null,
    not_before: iso(info?.notBefore),
    not_after: iso(info?.notAfter),
    days_left: e.daysLeft === null ? null : Math.round(e.daysLeft * 1000) / 1000,
    fingerprint_sha256: info?.fingerprintSha256 ?? null,
    error: e.error,
  };
}

export function summaryToJson(s: CertificateSummary): z.infer<typeof certificateSummaryJson> {
  return {
    scanned_at: new Date(s.scannedAt).toISOString(),
    total: s.total,
    by_status: s.byStatus,
    min_days_left: s.minDaysLeft === null ? null : Math.round(s.minDaysLeft * 1000) / 1000,
    soonest_expiring: s.soonestExpiring.map(certificateToJson),
    missing: s.missing,
  };
}
