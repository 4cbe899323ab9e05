import type { LookupFailureKind } from './dns-lookup.ts';
import type { VerificationReason, VerificationReasonCode } from './types.ts';

const FAILURE_CODES: Record<LookupFailureKind, VerificationReasonCode> = {
  servfail: 'SERVFAIL',
  timeout: 'DNS_TIMEOUT',
  refused: 'DNS_REFUSED',
  error: 'DNS_ERROR',
};

const FAILURE_TEXT: Record<LookupFailureKind, string> = {
  servfail: 'the DNS server answered SERVFAIL',
  timeout: 'DNS did not answer in time',
  refused: 'the DNS server refused the query',
  error: 'the DNS lookup failed',
};

/** The reason for an inconclusive lookup, e.g. `{ code: 'SERVFAIL', message: 'CAA example.com: the DNS server answered SERVFAIL' }`. */
export function lookupFailureReason(kind: LookupFailureKind, question: string): VerificationReason {
  return { code: FAILURE_CODES[kind], message: `${question}: ${FAILURE_TEXT[kind]}` };
}

/** The failure kind of a lookup result, or null when it is a definite answer. */
export function failureKindOf(result: { kind: string }): LookupFailureKind | null {
  return result.kind in FAILURE_CODES ? (result.kind as LookupFailureKind) : null;
}
