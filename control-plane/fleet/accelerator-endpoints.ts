import type { NodeId } from '../types.ts';
import type { Membership, NodeSyncStatus } from './node-discovery.ts';

/** Weight given to an endpoint when it is added or restored (Global Accelerator's default). */
export const DEFAULT_ENDPOINT_WEIGHT = 128;

/** One endpoint of the accelerator's endpoint group (an EC2 instance). */
export interface AcceleratorEndpoint {
  /** EC2 instance id. */
  endpointId: string;
  /** 0–255; 0 means no new traffic (draining). */
  weight: number;
  clientIpPreservation: boolean;
  /** As Global Accelerator reports it (`INITIAL`, `HEALTHY`, `UNHEALTHY`); absent in a plan. */
  healthState?: string;
}

/**
 * What one planning round does to one endpoint:
 * `add` (new in-sync instance), `drain` (set weight 0), `restore` (weight 0 → default, back in sync),
 * `repair` (client IP preservation switched back on), `remove` (drained long enough and gone),
 * `unchanged`, and `wait` (an instance that is not an endpoint yet and is not in sync).
 */
export type EndpointAction = 'add' | 'drain' | 'restore' | 'repair' | 'remove' | 'unchanged' | 'wait';

/** One line of the plan, with why. */
export interface EndpointStep {
  endpointId: string;
  action: EndpointAction;
  reason: string;
  /** Weight before the round (absent for `add` / `wait`). */
  weightBefore?: number;
  /** Weight after the round (absent for `remove` / `wait`). */
  weightAfter?: number;
}

/** The outcome of one {@link AcceleratorEndpoints.sync} round. */
export interface AcceleratorSyncReport {
  endpointGroupArn: string;
  at: Date;
  /** One step per current endpoint and per candidate instance, sorted by endpoint id. */
  steps: EndpointStep[];
  /** True when the plan differs from the group's current endpoints. */
  changed: boolean;
  /** True when the plan was sent to Global Accelerator and accepted. */
  applied: boolean;
  dryRun: boolean;
  /** The group's endpoints after the round: the new list when applied, else as read. */
  endpoints: AcceleratorEndpoint[];
  /** The endpoint list the plan wants. */
  desired: AcceleratorEndpoint[];
  /** Why the round failed (read or update), if it did. */
  error?: string;
}

/**
 * Keeps a traffic front door (Global Accelerator's endpoint group) equal to the nodes that run Caddy
 * in sync. Implementation: `GlobalAcceleratorSync` in `ecs/`. Never throws for an AWS failure: the
 * report carries `error`.
 */
export interface AcceleratorEndpoints {
  sync(
    membership: Membership,
    syncStatus: ReadonlyMap<NodeId, NodeSyncStatus>,
    now: Date,
  ): Promise<AcceleratorSyncReport>;
}

/** One recorded call to {@link FakeAcceleratorEndpoints.sync}. */
export interface FakeAcceleratorCall {
  membership: Membership;
  syncStatus: ReadonlyMap<NodeId, NodeSyncStatus>;
  now: Date;
}

/**
 * Test double: records calls and keeps endpoints equal to running, in-sync nodes that have an
 * instance id (no draining, no AWS). While membership is stale it changes nothing. Set `failWith`
 * to make the next rounds report an error.
 */
export class FakeAcceleratorEndpoints implements AcceleratorEndpoints {
  readonly calls: FakeAcceleratorCall[] = [];
  endpoints: AcceleratorEndpoint[] = [];
  failWith: string | undefined;
  readonly #arn: string;

  constructor(
    endpointGroupArn = 'arn:aws:globalaccelerator::123456789012:accelerator/fake/listener/l/endpoint-group/g',
  ) {
    this.#arn = endpointGroupArn;
  }

  async sync(
    membership: Membership,
    syncStatus: ReadonlyMap<NodeId, NodeSyncStatus>,
    now: Date,
  ): Promise<AcceleratorSyncReport> {
    this.calls.push({ membership, syncStatus, now });
    const base = { endpointGroupArn: this.#arn, at: now, dryRun: false };
    if (this.failWith !== undefined) {
      return {
        ...base,
        steps: [],
        changed: false,
        applied: false,
        endpoints: this.endpoints,
        desired: [],
        error: this.failWith,
      };
    }
    if (membership.stale) {
      return { ...base, steps: [], changed: false, applied: false, endpoints: this.endpoints, desired: this.endpoints };
    }
    const desired: AcceleratorEndpoint[] = membership.nodes
      .filter((n) => n.instanceId !== undefined && n.lifecycle === 'running' && syncStatus.get(n.id) === 'in_sync')
      .map((n) => ({ endpointId: n.instanceId!, weight: DEFAULT_ENDPOINT_WEIGHT, clientIpPreservation: true }))
      .sort((a, b) => (a.endpointId < b.endpointId ? -1 : 1));
    const before = new Set(this.endpoints.map((e) => e.endpointId));
    const after = new Set(desired.map((e) => e.endpointId));
    const steps: EndpointStep[] = [
      ...desired.map((e) => ({
        endpointId: e.endpointId,
        action: before.has(e.endpointId) ? ('unchanged' as const) : ('add' as const),
        reason: 'fake: running and in sync',
        weightAfter: e.weight,
      })),
      ...this.endpoints
        .filter((e) => !after.has(e.endpointId))
        .map((e) => ({ endpointId: e.endpointId, action: 'remove' as const, reason: 'fake: not in sync' })),
    ];
    const changed = steps.some((s) => s.action !== 'unchanged');
    this.endpoints = desired;
    return { ...base, steps, changed, applied: changed, endpoints: desired, desired };
  }
}
