import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAsk } from '../control-plane/ask/decide-ask.ts';
import { startDnsServer, startSilentDnsServer, type TestDnsServer } from './helpers/dns-server.ts';
import { createTestApp } from './helpers/test-app.ts';

const OUR_V4 = '192.0.2.10';
const HOUR = 3_600_000;
const GRACE = 6 * HOUR;
const T0 = Date.UTC(2025, 0, 1);

let dns: TestDnsServer;
let t: ReturnType<typeof createTestApp>;
let now = T0;

type Body = Record<string, any>;
const body = async (res: Response): Promise<Body> => (await res.json()) as Body;
const ask = (hostname: string) => decideAsk(`domain=${hostname}`, (h) => t.store.domains.askStatus(h)).status;
const status = (hostname: string) => t.store.domains.get(hostname as never)?.status;
const verification = async (hostname: string) => body(await t.request('GET', `/v1/domains/${hostname}/verification`));

/** Runs the checker at each domain's next check time until `until` holds (bounded). */
async function checkUntil(hostname: string, until: () => boolean, maxPasses = 100): Promise<number> {
  let passes = 0;
  while (!until() && passes < maxPasses) {
    const next = t.verification?.queue.get(hostname as never)?.nextCheckAt;
    if (next === null || next === undefined) break;
    now = Math.max(now, next);
    await t.verification?.checker.runOnce(now);
    passes++;
  }
  return passes;
}

beforeAll(async () => {
  dns = await startDnsServer();
  await dns.addA('edge.fleet.test', [OUR_V4]);
  t = createTestApp({
    platformDomains: [],
    verification: {
      config: { dnsServers: [dns.address], staticIps: [OUR_V4], movedGrace: GRACE, dnsTimeout: 500 },
      clock: () => now,
    },
  });
});

afterAll(async () => {
  t?.close();
  await dns?.stop();
});

describe('dns policy against a real DNS server', () => {
  const host = 'shop.lifecycle-customer.com';

  it('pending → active → moved (still asked in grace) → deleted, each transition audited with its reason', async () => {
    const created = await t.request('POST', '/v1/domains', { hostname: host });
    expect(created.status).toBe(201);
    expect(await body(created)).toMatchObject({ status: 'pending', verification: { policy: 'dns' } });
    expect(ask(host)).toBe(403);

    const early = await body(await t.request('POST', `/v1/domains/${host}/verify`));
    expect(early).toMatchObject({ status: 'pending', transition: null, findings: { outcome: 'fail' } });

    await dns.setCname(host, 'edge.fleet.test');
    const verified = await body(await t.request('POST', `/v1/domains/${host}/verify`));
    expect(verified).toMatchObject({ previous_status: 'pending', status: 'active' });
    expect(verified.findings.records.cname).toEqual(['edge.fleet.test']);
    expect(ask(host)).toBe(200);

    // the customer points the name elsewhere
    await dns.clear('cname', host);
    await dns.addA(host, ['198.51.100.7']);
    await checkUntil(host, () => status(host) === 'moved');
    expect(status(host)).toBe('moved');
    expect(ask(host)).toBe(200);
    const moved = await verification(host);
    expect(moved.findings.reasons.map((r: Body) => r.code)).toContain('DNS_NOT_POINTED');
    expect(Date.parse(moved.grace_ends_at) - Date.parse(moved.moved_at)).toBe(GRACE);
    expect(moved.next_check_at).not.toBeNull();

    await checkUntil(host, () => status(host) === 'deleted');
    expect(status(host)).toBe('deleted');
    expect(now).toBe(Date.parse(moved.grace_ends_at));
    expect(ask(host)).toBe(403);
    const removals = t.store.db.prepare('SELECT hostname FROM cert_removals').pluck().all();
    expect(removals).toContain(host);

    const events = await body(await t.request('GET', `/v1/domains/${host}/events`));
    const transitions = events.items
      .filter((e: Body) => e.action === 'status_changed')
      .map((e: Body) => [e.actor, e.after.status, e.reason]);
    expect(transitions).toEqual([
      ['checker', 'active', 'verification passed (dns)'],
      [
        'checker',
        'moved',
        expect.stringMatching(/^DNS no longer points at the fleet \(\d+ failed checks over 30m\): /),
      ],
      ['checker', 'deleted', expect.stringMatching(/^moved away and not back within 6h: /)],
    ]);
  });

  it('activates a name reached through a CNAME chain', async () => {
    await dns.setCname('chain.lifecycle-customer.com', 'hop.lifecycle-customer.com');
    await dns.setCname('hop.lifecycle-customer.com', 'edge.fleet.test');
    await t.request('POST', '/v1/domains', { hostname: 'chain.lifecycle-customer.com' });
    const result = await body(await t.request('POST', '/v1/domains/chain.lifecycle-customer.com/verify'));
    expect(result).toMatchObject({ status: 'active', findings: { pass: true } });
    expect(result.findings.records.cname).toEqual(['hop.lifecycle-customer.com', 'edge.fleet.test']);
  });

  it('leaves the status alone on SERVFAIL and stores the reason, for pending and active domains', async () => {
    const pending = 'sf-pending.lifecycle-customer.com';
    await t.request('POST', '/v1/domains', { hostname: pending });
    await dns.setServfail(pending);
    const result = await body(await t.request('POST', `/v1/domains/${pending}/verify`));
    expect(result).toMatchObject({ status: 'pending', transition: null, findings: { outcome: 'inconclusive' } });
    expect(result.findings.reasons.map((r: Body) => r.code)).toContain('SERVFAIL');
    // an inconclusive check retries soon (the shorter of the backoff and 5 minutes), without counting as a failure
    expect(Date.parse(result.next_check_at) - now).toBe(60_000);

    const active = 'sf-active.lifecycle-customer.com';
    await dns.addA(active, [OUR_V4]);
    await t.request('POST', '/v1/domains', { hostname: active });
    await t.request('POST', `/v1/domains/${active}/verify`);
    expect(status(active)).toBe('active');
    await dns.setServfail(active);
    const passes = await checkUntil(active, () => status(active) !== 'active', 12);
    expect(passes).toBe(12);
    expect(status(active)).toBe('active');
    const stored = await verification(active);
    expect(stored.findings).toMatchObject({ outcome: 'inconclusive' });
    expect(t.verification?.queue.get(active as never)?.state.streak.count).toBe(0);
  });
});

describe('txt policy against a real DNS server', () => {
  it('fails on a missing or wrong token and passes on the right one', async () => {
    const host = 'own.lifecycle-customer.com';
    await t.request('POST', '/v1/domains', { hostname: host, verification: 'txt' });
    const view = await verification(host);
    const record = view.records[0];
    expect(record).toMatchObject({ type: 'TXT', name: `_caddy-fleet.${host}` });

    const missing = await body(await t.request('POST', `/v1/domains/${host}/verify`));
    expect(missing.findings.reasons.map((r: Body) => r.code)).toContain('TXT_MISSING');
    await dns.setTxt(record.name, 'someone-elses-token-0123456789');
    const wrong = await body(await t.request('POST', `/v1/domains/${host}/verify`));
    expect(wrong).toMatchObject({ status: 'pending' });
    expect(wrong.findings.reasons.map((r: Body) => r.code)).toContain('TXT_MISMATCH');

    await dns.clear('txt', record.name);
    await dns.setTxt(record.name, record.value);
    const passed = await body(await t.request('POST', `/v1/domains/${host}/verify`));
    expect(passed).toMatchObject({ status: 'active', transition: { reason: 'verification passed (txt)' } });
    expect(ask(host)).toBe(200);
  });
});

describe('a DNS server that never answers', () => {
  it('times out within the configured deadline and leaves the domain pending with DNS_TIMEOUT stored', async () => {
    const silent = await startSilentDnsServer();
    const other = createTestApp({
      verification: { config: { dnsServers: [silent.address], dnsTimeout: 100, caDomains: [] }, clock: () => T0 },
    });
    try {
      await other.request('POST', '/v1/domains', { hostname: 'slow.customer.com' });
      const result = await body(await other.request('POST', '/v1/domains/slow.customer.com/verify'));
      expect(result).toMatchObject({ status: 'pending', transition: null, findings: { outcome: 'inconclusive' } });
      expect(result.findings.reasons.map((r: Body) => r.code)).toContain('DNS_TIMEOUT');
      const stored = body(await other.request('GET', '/v1/domains/slow.customer.com/verification'));
      expect((await stored).findings.reasons.map((r: Body) => r.code)).toContain('DNS_TIMEOUT');
      expect(silent.received()).toBeGreaterThan(0);
    } finally {
      other.close();
      await silent.stop();
    }
  });
});
