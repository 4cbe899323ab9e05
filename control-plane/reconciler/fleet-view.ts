import type { NodeLifecycle, NodeSyncStatus } from '../fleet/node-discovery.ts';

/** One node as the API and dashboard show it. Times are epoch ms. */
export interface NodeView {
  id: string;
  status: NodeSyncStatus;
  lifecycle: NodeLifecycle;
  adminUrl: string;
  httpAddress: string | null;
  httpsAddress: string | null;
  availabilityZone: string | null;
  instanceId: string | null;
  desiredFingerprint: string | null;
  observedFingerprint: string | null;
  /** Desired-config generation last confirmed on the node. */
  syncedGeneration: number | null;
  lastSyncedAt: number | null;
  lastPushAt: number | null;
  lastError: { code: string; message: string; at: number } | null;
  attempts: number;
  /** Round-trip of the last `GET /config/`, ms. */
  adminLatencyMs: number | null;
}

/** One difference between desired and observed config, as a JSON path with both values. */
export interface DiffEntry {
  /** JSON pointer (RFC 6901), e.g. `/apps/http/servers/https/routes/0/handle/0/upstreams/0/dial`. */
  path: string;
  /** `undefined` when the path is absent on that side. */
  desired: unknown;
  observed: unknown;
}

export interface ReconcileResult {
  startedAt: number;
  finishedAt: number;
  generation: number;
  nodes: { id: string; status: NodeSyncStatus; action: 'none' | 'pushed' | 'reported' | 'skipped'; error?: string }[];
}

/** What the API and dashboard need from the reconciler. */
export interface FleetView {
  nodes(): NodeView[];
  node(id: string): NodeView | undefined;
  /** Reads the node's config now and diffs it against the desired one. NODE_NOT_FOUND for an unknown id. */
  diff(id: string): Promise<DiffEntry[]>;
  /** Runs one reconcile pass now (waits for a pass in progress, then runs a fresh one). */
  reconcileNow(): Promise<ReconcileResult>;
}
