import { canonicalizeHostname, type HostnamePolicy } from '../hostname/index.ts';
import { isServable } from '../store/domain.ts';
import type { DomainStatus } from '../types.ts';

/** What ask answered, for metrics and the dashboard's ask activity. */
export type AskResult = 'allowed' | 'unknown' | 'not_active' | 'invalid' | 'error';

export interface AskDecision {
  status: 200 | 400 | 403 | 404 | 503;
  result: AskResult;
  /** The canonical name when the query was valid. */
  hostname?: string;
  /** The raw `domain` value (possibly invalid), for logging denials. */
  raw?: string;
}

/**
 * Caddy's on-demand TLS `ask` contract: `GET /ask?domain=<name>`; any 2xx allows issuance. We fail
 * closed: 200 only when the name canonicalises to a servable domain; 404 unknown, 403 known but not
 * active, 400 a missing, empty, repeated or invalid parameter, 503 when the lookup itself fails.
 * No network and no DNS here: one primary-key read.
 */
export function decideAsk(
  query: string,
  lookup: (hostname: string) => DomainStatus | undefined,
  policy?: HostnamePolicy,
): AskDecision {
  let raw: string | undefined;
  let count = 0;
  try {
    for (const [key, value] of new URLSearchParams(query)) {
      if (key !== 'domain') continue;
      count++;
      raw = value;
    }
  } catch {
    return { status: 400, result: 'invalid' };
  }
  if (count !== 1 || !raw) return { status: 400, result: 'invalid', ...(raw ? { raw } : {}) };
  const canonical = canonicalizeHostname(raw, policy);
  if (!canonical.ok) return { status: 400, result: 'invalid', raw };
  let status: DomainStatus | undefined;
  try {
    status = lookup(canonical.hostname);
  } catch {
    return { status: 503, result: 'error', hostname: canonical.hostname, raw };
  }
  if (status === undefined) return { status: 404, result: 'unknown', hostname: canonical.hostname, raw };
  if (!isServable(status)) return { status: 403, result: 'not_active', hostname: canonical.hostname, raw };
  return { status: 200, result: 'allowed', hostname: canonical.hostname, raw };
}
