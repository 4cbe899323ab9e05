import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FleetNode, Membership, NodeLifecycle, NodeSyncStatus } from '../control-plane/fleet/node-discovery.ts';
import type { NodeId } from '../control-plane/types.ts';
import { createGlobalAcceleratorClient } from './aws-clients.ts';
import { GlobalAcceleratorSync } from './global-accelerator-sync.ts';
import { fastClientOptions } from './testdata/aws-wire.ts';
import { type GaEndpointFixture, type GaWorld, gaWorld, gaWorldHandlers, updateCalls } from './testdata/ga-world.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const T0 = new Date('2026-03-01T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function node(id: string, lifecycle: NodeLifecycle = 'running'): FleetNode {
  return { id: id as NodeId, adminUrl: 'http://10.0.0.1:2019', lifecycle, instanceId: id };
}
function fleet(nodes: FleetNode[], stale = false): Membership {
  return stale ? { nodes, observedAt: T0, stale, error: 'ECS ListTasks failed' } : { nodes, observedAt: T0, stale };
}
function statuses(entries: Record<string, NodeSyncStatus>): ReadonlyMap<NodeId, NodeSyncStatus> {
  return new Map(Object.entries(entries) as [NodeId, NodeSyncStatus][]);
}
function endpoint(id: string, weight = 128): GaEndpointFixture {
  return { EndpointId: id, Weight: weight, ClientIPPreservationEnabled: true };
}
function syncFor(world: GaWorld, { dryRun = false, drainSeconds = 300 } = {}) {
  server.use(...gaWorldHandlers(world));
  return new GlobalAcceleratorSync(
    { endpointGroupArn: world.endpointGroupArn, drainSeconds, dryRun },
    createGlobalAcceleratorClient(fastClientOptions(2)),
  );
}
function weights(world: GaWorld): Record<string, number> {
  return Object.fromEntries(world.endpoints.map((e) => [e.EndpointId, e.Weight]));
}

describe('GlobalAcceleratorSync', () => {
  it('adds an instance only once it is in sync, with client IP preservation', async () => {
    const world = gaWorld([endpoint('i-a')]);
    const ga = syncFor(world);

    const waiting = await ga.sync(
      fleet([node('i-a'), node('i-b')]),
      statuses({ 'i-a': 'in_sync', 'i-b': 'pushing' }),
      T0,
    );
    expect(waiting.changed).toBe(false);
    expect(waiting.applied).toBe(false);
    expect(waiting.steps.find((s) => s.endpointId === 'i-b')?.action).toBe('wait');
    expect(updateCalls(world)).toEqual([]);

    const added = await ga.sync(
      fleet([node('i-a'), node('i-b')]),
      statuses({ 'i-a': 'in_sync', 'i-b': 'in_sync' }),
      at(10),
    );
    expect(added.applied).toBe(true);
    expect(added.error).toBeUndefined();
    expect(updateCalls(world)).toEqual([[endpoint('i-a'), endpoint('i-b')]]);
    expect(added.endpoints).toEqual([
      { endpointId: 'i-a', weight: 128, clientIpPreservation: true, healthState: 'HEALTHY' },
      { endpointId: 'i-b', weight: 128, clientIpPreservation: true, healthState: 'INITIAL' },
    ]);
    // Every call went to the us-west-2 API with this group's ARN.
    expect(world.calls.every((c) => c.region === 'us-west-2')).toBe(true);
    expect(world.calls.map((c) => c.operation)).toEqual([
      'DescribeEndpointGroup',
      'DescribeEndpointGroup',
      'UpdateEndpointGroup',
    ]);
  });

  it('drains a leaving instance, keeps it for the drain period, then removes it', async () => {
    const world = gaWorld([endpoint('i-a'), endpoint('i-b')]);
    const ga = syncFor(world, { drainSeconds: 300 });
    const m = fleet([node('i-a'), node('i-b', 'draining')]);
    const s = statuses({ 'i-a': 'in_sync', 'i-b': 'in_sync' });

    const drain = await ga.sync(m, s, T0);
    expect(drain.steps.map((x) => [x.endpointId, x.action])).toEqual([
      ['i-a', 'unchanged'],
      ['i-b', 'drain'],
    ]);
    expect(weights(world)).toEqual({ 'i-a': 128, 'i-b': 0 });

    const during = await ga.sync(fleet([node('i-a')]), s, at(299));
    expect(during.changed).toBe(false);
    expect(during.steps[1]?.reason).toBe('draining: gone from membership; removal at 2026-03-01T12:05:00.000Z');

    const removed = await ga.sync(fleet([node('i-a')]), s, at(300));
    expect(removed.applied).toBe(true);
    expect(removed.steps[1]?.action).toBe('remove');
    expect(weights(world)).toEqual({ 'i-a': 128 });
    expect(updateCalls(world)).toEqual([[endpoint('i-a'), endpoint('i-b', 0)], [endpoint('i-a')]]);
  });

  it('after a restart, an endpoint found at weight 0 drains from when it is first seen', async () => {
    const world = gaWorld([endpoint('i-a'), endpoint('i-b', 0)]);
    const s = statuses({ 'i-a': 'in_sync' });
    const ga = syncFor(world, { drainSeconds: 60 });
    expect((await ga.sync(fleet([node('i-a')]), s, T0)).changed).toBe(false);
    expect((await ga.sync(fleet([node('i-a')]), s, at(59))).changed).toBe(false);
    const removed = await ga.sync(fleet([node('i-a')]), s, at(60));
    expect(removed.applied).toBe(true);
    expect(weights(world)).toEqual({ 'i-a': 128 });
  });

  it('never removes or drains the last endpoint', async () => {
    const world = gaWorld([endpoint('i-a')]);
    const ga = syncFor(world, { drainSeconds: 0 });
    for (const [n, when] of [0, 1, 3600].entries()) {
      const report = await ga.sync(fleet([]), statuses({}), at(when));
      expect(report.changed, `round ${n}`).toBe(false);
      expect(report.steps[0]?.reason).toMatch(/^kept: last endpoint with weight/);
    }
    expect(updateCalls(world)).toEqual([]);
    expect(weights(world)).toEqual({ 'i-a': 128 });
  });

  it('changes nothing while membership is stale', async () => {
    const world = gaWorld([endpoint('i-a'), endpoint('i-b', 0)]);
    const ga = syncFor(world, { drainSeconds: 0 });
    const report = await ga.sync(fleet([node('i-c')], true), statuses({ 'i-c': 'in_sync' }), at(3600));
    expect(report.changed).toBe(false);
    expect(report.applied).toBe(false);
    expect(report.steps.every((x) => x.action === 'unchanged')).toBe(true);
    expect(updateCalls(world)).toEqual([]);
  });

  it('dry-run reports the plan and never calls UpdateEndpointGroup', async () => {
    const world = gaWorld([endpoint('i-a')]);
    const ga = syncFor(world, { dryRun: true });
    const report = await ga.sync(fleet([node('i-b')]), statuses({ 'i-b': 'in_sync' }), T0);
    expect(report.dryRun).toBe(true);
    expect(report.changed).toBe(true);
    expect(report.applied).toBe(false);
    expect(report.steps.map((x) => [x.endpointId, x.action])).toEqual([
      ['i-a', 'drain'],
      ['i-b', 'add'],
    ]);
    expect(report.desired).toEqual([
      { endpointId: 'i-a', weight: 0, clientIpPreservation: true },
      { endpointId: 'i-b', weight: 128, clientIpPreservation: true },
    ]);
    expect(report.endpoints.map((e) => e.endpointId)).toEqual(['i-a']);
    expect(world.calls.map((c) => c.operation)).toEqual(['DescribeEndpointGroup']);
  });

  it('sends ClientIPPreservationEnabled true on every endpoint, repairing one that had it off', async () => {
    const world = gaWorld([{ EndpointId: 'i-a', Weight: 128, ClientIPPreservationEnabled: false }, endpoint('i-b', 0)]);
    const ga = syncFor(world);
    const report = await ga.sync(
      fleet([node('i-a'), node('i-b'), node('i-c')]),
      statuses({ 'i-a': 'in_sync', 'i-b': 'drifted', 'i-c': 'in_sync' }),
      T0,
    );
    expect(report.applied).toBe(true);
    const sent = updateCalls(world).flat();
    expect(sent.map((e) => e.EndpointId)).toEqual(['i-a', 'i-b', 'i-c']);
    expect(sent.every((e) => e.ClientIPPreservationEnabled === true)).toBe(true);
    expect(report.steps.map((x) => x.action)).toEqual(['repair', 'unchanged', 'add']);
  });

  it('reports a failed read or update instead of throwing, and retries throttling', async () => {
    const world = gaWorld([endpoint('i-a')]);
    const ga = syncFor(world);
    const s = statuses({ 'i-b': 'in_sync' });

    world.faults.set('DescribeEndpointGroup', { remaining: 2, kind: 'throttle' });
    const readFailed = await ga.sync(fleet([node('i-b')]), s, T0);
    expect(readFailed.error).toBe('GlobalAccelerator DescribeEndpointGroup failed: ThrottlingException: Rate exceeded');
    expect(readFailed.applied).toBe(false);

    world.faults.set('UpdateEndpointGroup', { remaining: 1, kind: 'error' });
    const updateFailed = await ga.sync(fleet([node('i-b')]), s, at(1));
    expect(updateFailed.error).toMatch(/^GlobalAccelerator UpdateEndpointGroup failed: AccessDeniedException/);
    expect(updateFailed.applied).toBe(false);
    expect(updateFailed.endpoints.map((e) => e.endpointId)).toEqual(['i-a']);

    world.faults.set('DescribeEndpointGroup', { remaining: 1, kind: 'throttle' });
    const recovered = await ga.sync(fleet([node('i-b')]), s, at(2));
    expect(recovered.error).toBeUndefined();
    expect(recovered.applied).toBe(true);
    expect(weights(world)).toEqual({ 'i-a': 0, 'i-b': 128 });
  });

  it('serializes overlapping rounds so each plans from a fresh read', async () => {
    const world = gaWorld([]);
    const ga = syncFor(world);
    const m = fleet([node('i-a')]);
    const s = statuses({ 'i-a': 'in_sync' });
    const [first, second] = await Promise.all([ga.sync(m, s, T0), ga.sync(m, s, T0)]);
    expect(first.applied).toBe(true);
    expect(second.changed).toBe(false);
    expect(world.calls.map((c) => c.operation)).toEqual([
      'DescribeEndpointGroup',
      'UpdateEndpointGroup',
      'DescribeEndpointGroup',
    ]);
  });
});
