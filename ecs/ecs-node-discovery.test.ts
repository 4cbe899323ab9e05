import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEc2Client, createEcsClient } from './aws-clients.ts';
import { EcsNodeDiscovery } from './ecs-node-discovery.ts';
import { fastClientOptions } from './testdata/aws-wire.ts';
import { type EcsWorld, ecsWorld, ecsWorldHandlers, runningFleet, taskArn } from './testdata/ecs-world.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const clock = () => new Date('2026-03-01T12:00:00Z');

function discoveryFor(world: EcsWorld, attempts = 3): EcsNodeDiscovery {
  server.use(...ecsWorldHandlers(world));
  const options = fastClientOptions(attempts);
  return new EcsNodeDiscovery({
    settings: { region: world.region, cluster: world.cluster, service: world.service, adminPort: 2019 },
    ecs: createEcsClient(world.region, options),
    ec2: createEc2Client(world.region, options),
    now: clock,
  });
}

function ops(world: EcsWorld): string[] {
  return world.calls.map((c) => c.operation);
}

describe('EcsNodeDiscovery', () => {
  it('discovers every running task over two pages of ListTasks and DescribeInstances', async () => {
    const world = runningFleet(ecsWorld({ pageSize: 2 }), 3);
    const discovery = discoveryFor(world);
    expect(discovery.kind).toBe('ecs');
    const m = await discovery.discover();
    expect(m.stale).toBe(false);
    expect(m.error).toBeUndefined();
    expect(m.failures).toEqual([]);
    expect(m.observedAt).toEqual(clock());
    expect(m.nodes.map((n) => n.id)).toEqual(['i-00000000000000000', 'i-00000000000000001', 'i-00000000000000002']);
    expect(m.nodes[1]).toEqual({
      id: 'i-00000000000000001',
      adminUrl: 'http://10.0.1.11:2019',
      adminListen: '10.0.1.11:2019',
      httpListen: ':80',
      httpsListen: ':443',
      lifecycle: 'running',
      instanceId: 'i-00000000000000001',
      privateIp: '10.0.1.11',
      availabilityZone: 'us-east-1b',
    });
    // 2 RUNNING pages + 1 STOPPED listing, one batch each for the describes, 2 EC2 pages.
    expect(ops(world)).toEqual([
      'ListTasks',
      'ListTasks',
      'ListTasks',
      'DescribeTasks',
      'DescribeContainerInstances',
      'DescribeInstances',
      'DescribeInstances',
    ]);
    const listBodies = world.calls.filter((c) => c.operation === 'ListTasks').map((c) => c.body);
    expect(listBodies[0]).toMatchObject({ cluster: 'caddy-fleet', serviceName: 'caddy', desiredStatus: 'RUNNING' });
    expect(listBodies[1]).toHaveProperty('nextToken');
    expect(listBodies[2]).toMatchObject({ desiredStatus: 'STOPPED' });
    expect(world.calls.every((c) => c.region === 'us-east-1')).toBe(true);
  });

  it('describes tasks and container instances in batches of 100', async () => {
    const world = runningFleet(ecsWorld({ pageSize: 100 }), 150, ['us-east-1a']);
    const m = await discoveryFor(world).discover();
    expect(m.nodes).toHaveLength(150);
    const sizes = (op: string, key: string) =>
      world.calls.filter((c) => c.operation === op).map((c) => (c.body as Record<string, string[]>)[key]!.length);
    expect(sizes('DescribeTasks', 'tasks')).toEqual([100, 50]);
    expect(sizes('DescribeContainerInstances', 'containerInstances')).toEqual([100, 50]);
  });

  it('reports a draining container instance as a draining node', async () => {
    const world = runningFleet(ecsWorld(), 2);
    world.containerInstances[1]!.status = 'DRAINING';
    const m = await discoveryFor(world).discover();
    expect(m.nodes.map((n) => [n.id, n.lifecycle, n.detail])).toEqual([
      ['i-00000000000000000', 'running', undefined],
      ['i-00000000000000001', 'draining', 'container instance DRAINING'],
    ]);
  });

  it('maps non-running tasks to starting and stopped, and drops tasks already stopped', async () => {
    const world = runningFleet(ecsWorld(), 4);
    world.tasks[0]!.lastStatus = 'PROVISIONING';
    world.tasks[1]!.lastStatus = 'ACTIVATING';
    Object.assign(world.tasks[2]!, {
      lastStatus: 'STOPPING',
      desiredStatus: 'STOPPED',
      stoppedReason: 'Scaling activity',
    });
    Object.assign(world.tasks[3]!, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    const m = await discoveryFor(world).discover();
    expect(m.nodes.map((n) => [n.id, n.lifecycle, n.detail])).toEqual([
      ['i-00000000000000000', 'starting', 'task PROVISIONING'],
      ['i-00000000000000001', 'starting', 'task ACTIVATING'],
      ['i-00000000000000002', 'stopped', 'task STOPPING: Scaling activity'],
    ]);
  });

  it('describes one instance by its most alive task when a replacement starts beside a stopping one', async () => {
    const world = runningFleet(ecsWorld(), 1);
    world.tasks.push({ id: 'old', lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED', containerInstance: 'ci0' });
    const m = await discoveryFor(world).discover();
    expect(m.nodes).toHaveLength(1);
    expect(m.nodes[0]!.lifecycle).toBe('running');
  });

  it('reports partial failures without failing the round', async () => {
    const world = runningFleet(ecsWorld(), 3);
    world.vanishedTasks.add('t1');
    world.containerInstances.splice(2, 1); // ci2 deregistered: DescribeContainerInstances says MISSING
    const m = await discoveryFor(world).discover();
    expect(m.stale).toBe(false);
    expect(m.nodes.map((n) => n.id)).toEqual(['i-00000000000000000']);
    expect(m.failures).toEqual([
      { operation: 'DescribeTasks', arn: taskArn(world, 't1'), reason: 'MISSING' },
      {
        operation: 'DescribeContainerInstances',
        arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/caddy-fleet/ci2',
        reason: 'MISSING',
      },
    ]);
  });

  it('retries ECS ThrottlingException and EC2 RequestLimitExceeded, then succeeds', async () => {
    const world = runningFleet(ecsWorld(), 2);
    world.faults.set('ListTasks', { remaining: 2, kind: 'throttle' });
    world.faults.set('DescribeInstances', { remaining: 1, kind: 'throttle' });
    const m = await discoveryFor(world, 3).discover();
    expect(m.stale).toBe(false);
    expect(m.nodes).toHaveLength(2);
    expect(ops(world).filter((o) => o === 'ListTasks')).toHaveLength(4); // 2 throttled + RUNNING + STOPPED
    expect(ops(world).filter((o) => o === 'DescribeInstances')).toHaveLength(2);
  });

  it('returns the last known membership, stale, when a round fails after retries', async () => {
    const world = runningFleet(ecsWorld(), 2);
    const discovery = discoveryFor(world, 2);
    const first = await discovery.discover();
    expect(first.stale).toBe(false);

    world.faults.set('DescribeTasks', { remaining: Number.POSITIVE_INFINITY, kind: 'throttle' });
    world.tasks.splice(0, 1); // the fleet changes, but the round cannot see it
    const second = await discovery.discover();
    expect(second.stale).toBe(true);
    expect(second.error).toBe('ECS DescribeTasks failed: ThrottlingException: Rate exceeded');
    expect(second.nodes).toEqual(first.nodes);
    expect(second.observedAt).toEqual(first.observedAt);
    expect(ops(world).filter((o) => o === 'DescribeTasks')).toHaveLength(1 + 2);
  });

  it('never reports an empty fleet as fresh when the very first round fails', async () => {
    const world = runningFleet(ecsWorld(), 1);
    world.faults.set('DescribeInstances', { remaining: Number.POSITIVE_INFINITY, kind: 'error' });
    const m = await discoveryFor(world).discover();
    expect(m.stale).toBe(true);
    expect(m.nodes).toEqual([]);
    expect(m.error).toMatch(/^EC2 DescribeInstances failed: UnauthorizedOperation/);
    expect(ops(world).filter((o) => o === 'DescribeInstances')).toHaveLength(1); // not retryable
  });

  it('start and stop are no-ops', async () => {
    const world = ecsWorld();
    const discovery = discoveryFor(world);
    await discovery.start();
    await discovery.stop();
    expect(world.calls).toEqual([]);
  });
});
