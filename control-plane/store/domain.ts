import type { DomainStatus, Hostname } from '../types.ts';
import type { VerificationPolicy } from '../verification/types.ts';

/** A custom domain as stored. Times are epoch milliseconds. */
export interface Domain {
  hostname: Hostname;
  hostnameUnicode: string;
  status: DomainStatus;
  statusReason: string | null;
  /** Named upstream, or null for the default upstream. */
  upstream: string | null;
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** The domain's own verification policy, or null for the deployment default. */
  verification: VerificationPolicy | null;
  /** The TXT ownership token (`_caddy-fleet.<hostname>`); made at creation and kept until rotated. */
  verificationToken: string | null;
  /** When the domain became `moved` (epoch ms, the checker's clock); null unless it is moved. */
  movedAt: number | null;
}

/** Who made a change: an API token id (`token:<8 hex>`), `system`, `checker`, `operator`. */
export type Actor = string;

export const MAX_METADATA_BYTES = 4096;

/**
 * Statuses ask answers yes for. One place, so ask, the config builder and removal agree.
 *
 * `moved` stays servable (ask 200, host routes kept) during its grace period: the customer may be
 * fixing DNS, and the certificate must still be able to renew meanwhile. The verification checker
 * schedules a moved domain's last check for exactly the end of its grace period and then makes it
 * `deleted`, which stops ask, drops its routes and queues its certificate for removal. So a moved
 * domain is denied at most one checker interval (`CADDY_FLEET_VERIFY_INTERVAL`) after its grace ends.
 */
export function isServable(status: DomainStatus): boolean {
  return status === 'active' || status === 'moved';
}

/** What a domain contributes to the Caddy config: its named upstream while servable, else nothing. */
export function routedUpstream(domain: Pick<Domain, 'status' | 'upstream'> | undefined): string | null {
  if (!domain || !isServable(domain.status)) return null;
  return domain.upstream;
}

/** The JSON shape of a domain in the REST API. */
export interface DomainJson {
  hostname: string;
  hostname_unicode: string;
  status: DomainStatus;
  status_reason: string | null;
  upstream: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  /**
   * `override` is the domain's own policy (null: the deployment default); `policy` the one that applies,
   * or null when the caller did not say what the deployment default is.
   */
  verification: { policy: VerificationPolicy | null; override: VerificationPolicy | null };
  /** ISO time the domain became `moved`; null unless it is moved. */
  moved_at: string | null;
}

/**
 * The API shape of a domain. Pass the deployment's default policy so `verification.policy` shows the
 * effective one; without it, a domain with no override shows `policy: null`.
 */
export function domainToJson(d: Domain, defaultPolicy?: VerificationPolicy): DomainJson {
  const fallback = defaultPolicy ?? null;
  return {
    hostname: d.hostname,
    hostname_unicode: d.hostnameUnicode,
    status: d.status,
    status_reason: d.statusReason,
    upstream: d.upstream,
    metadata: d.metadata,
    created_at: new Date(d.createdAt).toISOString(),
    updated_at: new Date(d.updatedAt).toISOString(),
    verification: { policy: d.verification ?? fallback, override: d.verification },
    moved_at: d.movedAt === null ? null : new Date(d.movedAt).toISOString(),
  };
}
