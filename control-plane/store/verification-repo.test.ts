import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import type { Hostname } from '../types.ts';
import { FakeDnsLookup } from '../verification/fake-dns-lookup.ts';
import { DEFAULT_SCHEDULE_SETTINGS } from '../verification/settings.ts';
import { isVerificationToken } from '../verification/token.ts';
import type { VerificationFindings } from '../verification/types.ts';
import { VerificationChecker } from '../verification/verification-checker.ts';
import { INITIAL_CHECK_STATE } from '../verification/verification-queue.ts';
import { isServable } from './domain.ts';
import { openStore, type Store } from './store.ts';
import { VerificationRepo } from './verification-repo.ts';

const h = (s: string) => s as Hostname;
const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const settings = {
  dnsTarget: 'edge.fleet.test',
  staticIps: ['192.0.2.10'],
  caDomains: [],
  maxCnameHops: 8,
  schedule: DEFAULT_SCHEDULE_SETTINGS,
};

let dir: ReturnType<typeof tempDir>;
let store: Store;
let repo: VerificationRepo;
let dns: FakeDnsLookup;
let checker: VerificationChecker;
let now = T0;

function findings(pass: boolean, at = T0): VerificationFindings {
  return {
    policy: 'dns',
    pass,
    outcome: pass ? 'pass' : 'fail',
    checks: { dns: pass ? 'pass' : 'fail' },
    reasons: pass ? [] : [{ code: 'DNS_NOT_POINTED', message: 'not pointed' }],
    records: { cname: [], a: [], aaaa: [], txt: [], caa: null },
    checkedAt: new Date(at).toISOString(),
  };
}

const add = (name: string, status: 'pending' | 'active' = 'pending', verification: 'dns' | 'txt' | null = null) =>
  store.domains.create({ hostname: h(name), hostnameUnicode: name, status, verification }, 'token:test');

beforeEach(() => {
  dir = tempDir();
  now = T0;
  store = openStore(join(dir.path, 'v.db'));
  repo = new VerificationRepo(store.db, store.domains, { verification: 'dns', now: () => now });
  dns = new FakeDnsLookup();
  checker = new VerificationChecker({ source: repo, lookup: dns, settings, clock: () => now });
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

describe('VerificationRepo as the checker queue', () => {
  it('queues new domains at once and hands them over with their policy and token', () => {
    const d = add('shop.example', 'pending', 'txt');
    expect(isVerificationToken(d.verificationToken ?? '')).toBe(true);
    add('other.example');
    expect(repo.due(T0, 10)).toEqual([
      expect.objectContaining({ hostname: 'other.example', policy: 'dns' }),
      {
        hostname: 'shop.example',
        status: 'pending',
        policy: 'txt',
        token: d.verificationToken,
        movedAt: null,
        state: INITIAL_CHECK_STATE,
      },
    ]);
    expect(repo.due(T0 - 1, 10)).toEqual([]);
    expect(repo.due(T0, 1)).toHaveLength(1);
  });

  it('records findings, state and schedule, and applies transitions through DomainRepo with the reason', async () => {
    add('good.example');
    add('bad.example');
    dns.set('CNAME', 'good.example', ['edge.fleet.test']);
    await checker.runOnce(T0);
    expect(store.domains.get(h('good.example'))).toMatchObject({
      status: 'active',
      statusReason: 'verification passed (dns)',
    });
    expect(store.domains.askStatus('good.example')).toBe('active');
    const bad = repo.get(h('bad.example'));
    expect(bad).toMatchObject({
      nextCheckAt: T0 + MIN,
      lastCheckedAt: T0,
      state: { attempt: 1, firstCheckedAt: T0, streak: { count: 0, since: null } },
    });
    expect(bad?.findings?.reasons[0]?.code).toBe('DNS_NOT_POINTED');
    const events = store.domains.events(h('good.example'), 0, 10);
    expect(events.map((e) => [e.action, e.actor, e.reason])).toEqual([
      ['created', 'token:test', null],
      ['status_changed', 'checker', 'verification passed (dns)'],
    ]);
  });

  it('drives active → moved (routes kept, ask allowed) → deleted (certificate removal queued) as DNS changes', async () => {
    store.domains.create(
      { hostname: h('shop.example'), hostnameUnicode: 'shop.example', status: 'pending', upstream: 'blue' },
      't',
    );
    dns.set('A', 'shop.example', ['192.0.2.10']);
    await checker.runOnce(T0);
    const g = store.domains.generation();
    dns.set('A', 'shop.example', ['198.51.100.7']);
    for (let i = 0; i < 10 && store.domains.get(h('shop.example'))?.status === 'active'; i++) {
      now = repo.get(h('shop.example'))?.nextCheckAt ?? now;
      await checker.runOnce(now);
    }
    const moved = store.domains.get(h('shop.example'));
    expect(moved).toMatchObject({ status: 'moved', movedAt: now });
    expect(moved?.statusReason).toMatch(/^DNS no longer points at the fleet \(4 failed checks over 30m\)/);
    expect(isServable(store.domains.askStatus('shop.example') ?? 'deleted')).toBe(true);
    expect(store.domains.routedDomains()).toEqual([{ hostname: 'shop.example', upstream: 'blue' }]);
    expect(store.domains.generation()).toBe(g);
    const movedAt = now;
    for (let i = 0; i < 400 && store.domains.get(h('shop.example'))?.status === 'moved'; i++) {
      now = repo.get(h('shop.example'))?.nextCheckAt ?? now;
      await checker.runOnce(now);
    }
    expect(now).toBe(movedAt + 7 * DAY);
    expect(store.domains.get(h('shop.example'))).toMatchObject({ status: 'deleted', movedAt: null });
    expect(store.domains.routedDomains()).toEqual([]);
    expect(store.domains.generation()).toBeGreaterThan(g);
    expect(store.db.prepare('SELECT hostname FROM cert_removals').pluck().all()).toEqual(['shop.example']);
    expect(repo.due(now + 365 * DAY, 10)).toEqual([]);
  });

  it('does not apply a stale transition and forgets a domain removed during its check', () => {
    add('op.example');
    store.domains.patch(h('op.example'), { status: 'blocked', statusReason: 'abuse' }, 'operator');
    repo.record(
      h('op.example'),
      findings(true),
      { status: 'active', reason: 'late pass' },
      T0 + MIN,
      INITIAL_CHECK_STATE,
    );
    expect(store.domains.get(h('op.example'))).toMatchObject({ status: 'blocked', statusReason: 'abuse' });
    store.domains.remove(h('op.example'), 'operator');
    expect(() => repo.record(h('op.example'), findings(false), null, T0, INITIAL_CHECK_STATE)).not.toThrow();
    expect(repo.get(h('op.example'))).toBeUndefined();
  });

  it('rolls back the status change when the findings cannot be stored', () => {
    add('roll.example');
    // an unparsable check time violates the table's CHECK after the status change was written
    const broken = { ...findings(true), checkedAt: 'not a time' };
    expect(() =>
      repo.record(h('roll.example'), broken, { status: 'active', reason: 'x' }, null, INITIAL_CHECK_STATE),
    ).toThrow();
    expect(store.domains.get(h('roll.example'))?.status).toBe('pending');
    expect(store.domains.askStatus('roll.example')).toBe('pending');
  });

  it('re-queues on operator status, policy and token changes but not on metadata changes', () => {
    add('re.example');
    repo.record(h('re.example'), findings(false), null, null, {
      ...INITIAL_CHECK_STATE,
      attempt: 9,
      firstCheckedAt: T0,
    });
    expect(repo.get(h('re.example'))?.nextCheckAt).toBeNull();
    now = T0 + DAY;
    store.domains.patch(h('re.example'), { metadata: { plan: 'pro' } }, 'op');
    expect(repo.get(h('re.example'))?.nextCheckAt).toBeNull();
    store.domains.patch(h('re.example'), { verification: 'txt' }, 'op');
    expect(repo.get(h('re.example'))).toMatchObject({ nextCheckAt: T0 + DAY, state: INITIAL_CHECK_STATE });
    store.domains.patch(h('re.example'), { status: 'blocked' }, 'op');
    expect(repo.get(h('re.example'))?.nextCheckAt).toBeNull();
  });

  it('restarts a given-up pending episode when a check is asked for', () => {
    add('gave-up.example');
    repo.record(h('gave-up.example'), findings(false), null, null, {
      ...INITIAL_CHECK_STATE,
      attempt: 12,
      firstCheckedAt: T0,
    });
    expect(repo.dueDomain(h('gave-up.example'))?.state).toEqual(INITIAL_CHECK_STATE);
    expect(repo.dueDomain(h('nope.example'))).toBeUndefined();
  });

  it('sync gives unscheduled domains a row and queues active dns domains', () => {
    // written with no repo listening (a second store handle on the same file)
    const other = openStore(store.db.name);
    other.domains.create({ hostname: h('quiet.example'), hostnameUnicode: 'quiet.example' }, 't');
    other.domains.create({ hostname: h('txt.example'), hostnameUnicode: 'txt.example', verification: 'txt' }, 't');
    other.close();
    expect(repo.get(h('quiet.example'))).toBeUndefined();
    expect(repo.sync(T0)).toBe(3);
    expect(repo.due(T0, 10).map((d) => d.hostname)).toEqual(['quiet.example']);
    expect(repo.get(h('txt.example'))?.nextCheckAt).toBeNull();
  });
});
