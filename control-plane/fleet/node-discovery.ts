import type { NodeId } from '../types.ts';

/** How a node's process is doing according to its discovery source (not its config sync state). */
export type NodeLifecycle = 'running' | 'starting' | 'draining' | 'stopped';

/** One Caddy instance of the fleet, as a discovery source sees it. */
export interface FleetNode {
  id: NodeId;
  /** Base URL of the node's admin API, e.g. `http://10.0.1.7:2019`. */
  adminUrl: string;
  /** Address the node's plain-HTTP server listens on (`host:port`), default `:80`. */
  httpListen?: string;
  /** Address the node's HTTPS server listens on (`host:port`), default `:443`. */
  httpsListen?: string;
  /** Address the node's admin API listens on; defaults to the host:port of `adminUrl`. */
  adminListen?: string;
  lifecycle: NodeLifecycle;
  /** EC2 instance id: the Global Accelerator endpoint id. */
  instanceId?: string;
  privateIp?: string;
  availabilityZone?: string;
  /** Human-readable reason for a non-running lifecycle (task stopping, instance draining, ...). */
  detail?: string;
}

/** The result of one discovery round. */
export interface Membership {
  nodes: FleetNode[];
  /** When the node list was last confirmed by the source. */
  observedAt: Date;
  /**
   * True when the latest attempt failed and `nodes` is the last known list. A failed API call never
   * means "the fleet is empty": consumers must not remove anything while this is true.
   */
  stale: boolean;
  /** Why the latest attempt failed, when `stale`. */
  error?: string;
}

/**
 * Who the Caddy nodes are. Implementations: `StaticNodeDiscovery` (config), `LocalNodeDiscovery`
 * (the daemon supervises Caddy child processes), `EcsNodeDiscovery` (the ECS and EC2 APIs).
 */
export interface NodeDiscovery {
  readonly kind: 'local' | 'static' | 'ecs';
  /** Starts whatever the source needs (child processes for `local`). Idempotent. */
  start(): Promise<void>;
  /** One discovery round. Never throws for a source failure: it returns the last known membership marked stale. */
  discover(signal?: AbortSignal): Promise<Membership>;
  /** Stops owned processes and timers. Idempotent. */
  stop(): Promise<void>;
}

/** Per-node config sync state, as the reconciler records it. */
export const NODE_SYNC_STATUSES = ['in_sync', 'drifted', 'pushing', 'unreachable', 'rejected', 'unknown'] as const;
export type NodeSyncStatus = (typeof NODE_SYNC_STATUSES)[number];
