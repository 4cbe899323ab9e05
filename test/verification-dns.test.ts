import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDomain } from '../control-plane/verification/check-domain.ts';
import { MemoryVerificationQueue } from '../control-plane/verification/memory-verification-queue.ts';
import { NodeDnsLookup } from '../control-plane/verification/node-dns-lookup.ts';
import {
  type CheckSettings,
  DEFAULT_SCHEDULE_SETTINGS,
  type ScheduleSettings,
} from '../control-plane/verification/settings.ts';
import { generateVerificationToken } from '../control-plane/verification/token.ts';
import { VerificationChecker } from '../control-plane/verification/verification-checker.ts';
import { startDnsServer, startSilentDnsServer, type TestDnsServer } from './helpers/dns-server.ts';

const OUR_V4 = '192.0.2.10';
const OUR_V6 = '2001:db8::10';
const settings: CheckSettings = {
  dnsTarget: 'edge.fleet.test',
  staticIps: [OUR_V4, OUR_V6],
  caDomains: ['letsencrypt.org'],
  maxCnameHops: 8,
};
const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let dns: TestDnsServer;
let lookup: NodeDnsLookup;
const codes = (f: { reasons: { code: string }[] }) => f.reasons.map((r) => r.code);
const check = (host: string, policy: 'dns' | 'txt' = 'dns', token?: string) =>
  checkDomain(host, policy, settings, lookup, token, T0);

beforeAll(async () => {
  dns = await startDnsServer();
  lookup = new NodeDnsLookup({ servers: [dns.address], timeoutMs: 500, tries: 2, deadlineMs: 3_000 });
  await dns.addA('edge.fleet.test', [OUR_V4]);
  await dns.addAaaa('edge.fleet.test', [OUR_V6]);
});

afterAll(async () => {
  await dns?.stop();
});

describe('NodeDnsLookup against a real DNS server', () => {
  it('tells answers from NODATA and converts CNAME, TXT and CAA records', async () => {
    await dns.setCname('alias.lookup.test', 'edge.fleet.test');
    await dns.setTxt('txt.lookup.test', 'hello');
    await dns.addCaa('caa.lookup.test', [{ tag: 'issue', value: 'letsencrypt.org' }]);
    expect(await lookup.resolve4('edge.fleet.test')).toEqual({ kind: 'answer', records: [OUR_V4] });
    expect(await lookup.resolve6('edge.fleet.test')).toEqual({ kind: 'answer', records: [OUR_V6] });
    expect(await lookup.resolve4('nothing.lookup.test')).toEqual({ kind: 'nodata' });
    expect(await lookup.resolveCname('alias.lookup.test')).toEqual({ kind: 'answer', records: ['edge.fleet.test'] });
    expect(await lookup.resolveTxt('txt.lookup.test')).toEqual({ kind: 'answer', records: ['hello'] });
    expect(await lookup.resolveCaa('caa.lookup.test')).toEqual({
      kind: 'answer',
      records: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }],
    });
  });
});

describe('checkDomain: dns policy', () => {
  it('passes a CNAME to the target', async () => {
    await dns.setCname('shop.cname.test', 'edge.fleet.test');
    const findings = await check('shop.cname.test');
    expect(findings).toMatchObject({
      pass: true,
      outcome: 'pass',
      records: { cname: ['edge.fleet.test'], a: [OUR_V4] },
    });
  });

  it('follows a CNAME chain to the target', async () => {
    await dns.setCname('shop.chain.test', 'mid.chain.test');
    await dns.setCname('mid.chain.test', 'edge.fleet.test');
    const findings = await check('shop.chain.test');
    expect(findings.pass).toBe(true);
    expect(findings.records.cname).toEqual(['mid.chain.test', 'edge.fleet.test']);
  });

  it('passes A and AAAA pointing only at the static addresses', async () => {
    await dns.addA('apex.test', [OUR_V4]);
    await dns.addAaaa('apex.test', ['2001:db8:0::10']);
    expect(await check('apex.test')).toMatchObject({ pass: true, records: { a: [OUR_V4], aaaa: ['2001:db8::10'] } });
  });

  it('fails a stray AAAA next to our A', async () => {
    await dns.addA('stray6.test', [OUR_V4]);
    await dns.addAaaa('stray6.test', ['2001:db8::bad']);
    const findings = await check('stray6.test');
    expect(findings).toMatchObject({ pass: false, outcome: 'fail', checks: { dns: 'fail' } });
    expect(codes(findings)).toEqual(['STRAY_AAAA']);
    expect(findings.reasons[0]?.message).toContain('2001:db8::bad');
  });

  it('fails a stray A next to our AAAA', async () => {
    await dns.addA('stray4.test', ['198.51.100.4']);
    await dns.addAaaa('stray4.test', [OUR_V6]);
    expect(codes(await check('stray4.test'))).toEqual(['STRAY_A']);
  });

  it('fails a CNAME to somebody else', async () => {
    await dns.setCname('shop.wrong.test', 'other-cdn.test');
    await dns.addA('other-cdn.test', ['203.0.113.9']);
    const findings = await check('shop.wrong.test');
    expect(codes(findings)).toEqual(['CNAME_WRONG_TARGET']);
    expect(findings.records.cname).toEqual(['other-cdn.test']);
  });

  it('fails a name with no records and a CNAME loop', async () => {
    expect(codes(await check('empty.test'))).toEqual(['DNS_NOT_POINTED']);
    await dns.setCname('l1.loop.test', 'l2.loop.test');
    await dns.setCname('l2.loop.test', 'l1.loop.test');
    expect(codes(await check('l1.loop.test'))).toEqual(['CNAME_LOOP']);
  });

  it('reports SERVFAIL as inconclusive', async () => {
    await dns.setServfail('broken.test');
    const findings = await check('broken.test');
    expect(findings).toMatchObject({
      pass: false,
      outcome: 'inconclusive',
      checks: { dns: 'inconclusive', caa: 'inconclusive' },
    });
    expect(new Set(codes(findings))).toEqual(new Set(['SERVFAIL']));
  });
});

describe('checkDomain: txt policy', () => {
  const token = generateVerificationToken();

  it('passes with the token, before any traffic points at us', async () => {
    await dns.setTxt('_caddy-fleet.owned.test', 'unrelated');
    await dns.setTxt('_caddy-fleet.owned.test', token);
    const findings = await check('owned.test', 'txt', token);
    expect(findings).toMatchObject({ pass: true, checks: { txt: 'pass', caa: 'pass' } });
    expect(findings.records.txt.sort()).toEqual([token, 'unrelated'].sort());
  });

  it('fails a missing or a wrong token', async () => {
    expect(codes(await check('unowned.test', 'txt', token))).toEqual(['TXT_MISSING']);
    await dns.setTxt('_caddy-fleet.mistyped.test', generateVerificationToken());
    expect(codes(await check('mistyped.test', 'txt', token))).toEqual(['TXT_MISMATCH']);
  });
});

describe('checkDomain: CAA', () => {
  beforeAll(async () => {
    for (const host of ['allow.caa.test', 'deny.caa.test', 'none.caa.test', 'child.inherit.caa.test']) {
      await dns.addA(host, [OUR_V4]);
    }
    await dns.addCaa('allow.caa.test', [{ tag: 'issue', value: 'letsencrypt.org; validationmethods=http-01' }]);
    await dns.addCaa('deny.caa.test', [
      { tag: 'issue', value: 'sectigo.com' },
      { tag: 'issuewild', value: 'letsencrypt.org' },
    ]);
    await dns.addCaa('inherit.caa.test', [{ tag: 'issue', value: ';' }]);
  });

  it('passes when CAA allows our CA, and records the set', async () => {
    const findings = await check('allow.caa.test');
    expect(findings.pass).toBe(true);
    expect(findings.records.caa).toEqual({
      name: 'allow.caa.test',
      records: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org; validationmethods=http-01' }],
    });
  });

  it('fails when CAA names another CA (issuewild does not count for a plain name)', async () => {
    const findings = await check('deny.caa.test');
    expect(findings).toMatchObject({ pass: false, checks: { dns: 'pass', caa: 'fail' } });
    expect(codes(findings)).toEqual(['CAA_FORBIDS']);
  });

  it('passes when no CAA exists up to the TLD', async () => {
    expect(await check('none.caa.test')).toMatchObject({ pass: true, records: { caa: null } });
  });

  it('inherits CAA from a parent', async () => {
    const findings = await check('child.inherit.caa.test');
    expect(codes(findings)).toEqual(['CAA_FORBIDS']);
    expect(findings.records.caa?.name).toBe('inherit.caa.test');
  });
});

describe('timeouts', () => {
  it('reports DNS_TIMEOUT when the server never answers', async () => {
    const silent = await startSilentDnsServer();
    try {
      const slow = new NodeDnsLookup({ servers: [silent.address], timeoutMs: 200, tries: 1, deadlineMs: 10_000 });
      const findings = await checkDomain('shop.example', 'dns', settings, slow, null, T0);
      expect(findings).toMatchObject({ pass: false, outcome: 'inconclusive' });
      expect(new Set(codes(findings))).toEqual(new Set(['DNS_TIMEOUT']));
      expect(silent.received()).toBeGreaterThan(0);
    } finally {
      await silent.stop();
    }
  });

  it('cuts a lookup off at its deadline even with generous c-ares settings', async () => {
    const silent = await startSilentDnsServer();
    try {
      const slow = new NodeDnsLookup({ servers: [silent.address], timeoutMs: 20_000, tries: 4, deadlineMs: 300 });
      expect(await slow.resolve4('shop.example')).toEqual({ kind: 'timeout' });
    } finally {
      await silent.stop();
    }
  });
});

describe('VerificationChecker over real DNS', () => {
  it('drives pending → active → moved → active → moved → deleted as records change', async () => {
    const schedule: ScheduleSettings = {
      ...DEFAULT_SCHEDULE_SETTINGS,
      movedAfterFailures: 2,
      movedAfterMs: 10 * MIN,
      movedGraceMs: DAY,
    };
    const queue = new MemoryVerificationQueue();
    const checker = new VerificationChecker({
      source: queue,
      lookup,
      settings: { ...settings, schedule },
      clock: () => T0,
    });
    const host = 'life.cycle.test';
    queue.add(host, 'dns', T0);
    const step = () => checker.runOnce(queue.get(host).nextCheckAt ?? Number.NaN);
    const stepUntilNot = async (status: string) => {
      for (let i = 0; i < 50 && queue.get(host).status === status; i++) await step();
    };

    await step();
    expect(queue.get(host).status).toBe('pending');
    await dns.setCname(host, 'edge.fleet.test');
    await step();
    expect(queue.get(host)).toMatchObject({ status: 'active', reason: 'verification passed (dns)' });

    await dns.clear('cname', host);
    await dns.addA(host, ['198.51.100.50']);
    await stepUntilNot('active');
    expect(queue.get(host).status).toBe('moved');
    expect(queue.get(host).reason).toMatch(
      /^DNS no longer points at the fleet \(2 failed checks over 10m\): .*198\.51\.100\.50/,
    );

    await dns.clear('a', host);
    await dns.addA(host, [OUR_V4]);
    await step();
    expect(queue.get(host)).toMatchObject({ status: 'active', reason: 'DNS points at the fleet again' });

    await dns.clear('a', host);
    await stepUntilNot('active');
    const movedAt = queue.get(host).movedAt ?? Number.NaN;
    await stepUntilNot('moved');
    const domain = queue.get(host);
    expect(domain).toMatchObject({ status: 'deleted', nextCheckAt: null });
    expect(domain.findings?.checkedAt).toBe(new Date(movedAt + DAY).toISOString());
    expect(domain.reason).toMatch(
      /^moved away and not back within 1d: life\.cycle\.test has no CNAME, A or AAAA records$/,
    );
    expect(domain.history.map((t) => t.status)).toEqual(['active', 'moved', 'active', 'moved', 'deleted']);
  });
});
