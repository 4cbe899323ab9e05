import type { NodeSyncStatus } from '../fleet/node-discovery.ts';

/** What reading a node's config back gave. */
export type Observation = { ok: true; fingerprint: string } | { ok: false; code: string; message: string };

export interface PlanInput {
  desiredFingerprint: string;
  observed: Observation;
  /** The desired fingerprint Caddy last rejected on this node, if any. */
  rejectedFingerprint: string | null;
  mode: 'repair' | 'report';
  /** A certificate was removed since this node's last forced reload. */
  needsForcedReload: boolean;
  /** The fingerprint the node was last confirmed in sync with (null: never synced). */
  syncedFingerprint?: string | null;
  /** The rejection is old enough to try the same config once more (a 400 can be transient: a port in use, a storage race). */
  rejectionRetryDue?: boolean;
}

export type PlanAction = 'none' | 'push' | 'force-reload' | 'report';

/** Statuses a plan can put a node in before its action runs. */
export type PlanStatus = Extract<NodeSyncStatus, 'in_sync' | 'unreachable' | 'rejected' | 'drifted' | 'pushing'>;

export interface Plan {
  action: PlanAction;
  /** The node's status before the action runs. */
  status: PlanStatus;
}

/**
 * The level-based decision for one node: compare desired with observed, never act on an event's
 * payload. Terminal rejections are not retried until the desired config changes (or their backoff
 * ends). Drift means the node's config changed since it was last in sync (a manual edit, a restart
 * without `--resume`): `report` mode only reports it, `repair` mode pushes over it. A node still on
 * the config it was last in sync with (or never synced) simply gets the new desired config.
 */
export function plan(input: PlanInput): Plan {
  if (!input.observed.ok) return { action: 'none', status: 'unreachable' };
  if (input.observed.fingerprint === input.desiredFingerprint) {
    return { action: input.needsForcedReload ? 'force-reload' : 'none', status: 'in_sync' };
  }
  if (input.rejectedFingerprint === input.desiredFingerprint && !input.rejectionRetryDue) {
    return { action: 'none', status: 'rejected' };
  }
  const drifted = input.syncedFingerprint != null && input.observed.fingerprint !== input.syncedFingerprint;
  if (!drifted) return { action: 'push', status: 'pushing' };
  if (input.mode === 'report') return { action: 'report', status: 'drifted' };
  return { action: 'push', status: 'drifted' };
}
