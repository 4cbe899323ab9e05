import { describe, expect, it } from 'vitest';
import type { Hostname } from '../types.ts';
import type { DnsLookup } from './dns-lookup.ts';
import { FakeDnsLookup } from './fake-dns-lookup.ts';
import { MemoryVerificationQueue } from './memory-verification-queue.ts';
import { DEFAULT_SCHEDULE_SETTINGS } from './settings.ts';
import { VerificationChecker, type VerificationCheckerOptions } from './verification-checker.ts';
import type { DueDomain, VerificationQueue } from './verification-queue.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const settings = {
  dnsTarget: 'edge.fleet.example',
  staticIps: ['192.0.2.10'],
  caDomains: ['letsencrypt.org'],
  maxCnameHops: 8,
  schedule: DEFAULT_SCHEDULE_SETTINGS,
};

function setup(extra: Partial<VerificationCheckerOptions> = {}) {
  const queue = new MemoryVerificationQueue();
  const dns = new FakeDnsLookup();
  const checker = new VerificationChecker({ source: queue, lookup: dns, settings, clock: () => T0, ...extra });
  return { queue, dns, checker };
}

describe('VerificationChecker.runOnce', () => {
  it('activates pointed domains and backs off the others', async () => {
    const { queue, dns, checker } = setup();
    queue.add('good.example', 'dns', T0);
    queue.add('bad.example', 'dns', T0);
    dns.set('CNAME', 'good.example', ['edge.fleet.example']);
    const results = await checker.runOnce(T0);
    expect(results).toHaveLength(2);
    expect(queue.get('good.example')).toMatchObject({
      status: 'active',
      reason: 'verification passed (dns)',
      nextCheckAt: T0 + 60 * MIN,
    });
    expect(queue.get('bad.example')).toMatchObject({
      status: 'pending',
      nextCheckAt: T0 + MIN,
      state: { attempt: 1, firstCheckedAt: T0 },
    });
    expect(await checker.runOnce(T0 + 30_000)).toEqual([]);
    await checker.runOnce(T0 + MIN);
    expect(queue.get('bad.example')).toMatchObject({ nextCheckAt: T0 + 3 * MIN, state: { attempt: 2 } });
  });

  it('gives up on a pending domain after the configured time and stops checking it', async () => {
    const { queue, checker } = setup();
    queue.add('never.example', 'dns', T0);
    let now = T0;
    for (let i = 0; i < 40 && queue.get('never.example').nextCheckAt !== null; i++) {
      now = queue.get('never.example').nextCheckAt ?? now;
      await checker.runOnce(now);
    }
    const domain = queue.get('never.example');
    expect(domain).toMatchObject({ status: 'pending', nextCheckAt: null });
    expect(domain.reason).toMatch(/^verification gave up after 7d: never\.example has no CNAME, A or AAAA records$/);
    expect(now).toBe(T0 + 7 * DAY);
  });

  it('drives active → moved → active → moved → deleted as DNS changes', async () => {
    const { queue, dns, checker } = setup();
    queue.add('shop.example', 'dns', T0);
    dns.set('A', 'shop.example', ['192.0.2.10']);
    await checker.runOnce(T0);
    expect(queue.get('shop.example').status).toBe('active');

    dns.set('A', 'shop.example', ['198.51.100.7']);
    const step = async () => checker.runOnce(queue.get('shop.example').nextCheckAt ?? 0);
    await step(); // first failure at +1h
    await step(); // +1h10m
    expect(queue.get('shop.example')).toMatchObject({ status: 'active', state: { streak: { count: 2 } } });
    await step(); // +1h20m: 3 failures but only 20 minutes
    await step(); // +1h30m: 4 failures over 30 minutes
    const moved = queue.get('shop.example');
    expect(moved).toMatchObject({ status: 'moved', movedAt: T0 + 90 * MIN });
    expect(moved.reason).toContain('DNS no longer points at the fleet (4 failed checks over 30m)');

    dns.set('A', 'shop.example', ['192.0.2.10']);
    await step();
    expect(queue.get('shop.example')).toMatchObject({
      status: 'active',
      movedAt: null,
      reason: 'DNS points at the fleet again',
    });

    dns.set('A', 'shop.example', []);
    for (let i = 0; i < 5 && queue.get('shop.example').status === 'active'; i++) await step();
    const { status: againStatus, movedAt: againAt } = queue.get('shop.example');
    expect(againStatus).toBe('moved');
    for (let i = 0; i < 200 && queue.get('shop.example').status === 'moved'; i++) await step();
    const deleted = queue.get('shop.example');
    expect(deleted).toMatchObject({ status: 'deleted', nextCheckAt: null });
    expect(deleted.findings?.checkedAt).toBe(new Date((againAt ?? 0) + 7 * DAY).toISOString());
    expect(deleted.history.map((t) => t.status)).toEqual(['active', 'moved', 'active', 'moved', 'deleted']);
  });

  it('does not move a domain while DNS is only timing out', async () => {
    const { queue, dns, checker } = setup();
    queue.add('shop.example', 'dns', T0, null, 'active');
    for (const type of ['CNAME', 'A', 'AAAA', 'CAA'] as const) dns.set(type, 'shop.example', { kind: 'timeout' });
    for (let i = 0; i < 20; i++) await checker.runOnce(queue.get('shop.example').nextCheckAt ?? 0);
    expect(queue.get('shop.example')).toMatchObject({ status: 'active', state: { streak: { count: 0 } } });
  });

  it('bounds concurrency and reports each result', async () => {
    let inFlight = 0;
    let peak = 0;
    const dns = new FakeDnsLookup();
    const slow: DnsLookup = {
      resolveCname: (name) => dns.resolveCname(name),
      resolve6: (name) => dns.resolve6(name),
      resolveTxt: (name) => dns.resolveTxt(name),
      resolveCaa: (name) => dns.resolveCaa(name),
      async resolve4(name) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return dns.resolve4(name);
      },
    };
    const queue = new MemoryVerificationQueue();
    for (let i = 0; i < 12; i++) queue.add(`d${i}.example`, 'dns', T0);
    const seen: string[] = [];
    const checker = new VerificationChecker({
      source: queue,
      lookup: slow,
      settings,
      concurrency: 3,
      onResult: (r) => seen.push(r.hostname),
    });
    const results = await checker.runOnce(T0);
    expect(results).toHaveLength(12);
    expect(seen.sort()).toEqual([...queue.domains.keys()].sort());
    expect(peak).toBe(3);
  });

  it('reports a throwing lookup as an error of that domain, with no unhandled rejection', async () => {
    const errors: unknown[] = [];
    const dns = new FakeDnsLookup();
    const broken: DnsLookup = {
      resolveCname: (name) => dns.resolveCname(name),
      resolve4: async () => {
        throw new Error('resolver bug');
      },
      resolve6: (name) => dns.resolve6(name),
      resolveTxt: (name) => dns.resolveTxt(name),
      resolveCaa: async () => {
        throw new Error('resolver bug too');
      },
    };
    const queue = new MemoryVerificationQueue();
    queue.add('a.example', 'dns', T0);
    const checker = new VerificationChecker({
      source: queue,
      lookup: broken,
      settings,
      onError: (_h, e) => errors.push(e),
    });
    expect(await checker.runOnce(T0)).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(queue.get('a.example').nextCheckAt).toBe(T0);
  });

  it('never looks up blocked or deleted domains and stops scheduling them', async () => {
    const { queue, dns, checker } = setup();
    queue.add('blocked.example', 'dns', T0, null, 'blocked');
    const source: VerificationQueue = {
      due: () => [{ ...queue.get('blocked.example') }],
      record: (...args) => queue.record(...args),
    };
    const results = await new VerificationChecker({ source, lookup: dns, settings }).runOnce(T0);
    expect(results[0]).toMatchObject({
      transition: null,
      nextCheckAt: null,
      findings: { reasons: [{ code: 'NOT_CHECKED' }] },
    });
    expect(dns.queries).toEqual([]);
    expect(queue.get('blocked.example').status).toBe('blocked');
    expect(await checker.runOnce(T0)).toEqual([]);
  });

  it('carries on past a domain whose record fails, reporting the error', async () => {
    const errors: [Hostname | null, unknown][] = [];
    const inner = new MemoryVerificationQueue();
    inner.add('a.example', 'none', T0);
    inner.add('b.example', 'none', T0);
    const source: VerificationQueue = {
      due: (now, limit) => inner.due(now, limit),
      record: (hostname, ...rest) => {
        if (hostname === 'a.example') throw new Error('disk full');
        inner.record(hostname, ...rest);
      },
    };
    const checker = new VerificationChecker({
      source,
      lookup: new FakeDnsLookup(),
      settings,
      onError: (h, e) => errors.push([h, e]),
    });
    const results = await checker.runOnce(T0);
    expect(results.map((r) => r.hostname)).toEqual(['b.example']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toBe('a.example');
    expect(inner.get('b.example').status).toBe('active');
  });
});

describe('VerificationChecker.start/stop', () => {
  it('runs passes on its timer until stopped', async () => {
    const checked: string[] = [];
    const due: DueDomain[] = [];
    const source: VerificationQueue = {
      due: () => due.splice(0),
      record: (hostname) => {
        checked.push(hostname);
      },
    };
    const checker = new VerificationChecker({ source, lookup: new FakeDnsLookup(), settings, intervalMs: 5 });
    due.push({
      hostname: 'x.example' as Hostname,
      status: 'pending',
      policy: 'none',
      token: null,
      movedAt: null,
      state: { attempt: 0, firstCheckedAt: null, streak: { count: 0, since: null } },
    });
    checker.start();
    for (let i = 0; i < 200 && checked.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await checker.stop();
    expect(checked).toEqual(['x.example']);
  });
});
