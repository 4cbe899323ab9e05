import { checkRegistrable, type HostnamePolicy, isPlatformHostname, toAsciiHostname } from '../hostname/index.ts';
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

const MAX_QUERY = 2048;

/**
 * The single `domain` value of a query string, or undefined when it is missing, empty or repeated.
 * Same decoding as URLSearchParams; the common case (one plain `domain=` pair) avoids allocating one.
 */
function domainParam(query: string): string | undefined {
  if (query.length > MAX_QUERY) return undefined;
  if (query.includes('%') || query.includes('+')) {
    const all = new URLSearchParams(query).getAll('domain');
    return all.length === 1 && all[0] ? all[0] : undefined;
  }
  let found: string | undefined;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const eq = query.indexOf('=', start);
    const keyEnd = eq === -1 || eq > end ? end : eq;
    if (keyEnd - start === 6 && query.startsWith('domain', start)) {
      if (found !== undefined) return undefined;
      found = keyEnd === end ? '' : query.slice(keyEnd + 1, end);
    }
    start = end + 1;
  }
  return found || undefined;
}

/**
 * Caddy's on-demand TLS `ask` contract: `GET /ask?domain=<name>`; any 2xx allows issuance. We fail
 * closed: 200 only when the name canonicalises to a servable domain; 404 unknown, 403 known but not
 * active, 400 a missing, empty, repeated or invalid parameter, 503 when the lookup itself fails.
 * No network and no DNS here. A stored name passed every hostname rule when it was written, so the
 * lookup comes first and the registrability rules (PSL, special use) run only for unknown names;
 * the platform-domain rule runs for every name, since that setting may have changed since.
 */
export function decideAsk(
  query: string,
  lookup: (hostname: string) => DomainStatus | undefined,
  policy?: HostnamePolicy,
): AskDecision {
  const raw = domainParam(query);
  if (raw === undefined) return { status: 400, result: 'invalid' };
  const hostname = toAsciiHostname(raw);
  if (typeof hostname !== 'string') return { status: 400, result: 'invalid', raw };
  let status: DomainStatus | undefined;
  try {
    status = lookup(hostname);
  } catch {
    return { status: 503, result: 'error', hostname, raw };
  }
  if (status === undefined) {
    if (checkRegistrable(hostname, policy) !== null) return { status: 400, result: 'invalid', raw };
    return { status: 404, result: 'unknown', hostname, raw };
  }
  if (policy !== undefined && isPlatformHostname(policy, hostname)) return { status: 400, result: 'invalid', raw };
  if (!isServable(status)) return { status: 403, result: 'not_active', hostname, raw };
  return { status: 200, result: 'allowed', hostname, raw };
}
