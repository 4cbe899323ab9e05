import { type DnsLookup, recordsOf } from './dns-lookup.ts';
import { evaluateCaa } from './evaluate-caa.ts';
import { evaluateDns, type PartVerdict } from './evaluate-dns.ts';
import { evaluateTxt } from './evaluate-txt.ts';
import type { CheckSettings } from './settings.ts';
import { txtRecordName } from './token.ts';
import { combineOutcomes, type FoundRecords, type VerificationFindings, type VerificationPolicy } from './types.ts';
import { climbCaa, walkCname } from './walk-dns.ts';

const NO_RECORDS: FoundRecords = { cname: [], a: [], aaaa: [], txt: [], caa: null };

/**
 * Runs one verification check of a hostname under a policy: `none` passes without any lookup;
 * `dns` checks that the name points at the fleet (CNAME to `dnsTarget` or only `staticIps`);
 * `txt` checks `_caddy-fleet.<hostname>` for `token`. Both `dns` and `txt` also check CAA.
 * Lookups run in parallel; DNS failures become reasons, never exceptions.
 *
 * @param hostname canonical hostname (lowercase A-labels, no trailing dot)
 * @param now epoch ms stamped on the findings as `checkedAt`
 */
export async function checkDomain(
  hostname: string,
  policy: VerificationPolicy,
  settings: CheckSettings,
  lookup: DnsLookup,
  token?: string | null,
  now: number = Date.now(),
): Promise<VerificationFindings> {
  const checkedAt = new Date(now).toISOString();
  if (policy === 'none') {
    return { policy, pass: true, outcome: 'pass', checks: {}, reasons: [], records: NO_RECORDS, checkedAt };
  }
  const [[main, found], caaSteps] = await Promise.all([
    policy === 'dns' ? checkPointing(hostname, settings, lookup) : checkToken(hostname, lookup, token),
    settings.caDomains.length > 0 ? climbCaa(hostname, lookup) : [],
  ]);
  const caa = evaluateCaa(hostname, caaSteps, settings.caDomains);
  const outcome = combineOutcomes([main.outcome, caa.outcome]);
  return {
    policy,
    pass: outcome === 'pass',
    outcome,
    checks: { [policy]: main.outcome, caa: caa.outcome },
    reasons: [...main.reasons, ...caa.reasons],
    records: { ...NO_RECORDS, ...found, caa: caa.relevant },
    checkedAt,
  };
}

async function checkPointing(
  hostname: string,
  settings: CheckSettings,
  lookup: DnsLookup,
): Promise<[PartVerdict, Partial<FoundRecords>]> {
  const [cname, a, aaaa] = await Promise.all([
    walkCname(hostname, lookup, settings.dnsTarget, settings.maxCnameHops),
    lookup.resolve4(hostname),
    lookup.resolve6(hostname),
  ]);
  const verdict = evaluateDns({ hostname, cname, a, aaaa }, settings);
  return [verdict, { cname: cname.chain, a: recordsOf(a), aaaa: recordsOf(aaaa) }];
}

async function checkToken(
  hostname: string,
  lookup: DnsLookup,
  token: string | null | undefined,
): Promise<[PartVerdict, Partial<FoundRecords>]> {
  const name = txtRecordName(hostname);
  const txt = await lookup.resolveTxt(name);
  return [evaluateTxt(name, txt, token), { txt: recordsOf(txt) }];
}
