import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { openStore, type Store } from '../store/store.ts';
import type { Hostname } from '../types.ts';
import { attachDomainEvents } from './domain-events.ts';
import { SqliteOutbox } from './outbox.ts';

const URLS = ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'];
let dir: ReturnType<typeof tempDir>;
let store: Store;
let clock: number;
const now = () => clock;

beforeEach(() => {
  dir = tempDir('caddy-fleet-outbox-');
  clock = 1_700_000_000_000;
  store = openStore(join(dir.path, 'events.db'), { now });
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

describe('SqliteOutbox.emit', () => {
  it('records the event with an evt_ id and one pending delivery per URL', () => {
    const outbox = new SqliteOutbox(store.db, { urls: URLS, now });
    const id = outbox.emit('node.drifted', { node: 'n1' });
    expect(id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(outbox.event(id)).toMatchObject({ id, type: 'node.drifted', data: { node: 'n1' }, createdAt: clock });
    const deliveries = outbox.listDeliveries({ limit: 10 });
    expect(deliveries.map((d) => [d.url, d.state, d.attempts, d.nextAttemptAt])).toEqual([
      [URLS[1], 'pending', 0, clock],
      [URLS[0], 'pending', 0, clock],
    ]);
    expect(outbox.countByState()).toEqual({ pending: 2, delivered: 0, failed: 0 });
  });

  it('still records events when no URL is configured (the API lists them)', () => {
    const outbox = new SqliteOutbox(store.db, { now });
    outbox.emit('node.in_sync', { node: 'n1' });
    expect(outbox.listEvents({ limit: 10 })).toHaveLength(1);
    expect(outbox.listDeliveries({ limit: 10 })).toEqual([]);
  });

  it('survives closing and reopening the database: the delivery is still pending, then delivered', () => {
    const id = new SqliteOutbox(store.db, { urls: URLS.slice(0, 1), now }).emit('domain.created', {
      hostname: 'a.com',
    });
    store.close();
    store = openStore(join(dir.path, 'events.db'), { now });
    const outbox = new SqliteOutbox(store.db, { urls: URLS.slice(0, 1), now });
    const [due] = outbox.claimDue(clock, 10, 60_000);
    expect(due).toMatchObject({ eventId: id, url: URLS[0], attempts: 0 });
    expect(JSON.parse(due!.body)).toEqual({
      id,
      type: 'domain.created',
      created_at: new Date(clock).toISOString(),
      data: { hostname: 'a.com' },
    });
    outbox.markDelivered(due!.id, 204, clock + 5);
    expect(outbox.delivery(due!.id)).toMatchObject({
      state: 'delivered',
      attempts: 1,
      lastStatus: 204,
      deliveredAt: clock + 5,
    });
  });

  it('commits with a DomainRepo change and vanishes with a rolled-back one', () => {
    const outbox = new SqliteOutbox(store.db, { urls: URLS, now });
    attachDomainEvents(store.domains, outbox);
    const a = { hostname: 'a.example.com' as Hostname, hostnameUnicode: 'a.example.com' };
    store.domains.create(a, 'token:abcd1234');
    expect(outbox.listEvents({ limit: 10 }).map((e) => e.type)).toEqual(['domain.created']);
    // the second item violates a CHECK: the whole bulk write rolls back, its first event with it
    const b = { hostname: 'b.example.com' as Hostname, hostnameUnicode: 'b.example.com' };
    expect(() =>
      store.domains.bulkPut([b, { hostname: 'B.example.com' as Hostname, hostnameUnicode: 'B' }], 't'),
    ).toThrow();
    expect(outbox.listEvents({ limit: 10 })).toHaveLength(1);
    expect(outbox.countByState().pending).toBe(2);
  });

  it('rolls the domain change back when the outbox cannot record its event', () => {
    attachDomainEvents(store.domains, {
      emit() {
        throw new Error('disk full');
      },
    });
    const a = { hostname: 'a.example.com' as Hostname, hostnameUnicode: 'a.example.com' };
    expect(() => store.domains.create(a, 't')).toThrow('disk full');
    expect(store.domains.get(a.hostname)).toBeUndefined();
  });

  it('tells onEmit listeners, who can unsubscribe', () => {
    const outbox = new SqliteOutbox(store.db, { now });
    let calls = 0;
    const off = outbox.onEmit(() => calls++);
    outbox.emit('node.unreachable', {});
    off();
    outbox.emit('node.unreachable', {});
    expect(calls).toBe(1);
  });
});

describe('claims and outcomes', () => {
  it('claims only due deliveries and leases them so a second pass does not resend', () => {
    const outbox = new SqliteOutbox(store.db, { urls: URLS, now });
    outbox.emit('node.drifted', {});
    expect(outbox.claimDue(clock - 1, 10, 60_000)).toEqual([]);
    expect(outbox.claimDue(clock, 10, 60_000)).toHaveLength(2);
    expect(outbox.claimDue(clock, 10, 60_000)).toEqual([]);
    expect(outbox.nextDueAt()).toBe(clock + 60_000);
    // a lease that runs out (a crash mid-request) makes it due again: at-least-once
    expect(outbox.claimDue(clock + 60_000, 10, 60_000)).toHaveLength(2);
  });

  it('records failed attempts, fails for good without a next attempt, and re-queues on retry', () => {
    const outbox = new SqliteOutbox(store.db, { urls: URLS.slice(0, 1), now });
    outbox.emit('node.drifted', {});
    const [d] = outbox.claimDue(clock, 10, 60_000);
    outbox.markAttempt(d!.id, { status: 500, error: 'HTTP 500' }, clock, clock + 1_000);
    expect(outbox.delivery(d!.id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastStatus: 500,
      nextAttemptAt: clock + 1_000,
    });
    expect(() => outbox.retry(d!.id)).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    outbox.markAttempt(d!.id, { status: null, error: 'ECONNREFUSED: connect' }, clock + 1_000, null);
    expect(outbox.delivery(d!.id)).toMatchObject({
      state: 'failed',
      attempts: 2,
      lastStatus: null,
      nextAttemptAt: null,
    });
    expect(outbox.claimDue(clock + 10_000_000, 10, 1)).toEqual([]);
    clock += 5;
    expect(outbox.retry(d!.id)).toMatchObject({
      state: 'pending',
      attempts: 0,
      nextAttemptAt: clock,
      lastError: 'ECONNREFUSED: connect',
    });
    expect(() => outbox.retry(999)).toThrowError(expect.objectContaining({ code: 'DELIVERY_NOT_FOUND' }));
  });

  it('fails pending deliveries to URLs no longer configured', () => {
    new SqliteOutbox(store.db, { urls: URLS, now }).emit('node.drifted', {});
    const outbox = new SqliteOutbox(store.db, { urls: URLS.slice(1), now });
    expect(outbox.failUnconfiguredUrls()).toBe(1);
    expect(outbox.listDeliveries({ limit: 10, state: 'failed' }).map((d) => [d.url, d.lastError])).toEqual([
      [URLS[0], 'webhook URL no longer configured'],
    ]);
  });

  it('pages events and deliveries newest first with filters', () => {
    const outbox = new SqliteOutbox(store.db, { urls: URLS.slice(0, 1), now });
    const ids = ['node.drifted', 'node.in_sync', 'node.drifted', 'node.drifted'].map((t) =>
      outbox.emit(t as 'node.drifted', {}),
    );
    const page1 = outbox.listEvents({ type: 'node.drifted', limit: 2 });
    expect(page1.map((e) => e.id)).toEqual([ids[3], ids[2]]);
    expect(outbox.listEvents({ type: 'node.drifted', limit: 2, beforeSeq: page1[1]!.seq }).map((e) => e.id)).toEqual([
      ids[0],
    ]);
    expect(outbox.listDeliveries({ limit: 10, eventId: ids[1]! }).map((d) => d.eventType)).toEqual(['node.in_sync']);
  });

  it('prunes old events once nothing is pending for them', () => {
    const outbox = new SqliteOutbox(store.db, { urls: URLS.slice(0, 1), now });
    const id = outbox.emit('node.drifted', {});
    clock += 1_000;
    expect(outbox.prune(clock)).toBe(0); // still pending
    const [d] = outbox.claimDue(clock, 10, 1);
    outbox.markDelivered(d!.id, 200, clock);
    expect(outbox.prune(clock)).toBe(1);
    expect(outbox.event(id)).toBeUndefined();
    expect(outbox.listDeliveries({ limit: 10 })).toEqual([]);
  });
});

describe('schema', () => {
  it('rejects rows the outbox never writes', () => {
    const insert = (id: string, type: string, data: string) =>
      store.db
        .prepare('INSERT INTO outbox_events (id, type, data, created_at) VALUES (?, ?, ?, 0)')
        .run(id, type, data);
    expect(() => insert('x_000001', 'node.drifted', '{}')).toThrow(/CHECK/);
    expect(() => insert('evt_00-01', 'node.drifted', '{}')).toThrow(/CHECK/);
    expect(() => insert('evt_0001', 'drifted', '{}')).toThrow(/CHECK/);
    expect(() => insert('evt_0001', 'node.drifted', '[]')).toThrow(/CHECK/);
    insert('evt_0001', 'node.drifted', '{}');
    const delivery = (state: string, next: number | null, url = 'http://x.test/') =>
      store.db
        .prepare(
          `INSERT INTO webhook_deliveries (event_id, url, state, next_attempt_at, created_at) VALUES ('evt_0001', ?, ?, ?, 0)`,
        )
        .run(url, state, next);
    expect(() => delivery('pending', null)).toThrow(/CHECK/);
    expect(() => delivery('failed', 5)).toThrow(/CHECK/);
    expect(() => delivery('weird', null)).toThrow(/CHECK/);
    expect(() => delivery('pending', 0, 'ftp://x.test/')).toThrow(/CHECK/);
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO webhook_deliveries (event_id, url, state, next_attempt_at, created_at) VALUES ('evt_none', 'http://x.test/', 'pending', 0, 0)`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
