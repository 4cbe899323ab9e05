import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import type { Hostname } from '../types.ts';
import { loadMigrations } from './migrate.ts';
import { openStore, type Store } from './store.ts';

const h = (s: string) => s as Hostname;
let dir: ReturnType<typeof tempDir>;
let store: Store;
let clock = 1_700_000_000_000;

beforeEach(() => {
  dir = tempDir();
  clock = 1_700_000_000_000;
  store = openStore(join(dir.path, 'db', 'test.db'), { now: () => clock++ });
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

describe('openStore', () => {
  it('creates the file with WAL, synchronous=FULL, foreign keys and a short busy timeout', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeLessThanOrEqual(250);
    expect(store.db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
  });

  it('reopens an existing database without re-running migrations', () => {
    store.domains.create({ hostname: h('a.example.com'), hostnameUnicode: 'a.example.com' }, 'test');
    const path = store.db.name;
    store.close();
    store = openStore(path);
    expect(store.domains.get(h('a.example.com'))?.status).toBe('active');
  });

  it('refuses a database whose schema is newer than the code, and leaves it untouched', () => {
    const path = store.db.name;
    store.close();
    const raw = new Database(path);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openStore(path)).toThrowError(/newer than this caddy-fleet understands/);
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(999);
    check.close();
    store = openStore(join(dir.path, 'other.db'));
  });
});

describe('constraints', () => {
  it('rejects rows the schema forbids even if a caller bypasses the API', () => {
    const insert = (hostname: string, status: string, metadata: string) =>
      store.db
        .prepare(
          'INSERT INTO domains (hostname, hostname_unicode, status, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)',
        )
        .run(hostname, hostname, status, metadata);
    expect(() => insert('UPPER.example.com', 'active', '{}')).toThrow(/CHECK/);
    expect(() => insert('a.example.com', 'weird', '{}')).toThrow(/CHECK/);
    expect(() => insert('a.example.com', 'active', '[1]')).toThrow(/CHECK/);
    expect(() => insert('a.example.com', 'active', JSON.stringify({ x: 'y'.repeat(5000) }))).toThrow(/CHECK/);
    expect(() => insert('a.example.com', 'active', 'not json')).toThrow(/CHECK|malformed/);
  });

  it('keeps the audit trail append-only', () => {
    store.domains.create({ hostname: h('a.example.com'), hostnameUnicode: 'a.example.com' }, 'test');
    expect(() => store.db.prepare('UPDATE audit_events SET actor = ?').run('x')).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
  });
});

describe('DomainRepo', () => {
  const a = { hostname: h('a.example.com'), hostnameUnicode: 'a.example.com' };

  it('creates, conflicts on a duplicate, and audits with the actor', () => {
    const d = store.domains.create({ ...a, upstream: 'blue', metadata: { plan: 'pro' } }, 'token:abcd1234');
    expect(d).toMatchObject({ status: 'active', upstream: 'blue', metadata: { plan: 'pro' } });
    expect(() => store.domains.create(a, 'token:abcd1234')).toThrowError(
      expect.objectContaining({ code: 'DOMAIN_EXISTS' }),
    );
    const events = store.domains.events(a.hostname, 0, 10);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'created', actor: 'token:abcd1234', before: null });
  });

  it('put is idempotent: the second identical put changes nothing and writes no event', () => {
    expect(store.domains.put({ ...a, metadata: { x: 1 } }, 't').created).toBe(true);
    const second = store.domains.put({ ...a, metadata: { x: 1 } }, 't');
    expect(second.created).toBe(false);
    expect(store.domains.events(a.hostname, 0, 10)).toHaveLength(1);
  });

  it('bumps the config generation only when routing or servability changes', () => {
    const g0 = store.domains.generation();
    store.domains.create(a, 't'); // default upstream: no config change
    expect(store.domains.generation()).toBe(g0);
    store.domains.patch(a.hostname, { upstream: 'blue' }, 't');
    expect(store.domains.generation()).toBe(g0 + 1);
    store.domains.patch(a.hostname, { metadata: { m: 1 } }, 't');
    expect(store.domains.generation()).toBe(g0 + 1);
    store.domains.patch(a.hostname, { status: 'blocked', statusReason: 'abuse' }, 't');
    expect(store.domains.generation()).toBe(g0 + 2);
    expect(store.domains.routedDomains()).toEqual([]);
  });

  it('queues certificate removal when a domain stops being servable, and unqueues when it is served again', () => {
    const queued = () => store.db.prepare('SELECT hostname FROM cert_removals').pluck().all();
    store.domains.create(a, 't');
    store.domains.remove(a.hostname, 't');
    expect(queued()).toEqual(['a.example.com']);
    store.domains.create(a, 't');
    expect(queued()).toEqual([]);
  });

  it('records status changes with their reason and clears a stale reason', () => {
    store.domains.create(a, 't');
    const blocked = store.domains.patch(a.hostname, { status: 'blocked', statusReason: 'abuse report' }, 'op');
    expect(blocked.statusReason).toBe('abuse report');
    const active = store.domains.patch(a.hostname, { status: 'active' }, 'op');
    expect(active.statusReason).toBeNull();
    const actions = store.domains.events(a.hostname, 0, 10).map((e) => [e.action, e.reason]);
    expect(actions).toEqual([
      ['created', null],
      ['status_changed', 'abuse report'],
      ['status_changed', null],
    ]);
  });

  it('bulkPut is all or nothing', () => {
    store.domains.create(a, 't');
    const b = { hostname: h('b.example.com'), hostnameUnicode: 'b.example.com' };
    // a CHECK violation on the 2nd item rolls back the 1st
    expect(() => store.domains.bulkPut([b, { hostname: h('C.example.com'), hostnameUnicode: 'c' }], 't')).toThrow();
    expect(store.domains.get(b.hostname)).toBeUndefined();
    expect(store.domains.bulkPut([a, b, { ...a, hostname: h('c.example.com') }], 't')).toEqual({
      created: 2,
      updated: 0,
      unchanged: 1,
    });
  });

  it('lists with keyset pagination, status filter and a LIKE-safe substring search', () => {
    for (const n of ['d', 'b', 'a', 'c', 'e'])
      store.domains.create({ hostname: h(`${n}.ex_ample.com`), hostnameUnicode: n }, 't');
    store.domains.patch(h('c.ex_ample.com'), { status: 'blocked' }, 't');
    const page1 = store.domains.list({ limit: 2 });
    expect(page1.map((d) => d.hostname)).toEqual(['a.ex_ample.com', 'b.ex_ample.com']);
    const page2 = store.domains.list({ limit: 2, after: page1[1]!.hostname });
    expect(page2.map((d) => d.hostname)).toEqual(['c.ex_ample.com', 'd.ex_ample.com']);
    expect(store.domains.list({ limit: 10, status: 'blocked' }).map((d) => d.hostname)).toEqual(['c.ex_ample.com']);
    expect(store.domains.list({ limit: 10, q: '_' })).toHaveLength(5);
    expect(store.domains.list({ limit: 10, q: '%' })).toHaveLength(0);
    expect(store.domains.countByStatus()).toMatchObject({ active: 4, blocked: 1 });
  });

  it('answers ask lookups from an index that follows every committed write, and nothing else', () => {
    store.domains.create(a, 't');
    expect(store.domains.askStatus('a.example.com')).toBe('active');
    expect(store.domains.askStatus('nope.example.com')).toBeUndefined();
    store.domains.patch(a.hostname, { status: 'blocked' }, 't');
    expect(store.domains.askStatus('a.example.com')).toBe('blocked');
    // a rolled-back transaction leaves the index alone
    const b = { hostname: h('b.example.com'), hostnameUnicode: 'b.example.com' };
    expect(() => store.domains.bulkPut([b, { hostname: h('B.example.com'), hostnameUnicode: 'x' }], 't')).toThrow();
    expect(store.domains.askStatus('b.example.com')).toBeUndefined();
    store.domains.remove(a.hostname, 't');
    expect(store.domains.askStatus('a.example.com')).toBeUndefined();
    // and it is rebuilt from SQLite on open
    store.domains.create(b, 't');
    const path = store.db.name;
    store.close();
    store = openStore(path);
    expect(store.domains.askStatus('b.example.com')).toBe('active');
    expect(store.domains.storedStatus('b.example.com')).toBe('active');
  });
});
