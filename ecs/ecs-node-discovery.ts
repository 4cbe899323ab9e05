import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Membership, NodeDiscovery } from '../control-plane/fleet/node-discovery.ts';
import { describeAwsError } from './aws-call.ts';
import { buildFleetNodes } from './build-fleet-nodes.ts';
import { type DiscoveryFailure, describeService } from './describe-service.ts';
import type { EcsDiscoverySettings } from './settings.ts';

/** A Membership plus the partial failures of the round (tasks or instances that could not be described). */
export interface EcsMembership extends Membership {
  failures: DiscoveryFailure[];
}

/** What {@link EcsNodeDiscovery} needs; build the clients with `aws-clients.ts`. */
export interface EcsNodeDiscoveryDeps {
  settings: EcsDiscoverySettings;
  ecs: ECSClient;
  ec2: EC2Client;
  /** Clock for `observedAt`; defaults to the system clock. */
  now?: () => Date;
}

/**
 * Discovers the Caddy nodes of one ECS service on EC2 capacity: ListTasks → DescribeTasks →
 * DescribeContainerInstances → DescribeInstances, one node per EC2 instance with its private IP.
 * Throttling is retried by the SDK client's retry strategy. When a round still fails, `discover()`
 * returns the last known nodes with `stale: true` and `error` (never an empty fleet by accident).
 *
 * @example
 * const discovery = new EcsNodeDiscovery({ settings, ecs: createEcsClient(region), ec2: createEc2Client(region) });
 * const { nodes, stale } = await discovery.discover();
 */
export class EcsNodeDiscovery implements NodeDiscovery {
  readonly kind = 'ecs' as const;
  readonly #deps: EcsNodeDiscoveryDeps;
  #lastKnown: Membership | undefined;

  constructor(deps: EcsNodeDiscoveryDeps) {
    this.#deps = deps;
  }

  /** Nothing to start: discovery is pull-only. */
  async start(): Promise<void> {}

  /** Nothing to stop. */
  async stop(): Promise<void> {}

  /** One round. Never throws: a failure yields the last known membership marked stale. */
  async discover(signal?: AbortSignal): Promise<EcsMembership> {
    const { settings, ecs, ec2 } = this.#deps;
    try {
      const snapshot = await describeService({
        ecs,
        ec2,
        cluster: settings.cluster,
        service: settings.service,
        ...(signal === undefined ? {} : { signal }),
      });
      const built = buildFleetNodes(snapshot, settings.adminPort);
      const membership: Membership = { nodes: built.nodes, observedAt: this.#now(), stale: false };
      this.#lastKnown = membership;
      return { ...membership, failures: [...snapshot.failures, ...built.failures] };
    } catch (err) {
      const last = this.#lastKnown;
      return {
        nodes: last ? last.nodes : [],
        observedAt: last ? last.observedAt : new Date(0),
        stale: true,
        error: err instanceof Error ? err.message : describeAwsError(err),
        failures: [],
      };
    }
  }

  #now(): Date {
    return this.#deps.now ? this.#deps.now() : new Date();
  }
}
