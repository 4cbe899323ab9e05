import { describe, expect, it } from 'vitest';
import { checkDomain } from './check-domain.ts';
import { FakeDnsLookup } from './fake-dns-lookup.ts';
import type { CheckSettings } from './settings.ts';

const settings: CheckSettings = {
  dnsTarget: 'edge.fleet.example',
  staticIps: ['192.0.2.10', '2001:db8::10'],
  caDomains: ['letsencrypt.org'],
  maxCnameHops: 4,
};
const T0 = Date.UTC(2025, 0, 1);
const TOKEN = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6';

describe('checkDomain', () => {
  it('passes `none` without asking DNS', async () => {
    const dns = new FakeDnsLookup();
    const findings = await checkDomain('shop.example', 'none', settings, dns, null, T0);
    expect(findings).toMatchObject({ policy: 'none', pass: true, outcome: 'pass', reasons: [] });
    expect(findings.checkedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(dns.queries).toEqual([]);
  });

  it('follows a CNAME chain to the target and records it with the CAA set', async () => {
    const dns = new FakeDnsLookup()
      .set('CNAME', 'shop.example', ['hop.cust.example'])
      .set('CNAME', 'hop.cust.example', ['edge.fleet.example'])
      .set('A', 'shop.example', ['192.0.2.10'])
      .set('CAA', 'example', [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }]);
    const findings = await checkDomain('shop.example', 'dns', settings, dns, null, T0);
    expect(findings.pass).toBe(true);
    expect(findings.checks).toEqual({ dns: 'pass', caa: 'pass' });
    expect(findings.records).toEqual({
      cname: ['hop.cust.example', 'edge.fleet.example'],
      a: ['192.0.2.10'],
      aaaa: [],
      txt: [],
      caa: { name: 'example', records: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] },
    });
    expect(dns.queries).not.toContain('CNAME edge.fleet.example');
  });

  it('detects a CNAME loop within the hop limit', async () => {
    const dns = new FakeDnsLookup().set('CNAME', 'a.example', ['b.example']).set('CNAME', 'b.example', ['a.example']);
    const findings = await checkDomain('a.example', 'dns', settings, dns, null, T0);
    expect(findings.reasons.map((r) => r.code)).toEqual(['CNAME_LOOP']);
    expect(dns.queries.filter((q) => q.startsWith('CNAME'))).toHaveLength(2);
  });

  it('stops a long chain at maxCnameHops', async () => {
    const dns = new FakeDnsLookup();
    for (let i = 0; i < 10; i++) dns.set('CNAME', `h${i}.example`, [`h${i + 1}.example`]);
    const findings = await checkDomain('h0.example', 'dns', settings, dns, null, T0);
    expect(findings.reasons.map((r) => r.code)).toEqual(['CNAME_CHAIN_TOO_LONG']);
    expect(findings.records.cname).toHaveLength(4);
  });

  it('fails on both pointing and CAA, reporting both', async () => {
    const dns = new FakeDnsLookup()
      .set('A', 'shop.example', ['192.0.2.10'])
      .set('AAAA', 'shop.example', ['2001:db8::99'])
      .set('CAA', 'shop.example', [{ flags: 0, tag: 'issue', value: ';' }]);
    const findings = await checkDomain('shop.example', 'dns', settings, dns, null, T0);
    expect(findings).toMatchObject({ pass: false, outcome: 'fail', checks: { dns: 'fail', caa: 'fail' } });
    expect(findings.reasons.map((r) => r.code)).toEqual(['STRAY_AAAA', 'CAA_FORBIDS']);
  });

  it('climbs CAA from the hostname to the TLD and stops at the first set', async () => {
    const dns = new FakeDnsLookup()
      .set('A', 'a.b.example', ['192.0.2.10'])
      .set('CAA', 'b.example', [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }]);
    await checkDomain('a.b.example', 'dns', settings, dns, null, T0);
    expect(dns.queries.filter((q) => q.startsWith('CAA'))).toEqual(['CAA a.b.example', 'CAA b.example']);
  });

  it('checks the TXT token under _caddy-fleet and not the pointing', async () => {
    const dns = new FakeDnsLookup().set('TXT', '_caddy-fleet.shop.example', ['other', TOKEN]);
    const ok = await checkDomain('shop.example', 'txt', settings, dns, TOKEN, T0);
    expect(ok).toMatchObject({ pass: true, checks: { txt: 'pass', caa: 'pass' }, records: { txt: ['other', TOKEN] } });
    expect(dns.queries.some((q) => q.startsWith('A ') || q.startsWith('CNAME'))).toBe(false);

    const wrong = await checkDomain('shop.example', 'txt', settings, dns, 'another-token-of-enough-length', T0);
    expect(wrong.reasons.map((r) => r.code)).toEqual(['TXT_MISMATCH']);
    expect(wrong.reasons[0]?.message).not.toContain('another-token');

    const missing = await checkDomain('other.example', 'txt', settings, dns, TOKEN, T0);
    expect(missing.reasons.map((r) => r.code)).toEqual(['TXT_MISSING']);

    const noToken = await checkDomain('shop.example', 'txt', settings, dns, null, T0);
    expect(noToken.reasons.map((r) => r.code)).toEqual(['TXT_NO_TOKEN']);
  });

  it('turns lookup failures into inconclusive findings', async () => {
    const dns = new FakeDnsLookup().set('TXT', '_caddy-fleet.shop.example', { kind: 'timeout' });
    const findings = await checkDomain('shop.example', 'txt', settings, dns, TOKEN, T0);
    expect(findings).toMatchObject({ pass: false, outcome: 'inconclusive', checks: { txt: 'inconclusive' } });
    expect(findings.reasons.map((r) => r.code)).toEqual(['DNS_TIMEOUT']);
  });

  it('skips CAA lookups when no CA is configured', async () => {
    const dns = new FakeDnsLookup().set('A', 'shop.example', ['192.0.2.10']);
    const findings = await checkDomain('shop.example', 'dns', { ...settings, caDomains: [] }, dns, null, T0);
    expect(findings.pass).toBe(true);
    expect(dns.queries.some((q) => q.startsWith('CAA'))).toBe(false);
  });
});
