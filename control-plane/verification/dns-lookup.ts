import type { CaaRecord } from './types.ts';

/**
 * The answer to one DNS question, with the failure kinds kept apart because they mean different
 * things: `nodata` and `nxdomain` are definite answers, `servfail`, `timeout`, `refused` and `error`
 * say nothing about the name.
 */
export type LookupResult<T> =
  | { kind: 'answer'; records: T[] }
  | { kind: 'nodata' }
  | { kind: 'nxdomain' }
  | { kind: 'servfail' }
  | { kind: 'timeout' }
  | { kind: 'refused' }
  | { kind: 'error'; code: string };

/** The kinds of {@link LookupResult} that prove nothing about the name. */
export type LookupFailureKind = 'servfail' | 'timeout' | 'refused' | 'error';

/** True when the result is a definite answer (records, NODATA or NXDOMAIN). */
export function isDefinite<T>(
  result: LookupResult<T>,
): result is { kind: 'answer'; records: T[] } | { kind: 'nodata' } | { kind: 'nxdomain' } {
  return result.kind === 'answer' || result.kind === 'nodata' || result.kind === 'nxdomain';
}

/** The records of a result, or none for anything but an answer. */
export function recordsOf<T>(result: LookupResult<T>): T[] {
  return result.kind === 'answer' ? result.records : [];
}

/**
 * The DNS questions verification asks. Implementations never throw for DNS failures: every
 * outcome is a {@link LookupResult}. Names are given without a trailing dot.
 */
export interface DnsLookup {
  /** The name's own CNAME target (one hop, lowercase, no trailing dot). */
  resolveCname(name: string): Promise<LookupResult<string>>;
  /** IPv4 addresses (the resolver follows CNAMEs). */
  resolve4(name: string): Promise<LookupResult<string>>;
  /** IPv6 addresses (the resolver follows CNAMEs). */
  resolve6(name: string): Promise<LookupResult<string>>;
  /** TXT records, each with its character-strings joined. */
  resolveTxt(name: string): Promise<LookupResult<string>>;
  /** The CAA RRset at the name (the resolver follows CNAMEs, as RFC 8659 §3 expects). */
  resolveCaa(name: string): Promise<LookupResult<CaaRecord>>;
}
