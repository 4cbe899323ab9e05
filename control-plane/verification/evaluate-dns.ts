import { isDefinite, type LookupFailureKind, type LookupResult, recordsOf } from './dns-lookup.ts';
import { normalizeIp } from './ip-address.ts';
import { failureKindOf, lookupFailureReason } from './lookup-reason.ts';
import type { CheckSettings } from './settings.ts';
import type { CheckOutcome, VerificationReason } from './types.ts';

/** How following a hostname's CNAMEs ended. */
export type CnameWalkEnd = 'target' | 'nodata' | 'nxdomain' | 'loop' | 'too-long' | LookupFailureKind;

/** The CNAME chain from the hostname: `chain` holds each target in order; `end` says why the walk stopped. */
export interface CnameWalk {
  chain: string[];
  end: CnameWalkEnd;
}

/** What DNS said about a hostname for the `dns` policy. */
export interface DnsObservation {
  hostname: string;
  cname: CnameWalk;
  a: LookupResult<string>;
  aaaa: LookupResult<string>;
}

/** The verdict on one part of a check. */
export interface PartVerdict {
  outcome: CheckOutcome;
  reasons: VerificationReason[];
}

/**
 * Decides whether a hostname points at the fleet: its CNAME chain reaches `dnsTarget`, or it
 * resolves (A and AAAA, CNAMEs followed by the resolver) only to `staticIps`. A stray address next
 * to ours fails with STRAY_A / STRAY_AAAA. Lookup failures are inconclusive unless a stray address
 * already proves the failure.
 */
export function evaluateDns(
  observation: DnsObservation,
  settings: Pick<CheckSettings, 'dnsTarget' | 'staticIps'>,
): PartVerdict {
  const { hostname, cname, a, aaaa } = observation;
  const chainText = [hostname, ...cname.chain].join(' → ');
  if (cname.end === 'target') return { outcome: 'pass', reasons: [] };
  if (cname.end === 'loop') return fail('CNAME_LOOP', `CNAME chain loops: ${chainText}`);
  if (cname.end === 'too-long') return fail('CNAME_CHAIN_TOO_LONG', `CNAME chain is too long: ${chainText}`);
  if (cname.end === 'nxdomain' && cname.chain.length === 0) return fail('NXDOMAIN', `${hostname} does not exist`);

  const ours = new Set(settings.staticIps.map(normalizeIp));
  const isOurs = (ip: string) => ours.has(normalizeIp(ip));
  const v4 = recordsOf(a);
  const v6 = recordsOf(aaaa);
  const stray4 = v4.filter((ip) => !isOurs(ip));
  const stray6 = v6.filter((ip) => !isOurs(ip));
  const ourCount = v4.length + v6.length - stray4.length - stray6.length;
  const wrongTarget = (): PartVerdict =>
    fail('CNAME_WRONG_TARGET', `CNAME chain ${chainText} does not reach ${settings.dnsTarget || 'the fleet target'}`);

  if (stray4.length + stray6.length > 0) {
    if (cname.chain.length > 0) return wrongTarget();
    if (ourCount === 0) {
      return fail('DNS_NOT_POINTED', `${hostname} resolves to ${[...v4, ...v6].join(', ')}, not to the fleet`);
    }
    const reasons: VerificationReason[] = [];
    if (stray4.length > 0) reasons.push(stray('STRAY_A', stray4));
    if (stray6.length > 0) reasons.push(stray('STRAY_AAAA', stray6));
    return { outcome: 'fail', reasons };
  }

  const failures: [LookupFailureKind | null, string][] = [
    [failureKindOf({ kind: cname.end }), `CNAME ${[hostname, ...cname.chain].at(-1)}`],
    [failureKindOf(a), `A ${hostname}`],
    [failureKindOf(aaaa), `AAAA ${hostname}`],
  ];
  const failed = failures.filter((f): f is [LookupFailureKind, string] => f[0] !== null);
  // Definite A and AAAA answers holding only our addresses settle it, whatever the CNAME walk hit.
  if (ourCount > 0 && isDefinite(a) && isDefinite(aaaa)) return { outcome: 'pass', reasons: [] };
  if (failed.length > 0) {
    return { outcome: 'inconclusive', reasons: failed.map(([kind, question]) => lookupFailureReason(kind, question)) };
  }
  if (cname.chain.length > 0) return wrongTarget();
  if (a.kind === 'nxdomain' || aaaa.kind === 'nxdomain') return fail('NXDOMAIN', `${hostname} does not exist`);
  return fail('DNS_NOT_POINTED', `${hostname} has no CNAME, A or AAAA records`);
}

function fail(code: VerificationReason['code'], message: string): PartVerdict {
  return { outcome: 'fail', reasons: [{ code, message }] };
}

function stray(code: 'STRAY_A' | 'STRAY_AAAA', addresses: string[]): VerificationReason {
  const type = code === 'STRAY_A' ? 'A' : 'AAAA';
  return {
    code,
    message: `${type} ${addresses.join(', ')} ${addresses.length > 1 ? 'are' : 'is'} not the fleet's address`,
  };
}
