import { parseCaaIssueValue } from './caa-issue-value.ts';
import type { LookupResult } from './dns-lookup.ts';
import type { PartVerdict } from './evaluate-dns.ts';
import { failureKindOf, lookupFailureReason } from './lookup-reason.ts';
import type { CaaRecord } from './types.ts';

/** One CAA lookup while climbing from the hostname towards the TLD. */
export interface CaaStep {
  name: string;
  result: LookupResult<CaaRecord>;
}

/** The CAA verdict plus the relevant RRset it was based on. */
export interface CaaVerdict extends PartVerdict {
  relevant: { name: string; records: CaaRecord[] } | null;
}

/** Tags whose meaning we know; a critical record with any other tag forbids issuance (RFC 8659 §4.1). */
const UNDERSTOOD_TAGS = new Set(['issue', 'issuewild', 'iodef']);
/** The challenge types Caddy can complete; a `validationmethods` parameter must allow one. */
const CADDY_METHODS = ['http-01', 'tls-alpn-01'];
const CRITICAL = 128;

/**
 * Decides whether one of `caDomains` may issue for `hostname` from the CAA lookups climbing the tree:
 * the first non-empty RRset is the relevant one; a failed lookup before it is inconclusive; none at
 * all allows any CA. For a wildcard name `issuewild` takes precedence over `issue`; for any other
 * name `issuewild` is ignored. An empty `caDomains` skips the check.
 */
export function evaluateCaa(hostname: string, steps: readonly CaaStep[], caDomains: readonly string[]): CaaVerdict {
  if (caDomains.length === 0) return { outcome: 'pass', reasons: [], relevant: null };
  for (const step of steps) {
    const kind = failureKindOf(step.result);
    if (kind)
      return { outcome: 'inconclusive', reasons: [lookupFailureReason(kind, `CAA ${step.name}`)], relevant: null };
    if (step.result.kind !== 'answer' || step.result.records.length === 0) continue;
    const relevant = { name: step.name, records: step.result.records };
    const denial = caaDenial(hostname, relevant, caDomains);
    return denial
      ? { outcome: 'fail', reasons: [{ code: 'CAA_FORBIDS', message: denial }], relevant }
      : { outcome: 'pass', reasons: [], relevant };
  }
  return { outcome: 'pass', reasons: [], relevant: null };
}

/** Why the relevant RRset forbids all of `caDomains`, or null when one of them may issue. */
export function caaDenial(
  hostname: string,
  relevant: { name: string; records: readonly CaaRecord[] },
  caDomains: readonly string[],
): string | null {
  const where = `CAA at ${relevant.name}`;
  const critical = relevant.records.find(
    (r) => (r.flags & CRITICAL) !== 0 && !UNDERSTOOD_TAGS.has(r.tag.toLowerCase()),
  );
  if (critical) return `${where} has a critical "${critical.tag}" property we do not understand`;

  const withTag = (tag: string) => relevant.records.filter((r) => r.tag.toLowerCase() === tag);
  const wildcard = hostname.startsWith('*.');
  const wild = withTag('issuewild');
  const properties = wildcard && wild.length > 0 ? wild : withTag('issue');
  if (properties.length === 0) return null;

  const wanted = new Set(caDomains.map((d) => d.toLowerCase()));
  const allows = properties.some((p) => {
    const parsed = parseCaaIssueValue(p.value);
    if (!parsed?.issuer || !wanted.has(parsed.issuer)) return false;
    const methods = parsed.parameters.validationmethods;
    return methods === undefined || methods.split(',').some((m) => CADDY_METHODS.includes(m.trim().toLowerCase()));
  });
  if (allows) return null;
  const named = properties.map((p) => JSON.stringify(p.value)).join(', ');
  return `${where} does not allow ${[...wanted].join(' or ')} to issue (${properties[0]?.tag} ${named})`;
}
