import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { openStore, type Store } from '../store/store.ts';
import type { Hostname } from '../types.ts';
import { attachDomainEvents } from './domain-events.ts';
import type { EventType } from './event-sink.ts';

let dir: ReturnType<typeof tempDir>;
let store: Store;
let emitted: { type: EventType; data: Record<string, unknown> }[];
const a = { hostname: 'a.example.com' as Hostname, hostnameUnicode: 'a.example.com' };

beforeEach(() => {
  dir = tempDir('caddy-fleet-domain-events-');
  store = openStore(join(dir.path, 'events.db'));
  emitted = [];
  attachDomainEvents(store.domains, { emit: (type, data) => void emitted.push({ type, data }) });
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

describe('attachDomainEvents', () => {
  it('maps create, update, status change and delete to events with before/after status, upstream, reason, actor', () => {
    store.domains.create({ ...a, upstream: 'blue' }, 'token:abcd1234');
    store.domains.patch(a.hostname, { upstream: 'green', metadata: { plan: 'pro' } }, 'token:abcd1234');
    store.domains.patch(a.hostname, { status: 'blocked', statusReason: 'abuse report' }, 'operator');
    store.domains.remove(a.hostname, 'system');
    expect(emitted.map((e) => e.type)).toEqual([
      'domain.created',
      'domain.updated',
      'domain.status_changed',
      'domain.deleted',
    ]);
    const [created, updated, blocked, deleted] = emitted.map((e) => e.data);
    expect(created).toMatchObject({
      hostname: 'a.example.com',
      status: 'active',
      previous_status: null,
      upstream: 'blue',
      actor: 'token:abcd1234',
      changed: [],
      domain: { hostname: 'a.example.com', upstream: 'blue', status: 'active' },
    });
    expect(updated).toMatchObject({
      status: 'active',
      previous_status: 'active',
      upstream: 'green',
      previous_upstream: 'blue',
      changed: ['upstream', 'metadata'],
      domain: { metadata: { plan: 'pro' } },
    });
    expect(blocked).toMatchObject({
      status: 'blocked',
      previous_status: 'active',
      reason: 'abuse report',
      actor: 'operator',
      changed: ['status', 'status_reason'],
    });
    expect(deleted).toMatchObject({
      hostname: 'a.example.com',
      status: null,
      previous_status: 'blocked',
      reason: null,
      actor: 'system',
      domain: { status: 'blocked' },
    });
  });

  it('emits nothing for a write that changes nothing', () => {
    store.domains.put({ ...a, metadata: { x: 1 } }, 't');
    store.domains.put({ ...a, metadata: { x: 1 } }, 't');
    expect(emitted).toHaveLength(1);
  });

  it('emits one event per domain of a bulk write', () => {
    const b = { hostname: 'b.example.com' as Hostname, hostnameUnicode: 'b.example.com' };
    store.domains.bulkPut([a, b], 't');
    expect(emitted.map((e) => [e.type, e.data.hostname])).toEqual([
      ['domain.created', 'a.example.com'],
      ['domain.created', 'b.example.com'],
    ]);
  });
});
