import { describe, expect, it } from 'vitest';
import type { AcceleratorEndpoint, EndpointAction } from '../control-plane/fleet/accelerator-endpoints.ts';
import type { FleetNode, Membership, NodeLifecycle, NodeSyncStatus } from '../control-plane/fleet/node-discovery.ts';
import type { NodeId } from '../control-plane/types.ts';
import { planEndpoints } from './plan-endpoints.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

function node(id: string, lifecycle: NodeLifecycle = 'running'): FleetNode {
  return { id: id as NodeId, adminUrl: `http://10.0.0.1:2019`, lifecycle, instanceId: id };
}
function ep(endpointId: string, weight = 128, clientIpPreservation = true): AcceleratorEndpoint {
  return { endpointId, weight, clientIpPreservation };
}
function membership(nodes: FleetNode[], stale = false): Membership {
  return { nodes, observedAt: NOW, stale };
}
function statuses(entries: Record<string, NodeSyncStatus>): ReadonlyMap<NodeId, NodeSyncStatus> {
  return new Map(Object.entries(entries) as [NodeId, NodeSyncStatus][]);
}

interface Row {
  name: string;
  current: AcceleratorEndpoint[];
  nodes: FleetNode[];
  status: Record<string, NodeSyncStatus>;
  drains?: Record<string, Date>;
  stale?: boolean;
  drainSeconds?: number;
  /** [endpointId, action, weightAfter] sorted by id. */
  steps: [string, EndpointAction, number | undefined][];
  changed: boolean;
}

const rows: Row[] = [
  {
    name: 'adds a running, in-sync instance',
    current: [],
    nodes: [node('i-a')],
    status: { 'i-a': 'in_sync' },
    steps: [['i-a', 'add', 128]],
    changed: true,
  },
  {
    name: 'does not add an instance before it is in sync',
    current: [ep('i-a')],
    nodes: [node('i-a'), node('i-b'), node('i-c', 'starting')],
    status: { 'i-a': 'in_sync', 'i-b': 'drifted', 'i-c': 'in_sync' },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'wait', undefined],
      ['i-c', 'wait', undefined],
    ],
    changed: false,
  },
  {
    name: 'drains an instance that is gone',
    current: [ep('i-a'), ep('i-b')],
    nodes: [node('i-a')],
    status: { 'i-a': 'in_sync' },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'drain', 0],
    ],
    changed: true,
  },
  {
    name: 'drains draining and stopped instances',
    current: [ep('i-a'), ep('i-b'), ep('i-c')],
    nodes: [node('i-a'), node('i-b', 'draining'), node('i-c', 'stopped')],
    status: { 'i-a': 'in_sync', 'i-b': 'in_sync', 'i-c': 'in_sync' },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'drain', 0],
      ['i-c', 'drain', 0],
    ],
    changed: true,
  },
  {
    name: 'keeps a drained endpoint until the drain period is over',
    current: [ep('i-a'), ep('i-b', 0)],
    nodes: [node('i-a')],
    status: { 'i-a': 'in_sync' },
    drains: { 'i-b': ago(299) },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'unchanged', 0],
    ],
    changed: false,
  },
  {
    name: 'removes a drained endpoint once the drain period is over',
    current: [ep('i-a'), ep('i-b', 0)],
    nodes: [node('i-a')],
    status: { 'i-a': 'in_sync' },
    drains: { 'i-b': ago(300) },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'remove', undefined],
    ],
    changed: true,
  },
  {
    name: 'drains first even with a zero drain period',
    current: [ep('i-a'), ep('i-b')],
    nodes: [node('i-a')],
    status: { 'i-a': 'in_sync' },
    drainSeconds: 0,
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'drain', 0],
    ],
    changed: true,
  },
  {
    name: 'sets a drifted, unreachable, rejected or starting instance to weight 0',
    current: [ep('i-a'), ep('i-b'), ep('i-c'), ep('i-d'), ep('i-e')],
    nodes: [node('i-a'), node('i-b'), node('i-c'), node('i-d'), node('i-e', 'starting')],
    status: { 'i-a': 'in_sync', 'i-b': 'drifted', 'i-c': 'unreachable', 'i-d': 'rejected', 'i-e': 'in_sync' },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'drain', 0],
      ['i-c', 'drain', 0],
      ['i-d', 'drain', 0],
      ['i-e', 'drain', 0],
    ],
    changed: true,
  },
  {
    name: 'never removes a present but unhealthy instance, however long at weight 0',
    current: [ep('i-a'), ep('i-b', 0)],
    nodes: [node('i-a'), node('i-b')],
    status: { 'i-a': 'in_sync', 'i-b': 'unreachable' },
    drains: { 'i-b': ago(86_400) },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'unchanged', 0],
    ],
    changed: false,
  },
  {
    name: 'holds the weight while a push is in progress or the status is not known yet',
    current: [ep('i-a'), ep('i-b', 37), ep('i-c', 0)],
    nodes: [node('i-a'), node('i-b'), node('i-c')],
    status: { 'i-a': 'pushing', 'i-c': 'pushing' },
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'unchanged', 37],
      ['i-c', 'unchanged', 0],
    ],
    changed: false,
  },
  {
    name: 'restores the weight of an instance back in sync',
    current: [ep('i-a', 0)],
    nodes: [node('i-a')],
    status: { 'i-a': 'in_sync' },
    drains: { 'i-a': ago(60) },
    steps: [['i-a', 'restore', 128]],
    changed: true,
  },
  {
    name: 'repairs client IP preservation on an in-sync endpoint',
    current: [ep('i-a', 128, false)],
    nodes: [node('i-a')],
    status: { 'i-a': 'in_sync' },
    steps: [['i-a', 'repair', 128]],
    changed: true,
  },
  {
    name: 'never drains the last endpoint with weight',
    current: [ep('i-a')],
    nodes: [],
    status: {},
    steps: [['i-a', 'unchanged', 128]],
    changed: false,
  },
  {
    name: 'keeps the present instance weighted when all would drain, preferring it over a gone one',
    current: [ep('i-a'), ep('i-b'), ep('i-c')],
    nodes: [node('i-b'), node('i-c')],
    status: { 'i-b': 'drifted', 'i-c': 'unreachable' },
    steps: [
      ['i-a', 'drain', 0],
      ['i-b', 'unchanged', 128],
      ['i-c', 'drain', 0],
    ],
    changed: true,
  },
  {
    name: 'never removes the last endpoint',
    current: [ep('i-a', 0)],
    nodes: [],
    status: {},
    drains: { 'i-a': ago(3600) },
    steps: [['i-a', 'unchanged', 0]],
    changed: false,
  },
  {
    name: 'removes all but one drained endpoint when every instance is gone',
    current: [ep('i-a', 0), ep('i-b', 0)],
    nodes: [],
    status: {},
    drains: { 'i-a': ago(3600), 'i-b': ago(3600) },
    steps: [
      ['i-a', 'unchanged', 0],
      ['i-b', 'remove', undefined],
    ],
    changed: true,
  },
  {
    name: 'replaces an instance in one round: adds the new one and drains the old one',
    current: [ep('i-a')],
    nodes: [node('i-b')],
    status: { 'i-b': 'in_sync' },
    steps: [
      ['i-a', 'drain', 0],
      ['i-b', 'add', 128],
    ],
    changed: true,
  },
  {
    name: 'changes nothing while membership is stale',
    current: [ep('i-a'), ep('i-b', 0)],
    nodes: [node('i-c')],
    status: { 'i-c': 'in_sync' },
    drains: { 'i-b': ago(3600) },
    stale: true,
    steps: [
      ['i-a', 'unchanged', 128],
      ['i-b', 'unchanged', 0],
    ],
    changed: false,
  },
  {
    name: 'ignores nodes without an EC2 instance id',
    current: [],
    nodes: [{ id: 'local-0' as NodeId, adminUrl: 'http://127.0.0.1:2019', lifecycle: 'running' }],
    status: { 'local-0': 'in_sync' },
    steps: [],
    changed: false,
  },
];

describe('planEndpoints', () => {
  it.each(rows)('$name', (row) => {
    const drains = new Map(Object.entries(row.drains ?? {}));
    const plan = planEndpoints(row.current, membership(row.nodes, row.stale), statuses(row.status), drains, NOW, {
      drainSeconds: row.drainSeconds ?? 300,
    });
    expect(plan.steps.map((s) => [s.endpointId, s.action, s.weightAfter])).toEqual(row.steps);
    expect(plan.changed).toBe(row.changed);
    expect(plan.desired).toEqual(
      row.steps
        .filter(([, , w]) => w !== undefined)
        .map(([endpointId, , weight]) => ({ endpointId, weight, clientIpPreservation: true })),
    );
    for (const step of plan.steps) expect(step.reason).not.toBe('');
  });

  it('starts the drain clock now for a drained endpoint and for a weight-0 endpoint first seen', () => {
    const plan = planEndpoints(
      [ep('i-a'), ep('i-b'), ep('i-c', 0)],
      membership([node('i-a')]),
      statuses({ 'i-a': 'in_sync' }),
      new Map(),
      NOW,
      { drainSeconds: 300 },
    );
    expect(plan.drainStartedAt).toEqual(
      new Map([
        ['i-b', NOW],
        ['i-c', NOW],
      ]),
    );
    expect(plan.steps.find((s) => s.endpointId === 'i-c')?.reason).toBe(
      'draining: gone from membership; removal at 2026-03-01T12:05:00.000Z',
    );
  });

  it('keeps known drain clocks and forgets them on restore', () => {
    const started = ago(120);
    const plan = planEndpoints(
      [ep('i-a', 0), ep('i-b', 0)],
      membership([node('i-a')]),
      statuses({ 'i-a': 'in_sync' }),
      new Map([
        ['i-a', started],
        ['i-b', started],
      ]),
      NOW,
      { drainSeconds: 300 },
    );
    expect(plan.drainStartedAt).toEqual(new Map([['i-b', started]]));
  });

  it('does not mutate its inputs', () => {
    const current = [ep('i-a'), ep('i-b', 0)];
    const drains = new Map([['i-b', ago(10)]]);
    const snapshot = JSON.stringify([current, [...drains]]);
    planEndpoints(current, membership([node('i-c')]), statuses({ 'i-c': 'in_sync' }), drains, NOW, {
      drainSeconds: 1,
    });
    expect(JSON.stringify([current, [...drains]])).toBe(snapshot);
  });
});
