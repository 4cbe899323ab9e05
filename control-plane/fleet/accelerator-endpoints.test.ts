import { describe, expect, it } from 'vitest';
import type { NodeId } from '../types.ts';
import { FakeAcceleratorEndpoints } from './accelerator-endpoints.ts';
import type { FleetNode, Membership, NodeSyncStatus } from './node-discovery.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const node = (id: string, lifecycle: FleetNode['lifecycle'] = 'running'): FleetNode => ({
  id: id as NodeId,
  adminUrl: 'http://10.0.0.1:2019',
  lifecycle,
  instanceId: id,
});
const fleet = (nodes: FleetNode[], stale = false): Membership => ({ nodes, observedAt: NOW, stale });
const statuses = (e: Record<string, NodeSyncStatus>) => new Map(Object.entries(e) as [NodeId, NodeSyncStatus][]);

describe('FakeAcceleratorEndpoints', () => {
  it('follows running, in-sync nodes and records each call', async () => {
    const fake = new FakeAcceleratorEndpoints();
    const first = await fake.sync(
      fleet([node('i-b'), node('i-a'), node('i-c', 'draining')]),
      statuses({ 'i-a': 'in_sync', 'i-b': 'in_sync', 'i-c': 'in_sync' }),
      NOW,
    );
    expect(first.applied).toBe(true);
    expect(first.endpoints.map((e) => e.endpointId)).toEqual(['i-a', 'i-b']);
    expect(first.steps.map((s) => [s.endpointId, s.action])).toEqual([
      ['i-a', 'add'],
      ['i-b', 'add'],
    ]);

    const second = await fake.sync(fleet([node('i-a')]), statuses({ 'i-a': 'in_sync' }), NOW);
    expect(second.steps.map((s) => [s.endpointId, s.action])).toEqual([
      ['i-a', 'unchanged'],
      ['i-b', 'remove'],
    ]);
    expect(fake.calls).toHaveLength(2);
  });

  it('changes nothing while stale and reports an injected failure', async () => {
    const fake = new FakeAcceleratorEndpoints();
    await fake.sync(fleet([node('i-a')]), statuses({ 'i-a': 'in_sync' }), NOW);
    const stale = await fake.sync(fleet([], true), statuses({}), NOW);
    expect(stale.changed).toBe(false);
    expect(fake.endpoints.map((e) => e.endpointId)).toEqual(['i-a']);
    fake.failWith = 'boom';
    expect((await fake.sync(fleet([]), statuses({}), NOW)).error).toBe('boom');
    expect(fake.endpoints.map((e) => e.endpointId)).toEqual(['i-a']);
  });
});
