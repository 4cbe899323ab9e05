import { type LookupResult, recordsOf } from './dns-lookup.ts';
import type { PartVerdict } from './evaluate-dns.ts';
import { failureKindOf, lookupFailureReason } from './lookup-reason.ts';

/**
 * Decides whether the TXT RRset at `name` (`_caddy-fleet.<hostname>`) holds the domain's token.
 * Other TXT values beside it are fine (customers may keep several). The token never appears in a reason.
 */
export function evaluateTxt(name: string, result: LookupResult<string>, token: string | null | undefined): PartVerdict {
  if (!token) return fail('TXT_NO_TOKEN', 'the domain has no verification token; request one from the API');
  const kind = failureKindOf(result);
  if (kind) return { outcome: 'inconclusive', reasons: [lookupFailureReason(kind, `TXT ${name}`)] };
  const values = recordsOf(result).map((v) => v.trim());
  if (values.includes(token)) return { outcome: 'pass', reasons: [] };
  if (values.length === 0) return fail('TXT_MISSING', `no TXT record at ${name}`);
  return fail('TXT_MISMATCH', `TXT at ${name} does not hold the domain's verification token (${values.length} found)`);
}

function fail(code: 'TXT_NO_TOKEN' | 'TXT_MISSING' | 'TXT_MISMATCH', message: string): PartVerdict {
  return { outcome: 'fail', reasons: [{ code, message }] };
}
