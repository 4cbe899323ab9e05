import { describe, expect, it } from 'vitest';
import type { LookupResult } from './dns-lookup.ts';
import { type CnameWalk, evaluateDns } from './evaluate-dns.ts';

const settings = { dnsTarget: 'edge.fleet.example', staticIps: ['192.0.2.10', '2001:db8::10'] };
const none: LookupResult<string> = { kind: 'nodata' };
const ans = (...records: string[]): LookupResult<string> => ({ kind: 'answer', records });
const noCname: CnameWalk = { chain: [], end: 'nodata' };

const cases: [string, CnameWalk, LookupResult<string>, LookupResult<string>, string, string[]][] = [
  ['CNAME to target', { chain: ['edge.fleet.example'], end: 'target' }, none, none, 'pass', []],
  ['CNAME chain to target', { chain: ['a.cust.example', 'edge.fleet.example'], end: 'target' }, none, none, 'pass', []],
  ['A only ours', noCname, ans('192.0.2.10'), none, 'pass', []],
  ['A and AAAA ours (non-canonical v6 text)', noCname, ans('192.0.2.10'), ans('2001:DB8:0::10'), 'pass', []],
  ['AAAA only ours', noCname, none, ans('2001:db8::10'), 'pass', []],
  ['stray AAAA beside our A', noCname, ans('192.0.2.10'), ans('2001:db8::99'), 'fail', ['STRAY_AAAA']],
  ['stray A beside our AAAA', noCname, ans('198.51.100.1', '192.0.2.10'), ans('2001:db8::10'), 'fail', ['STRAY_A']],
  [
    'both families stray beside ours',
    noCname,
    ans('192.0.2.10', '198.51.100.1'),
    ans('2001:db8::99'),
    'fail',
    ['STRAY_A', 'STRAY_AAAA'],
  ],
  ['only foreign addresses', noCname, ans('198.51.100.1'), none, 'fail', ['DNS_NOT_POINTED']],
  ['no records at all', noCname, none, none, 'fail', ['DNS_NOT_POINTED']],
  [
    'NXDOMAIN on the name',
    { chain: [], end: 'nxdomain' },
    { kind: 'nxdomain' },
    { kind: 'nxdomain' },
    'fail',
    ['NXDOMAIN'],
  ],
  ['NXDOMAIN only on A', noCname, { kind: 'nxdomain' }, none, 'fail', ['NXDOMAIN']],
  [
    'CNAME elsewhere',
    { chain: ['other.cdn.example'], end: 'nodata' },
    ans('203.0.113.5'),
    none,
    'fail',
    ['CNAME_WRONG_TARGET'],
  ],
  [
    'dangling CNAME elsewhere',
    { chain: ['gone.example'], end: 'nxdomain' },
    none,
    none,
    'fail',
    ['CNAME_WRONG_TARGET'],
  ],
  [
    'CNAME via intermediate resolving to ours',
    { chain: ['mid.cust.example'], end: 'nodata' },
    ans('192.0.2.10'),
    none,
    'pass',
    [],
  ],
  ['CNAME loop', { chain: ['b.example', 'a.example'], end: 'loop' }, none, none, 'fail', ['CNAME_LOOP']],
  [
    'CNAME chain too long',
    { chain: ['1.x', '2.x', '3.x'], end: 'too-long' },
    none,
    none,
    'fail',
    ['CNAME_CHAIN_TOO_LONG'],
  ],
  ['SERVFAIL on A, nothing else', noCname, { kind: 'servfail' }, none, 'inconclusive', ['SERVFAIL']],
  [
    'timeout everywhere',
    { chain: [], end: 'timeout' },
    { kind: 'timeout' },
    { kind: 'timeout' },
    'inconclusive',
    ['DNS_TIMEOUT', 'DNS_TIMEOUT', 'DNS_TIMEOUT'],
  ],
  ['refused on CNAME', { chain: [], end: 'refused' }, none, none, 'inconclusive', ['DNS_REFUSED']],
  ['CNAME SERVFAIL but A/AAAA only ours', { chain: [], end: 'servfail' }, ans('192.0.2.10'), none, 'pass', []],
  ['ours on A but AAAA timed out', noCname, ans('192.0.2.10'), { kind: 'timeout' }, 'inconclusive', ['DNS_TIMEOUT']],
  [
    'stray proves failure despite a timeout',
    noCname,
    ans('198.51.100.1'),
    { kind: 'timeout' },
    'fail',
    ['DNS_NOT_POINTED'],
  ],
  ['unknown lookup error', noCname, { kind: 'error', code: 'EBADRESP' }, none, 'inconclusive', ['DNS_ERROR']],
];

describe('evaluateDns', () => {
  it.each(cases)('%s', (_name, cname, a, aaaa, outcome, codes) => {
    const verdict = evaluateDns({ hostname: 'shop.cust.example', cname, a, aaaa }, settings);
    expect(verdict.outcome).toBe(outcome);
    expect(verdict.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('names the stray address and the chain in its messages', () => {
    const stray = evaluateDns(
      { hostname: 'h.example', cname: noCname, a: ans('192.0.2.10'), aaaa: ans('2001:db8::99') },
      settings,
    );
    expect(stray.reasons[0]?.message).toContain('2001:db8::99');
    const wrong = evaluateDns(
      { hostname: 'h.example', cname: { chain: ['x.example'], end: 'nodata' }, a: none, aaaa: none },
      settings,
    );
    expect(wrong.reasons[0]?.message).toBe('CNAME chain h.example → x.example does not reach edge.fleet.example');
  });

  it('fails an address-only domain when no static IPs are configured', () => {
    const verdict = evaluateDns(
      { hostname: 'h.example', cname: noCname, a: ans('192.0.2.10'), aaaa: none },
      { dnsTarget: 'edge.fleet.example', staticIps: [] },
    );
    expect(verdict.reasons.map((r) => r.code)).toEqual(['DNS_NOT_POINTED']);
  });
});
