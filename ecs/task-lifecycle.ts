import type { NodeLifecycle } from '../control-plane/fleet/node-discovery.ts';

const STARTING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);
const STOPPING = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);

/** A node's lifecycle plus, when it is not plainly running, why. */
export interface LifecycleVerdict {
  lifecycle: NodeLifecycle;
  detail?: string;
}

/**
 * Maps an ECS task's `lastStatus` and its container instance's `status` to a node lifecycle.
 * A stopping task wins over a draining instance (it is further along the way out); a draining
 * instance wins over a running or starting task. An unknown task status counts as starting.
 *
 * @example nodeLifecycle('RUNNING', 'DRAINING') // { lifecycle: 'draining', detail: 'container instance DRAINING' }
 */
export function nodeLifecycle(
  taskStatus: string | undefined,
  instanceStatus: string | undefined,
  stoppedReason?: string,
): LifecycleVerdict {
  const task = taskStatus ?? 'UNKNOWN';
  if (STOPPING.has(task)) {
    return { lifecycle: 'stopped', detail: stoppedReason ? `task ${task}: ${stoppedReason}` : `task ${task}` };
  }
  if (instanceStatus === 'DRAINING') return { lifecycle: 'draining', detail: 'container instance DRAINING' };
  if (task === 'RUNNING') return { lifecycle: 'running' };
  return { lifecycle: 'starting', detail: STARTING.has(task) ? `task ${task}` : `task status ${task}` };
}

const RANK: Record<NodeLifecycle, number> = { running: 0, starting: 1, draining: 2, stopped: 3 };

/** True when `a` describes an instance's Caddy better than `b` (running beats starting beats draining beats stopped). */
export function isMoreAlive(a: NodeLifecycle, b: NodeLifecycle): boolean {
  return RANK[a] < RANK[b];
}
