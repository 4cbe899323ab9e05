import { isServable } from '../store/domain.ts';
import type { DomainStatus } from '../types.ts';
import type { CertificateInfo } from './certificate-info.ts';

export const CERTIFICATE_STATUSES = ['valid', 'expiring', 'expired', 'orphaned', 'unparseable'] as const;
/**
 * One status per stored certificate, first match wins: `unparseable` (no facts to judge by),
 * `orphaned` (no domain, or one that is not servable: it should be deleted whatever its dates),
 * `expired`, `expiring` (less than `expiringRatio` of its lifetime left), `valid`.
 */
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/**
 * Caddy renews with a third of the lifetime left; at a sixth, renewal is half a window overdue:
 * 15 days for a 90-day ACME certificate, 2 hours for the internal issuer's 12-hour ones. On-demand
 * certificates renew at a handshake, so one for a domain with no traffic can get here legitimately.
 */
export const DEFAULT_EXPIRING_RATIO = 1 / 6;

const DAY_MS = 86_400_000;

export function classifyCertificate(
  info: CertificateInfo | null,
  domainStatus: DomainStatus | undefined,
  now: number,
  expiringRatio: number = DEFAULT_EXPIRING_RATIO,
): CertificateStatus {
  if (info === null) return 'unparseable';
  if (domainStatus === undefined || !isServable(domainStatus)) return 'orphaned';
  if (info.notAfter <= now) return 'expired';
  const lifetime = Math.max(0, info.notAfter - info.notBefore);
  return info.notAfter - now < lifetime * expiringRatio ? 'expiring' : 'valid';
}

/** Days until `notAfter` (negative once expired), fractional. */
export function daysLeft(info: CertificateInfo, now: number): number {
  return (info.notAfter - now) / DAY_MS;
}
