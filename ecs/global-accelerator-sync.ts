import {
  DescribeEndpointGroupCommand,
  type EndpointDescription,
  type GlobalAcceleratorClient,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import {
  type AcceleratorEndpoint,
  type AcceleratorEndpoints,
  type AcceleratorSyncReport,
  DEFAULT_ENDPOINT_WEIGHT,
} from '../control-plane/fleet/accelerator-endpoints.ts';
import type { Membership, NodeSyncStatus } from '../control-plane/fleet/node-discovery.ts';
import type { NodeId } from '../control-plane/types.ts';
import { callAws } from './aws-call.ts';
import { planEndpoints, seedDrainClocks } from './plan-endpoints.ts';
import type { AcceleratorSettings } from './settings.ts';

function toEndpoints(descriptions: EndpointDescription[] | undefined): AcceleratorEndpoint[] {
  return (descriptions ?? [])
    .filter((d) => d.EndpointId !== undefined)
    .map((d) => ({
      endpointId: d.EndpointId!,
      weight: d.Weight ?? DEFAULT_ENDPOINT_WEIGHT,
      clientIpPreservation: d.ClientIPPreservationEnabled === true,
      ...(d.HealthState === undefined ? {} : { healthState: d.HealthState }),
    }))
    .sort((a, b) => (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0));
}

/**
 * Keeps one Global Accelerator endpoint group equal to the EC2 instances whose Caddy runs in sync
 * (rules in {@link planEndpoints}). Build the client with `createGlobalAcceleratorClient()` (us-west-2).
 *
 * Each round reads the group (DescribeEndpointGroup), plans against that just-read list and, when the
 * plan changes anything, writes the whole list with UpdateEndpointGroup. UpdateEndpointGroup is used
 * because only it can change weights (draining); AddEndpoints/RemoveEndpoints cannot. It replaces the
 * whole list, so rounds are serialized in this process and always plan from a fresh read, never from
 * a cached list; the daemon is the group's one writer (the CDK stack leaves the group's endpoints empty).
 * Drain start times live in memory: after a restart an endpoint found at weight 0 drains from then.
 */
export class GlobalAcceleratorSync implements AcceleratorEndpoints {
  readonly #settings: AcceleratorSettings;
  readonly #client: GlobalAcceleratorClient;
  #drainStartedAt: ReadonlyMap<string, Date> = new Map();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(settings: AcceleratorSettings, client: GlobalAcceleratorClient) {
    this.#settings = settings;
    this.#client = client;
  }

  /** One round; never throws for an AWS failure (the report carries `error`). Rounds never overlap. */
  sync(
    membership: Membership,
    syncStatus: ReadonlyMap<NodeId, NodeSyncStatus>,
    now: Date,
  ): Promise<AcceleratorSyncReport> {
    const round = this.#queue.then(() => this.#round(membership, syncStatus, now));
    this.#queue = round.catch(() => undefined);
    return round;
  }

  async #round(
    membership: Membership,
    syncStatus: ReadonlyMap<NodeId, NodeSyncStatus>,
    now: Date,
  ): Promise<AcceleratorSyncReport> {
    const { endpointGroupArn, dryRun, drainSeconds } = this.#settings;
    const base = { endpointGroupArn, at: now, dryRun };
    let current: AcceleratorEndpoint[];
    try {
      const out = await callAws('GlobalAccelerator DescribeEndpointGroup', () =>
        this.#client.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: endpointGroupArn })),
      );
      current = toEndpoints(out.EndpointGroup?.EndpointDescriptions);
    } catch (err) {
      const error = (err as Error).message;
      return { ...base, steps: [], changed: false, applied: false, endpoints: [], desired: [], error };
    }

    const plan = planEndpoints(current, membership, syncStatus, this.#drainStartedAt, now, { drainSeconds });
    const report = { ...base, steps: plan.steps, changed: plan.changed, desired: plan.desired };
    // Until a plan is applied the group is as read: its clocks must describe that, not the plan.
    const unapplied = seedDrainClocks(current, this.#drainStartedAt, now);
    this.#drainStartedAt = unapplied;
    if (!plan.changed || dryRun) return { ...report, applied: false, endpoints: current };

    try {
      const out = await callAws('GlobalAccelerator UpdateEndpointGroup', () =>
        this.#client.send(
          new UpdateEndpointGroupCommand({
            EndpointGroupArn: endpointGroupArn,
            EndpointConfigurations: plan.desired.map((e) => ({
              EndpointId: e.endpointId,
              Weight: e.weight,
              ClientIPPreservationEnabled: true,
            })),
          }),
        ),
      );
      this.#drainStartedAt = plan.drainStartedAt;
      return { ...report, applied: true, endpoints: toEndpoints(out.EndpointGroup?.EndpointDescriptions) };
    } catch (err) {
      return { ...report, applied: false, endpoints: current, error: (err as Error).message };
    }
  }
}
