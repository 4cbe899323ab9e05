/** Shapes shared by the verification engine: policies, outcomes, reasons and the findings of one check. */

/** How a domain proves it belongs to the fleet: not at all, by pointing DNS at us, or by a TXT token. */
export const VERIFICATION_POLICIES = ['none', 'dns', 'txt'] as const;
export type VerificationPolicy = (typeof VERIFICATION_POLICIES)[number];

/**
 * The result of one part of a check. `inconclusive` means DNS could not give an answer (SERVFAIL,
 * timeout, refused): it proves nothing either way, so it never moves a domain out of `active`.
 */
export type CheckOutcome = 'pass' | 'fail' | 'inconclusive';

/** Every stable reason code a check can report. */
export const VERIFICATION_REASON_CODES = [
  'DNS_NOT_POINTED',
  'STRAY_A',
  'STRAY_AAAA',
  'CNAME_WRONG_TARGET',
  'CNAME_LOOP',
  'CNAME_CHAIN_TOO_LONG',
  'TXT_MISSING',
  'TXT_MISMATCH',
  'TXT_NO_TOKEN',
  'CAA_FORBIDS',
  'NXDOMAIN',
  'SERVFAIL',
  'DNS_TIMEOUT',
  'DNS_REFUSED',
  'DNS_ERROR',
  'NOT_CHECKED',
] as const;
export type VerificationReasonCode = (typeof VERIFICATION_REASON_CODES)[number];

/** One reason a check did not pass; `message` is for humans, callers branch on `code`. */
export interface VerificationReason {
  code: VerificationReasonCode;
  message: string;
}

/** One CAA resource record: `flags` 128 marks it critical. Tags are kept as published. */
export interface CaaRecord {
  flags: number;
  tag: string;
  value: string;
}

/** What DNS said during a check, for operators and customers to see. */
export interface FoundRecords {
  /** CNAME targets in order, starting with the hostname's own CNAME. */
  cname: string[];
  a: string[];
  aaaa: string[];
  /** TXT values at `_caddy-fleet.<hostname>` (chunks joined). */
  txt: string[];
  /** The relevant CAA RRset and the name it was found at, or null when none exists up to the TLD. */
  caa: { name: string; records: CaaRecord[] } | null;
}

/**
 * Everything one verification check learned about a domain.
 *
 * @example
 * { policy: 'dns', pass: false, outcome: 'fail', checks: { dns: 'fail', caa: 'pass' },
 *   reasons: [{ code: 'STRAY_AAAA', message: 'AAAA 2001:db8::1 is not one of the fleet addresses' }],
 *   records: { cname: [], a: ['192.0.2.1'], aaaa: ['2001:db8::1'], txt: [], caa: null },
 *   checkedAt: '2025-01-01T00:00:00.000Z' }
 */
export interface VerificationFindings {
  policy: VerificationPolicy;
  /** True only when every part passed: the domain may be asked about and a CA will accept it. */
  pass: boolean;
  /** `fail` if any part failed, else `inconclusive` if any part could not be decided, else `pass`. */
  outcome: CheckOutcome;
  /** Per part: `dns` (points at us), `txt` (ownership token), `caa` (our CA may issue). Absent = not checked. */
  checks: { dns?: CheckOutcome; txt?: CheckOutcome; caa?: CheckOutcome };
  reasons: VerificationReason[];
  records: FoundRecords;
  /** ISO 8601 time of the check. */
  checkedAt: string;
}

/** Combines part outcomes: any fail wins, then any inconclusive, else pass. */
export function combineOutcomes(outcomes: readonly CheckOutcome[]): CheckOutcome {
  if (outcomes.includes('fail')) return 'fail';
  if (outcomes.includes('inconclusive')) return 'inconclusive';
  return 'pass';
}
