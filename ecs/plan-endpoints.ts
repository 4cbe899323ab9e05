import {
  type AcceleratorEndpoint,
  DEFAULT_ENDPOINT_WEIGHT,
  type EndpointStep,
} from '../control-plane/fleet/accelerator-endpoints.ts';
import type { FleetNode, Membership, NodeSyncStatus } from '../control-plane/fleet/node-discovery.ts';
import type { NodeId } from '../control-plane/types.ts';
import { isMoreAlive } from './task-lifecycle.ts';

/** The planner's slice of the accelerator settings. */
export interface PlanSettings {
  drainSeconds: number;
}

/** A plan: the steps, the endpoint list to write, and the drain clocks to keep for the next round. */
export interface EndpointPlan {
  steps: EndpointStep[];
  desired: AcceleratorEndpoint[];
  changed: boolean;
  /** When each weight-0 endpoint started draining (first seen at 0 counts as started then). */
  drainStartedAt: Map<string, Date>;
}

/** How an endpoint's instance should be treated this round. */
type Verdict = { kind: 'serve' } | { kind: 'hold' | 'zero' | 'leave'; why: string };

function classify(node: FleetNode | undefined, status: NodeSyncStatus | undefined): Verdict {
  if (!node) return { kind: 'leave', why: 'gone from membership' };
  if (node.lifecycle === 'draining' || node.lifecycle === 'stopped') {
    return { kind: 'leave', why: node.detail ? `${node.lifecycle} (${node.detail})` : node.lifecycle };
  }
  if (node.lifecycle === 'starting') return { kind: 'zero', why: 'Caddy task starting' };
  const s = status ?? 'unknown';
  if (s === 'in_sync') return { kind: 'serve' };
  // A push in progress or a status not yet observed (daemon restart) is no evidence of a fault:
  // draining on it would pull every node on each config change.
  if (s === 'pushing' || s === 'unknown') return { kind: 'hold', why: `sync status ${s}` };
  return { kind: 'zero', why: `sync status ${s}` };
}

function byId(a: { endpointId: string }, b: { endpointId: string }): number {
  return a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0;
}

function indexNodes(membership: Membership, statuses: ReadonlyMap<NodeId, NodeSyncStatus>) {
  const byInstance = new Map<string, FleetNode>();
  for (const node of membership.nodes) {
    if (!node.instanceId) continue;
    const seen = byInstance.get(node.instanceId);
    const better =
      !seen ||
      (statuses.get(node.id) === 'in_sync' && statuses.get(seen.id) !== 'in_sync') ||
      isMoreAlive(node.lifecycle, seen.lifecycle);
    if (better) byInstance.set(node.instanceId, node);
  }
  return byInstance;
}

/**
 * Plans one Global Accelerator endpoint group round. Pure.
 *
 * Rules: an instance is added only when its Caddy runs and is `in_sync`. An instance that is gone,
 * draining or stopped leaves: weight 0 first, removed once it has been at 0 for `drainSeconds`.
 * A present instance that is starting, `drifted`, `unreachable` or `rejected` is set to weight 0 but
 * never removed while present; `pushing` / `unknown` hold the current weight; back `in_sync` restores
 * the default weight. The last endpoint with weight is never drained and the last endpoint is never
 * removed. While `membership.stale` nothing changes.
 */
export function planEndpoints(
  current: readonly AcceleratorEndpoint[],
  membership: Membership,
  statuses: ReadonlyMap<NodeId, NodeSyncStatus>,
  drainStartedAt: ReadonlyMap<string, Date>,
  now: Date,
  settings: PlanSettings,
): EndpointPlan {
  const drains = seedDrainClocks(current, drainStartedAt, now);

  if (membership.stale) {
    const steps = current.map((e) => keep(e, 'membership is stale: nothing changes')).sort(byId);
    return { steps, desired: [...current].sort(byId), changed: false, drainStartedAt: drains };
  }

  const nodes = indexNodes(membership, statuses);
  const verdicts = new Map<string, Verdict>();
  const steps: EndpointStep[] = [];
  for (const e of current) {
    const node = nodes.get(e.endpointId);
    const verdict = classify(node, node ? statuses.get(node.id) : undefined);
    verdicts.set(e.endpointId, verdict);
    steps.push(stepFor(e, verdict, drains, now, settings));
  }
  const existing = new Set(current.map((e) => e.endpointId));
  for (const [instanceId, node] of nodes) {
    if (existing.has(instanceId)) continue;
    const verdict = classify(node, statuses.get(node.id));
    steps.push(
      verdict.kind === 'serve'
        ? { endpointId: instanceId, action: 'add', reason: 'running and in sync', weightAfter: DEFAULT_ENDPOINT_WEIGHT }
        : { endpointId: instanceId, action: 'wait', reason: `not added: ${verdict.why}` },
    );
  }

  keepLastWeighted(current, steps, verdicts, drains);
  keepLastEndpoint(current, steps, verdicts);

  steps.sort(byId);
  const desired = steps
    .filter((s) => s.weightAfter !== undefined)
    .map((s) => ({ endpointId: s.endpointId, weight: s.weightAfter!, clientIpPreservation: true }));
  const changed = steps.some((s) => s.action !== 'unchanged' && s.action !== 'wait');
  return { steps, desired, changed, drainStartedAt: drains };
}

/**
 * The drain clocks that match `current` as it is: every weight-0 endpoint keeps its known start, or
 * starts now (first seen at 0, e.g. after a restart). Use it when a plan was not applied.
 */
export function seedDrainClocks(
  current: readonly AcceleratorEndpoint[],
  drainStartedAt: ReadonlyMap<string, Date>,
  now: Date,
): Map<string, Date> {
  const drains = new Map<string, Date>();
  for (const e of current) if (e.weight === 0) drains.set(e.endpointId, drainStartedAt.get(e.endpointId) ?? now);
  return drains;
}

function keep(e: AcceleratorEndpoint, reason: string): EndpointStep {
  return { endpointId: e.endpointId, action: 'unchanged', reason, weightBefore: e.weight, weightAfter: e.weight };
}

function stepFor(
  e: AcceleratorEndpoint,
  verdict: Verdict,
  drains: Map<string, Date>,
  now: Date,
  settings: PlanSettings,
): EndpointStep {
  const before = { endpointId: e.endpointId, weightBefore: e.weight };
  if (verdict.kind === 'serve') {
    if (e.weight === 0) {
      drains.delete(e.endpointId);
      return {
        ...before,
        action: 'restore',
        reason: 'running and in sync again',
        weightAfter: DEFAULT_ENDPOINT_WEIGHT,
      };
    }
    if (!e.clientIpPreservation) {
      return { ...before, action: 'repair', reason: 'client IP preservation was off', weightAfter: e.weight };
    }
    return keep(e, 'running and in sync');
  }
  if (verdict.kind === 'hold') return keep(e, `${verdict.why}: weight held`);
  if (e.weight > 0) {
    drains.set(e.endpointId, now);
    const reason = verdict.kind === 'leave' ? `leaving: ${verdict.why}` : `${verdict.why}: kept at weight 0`;
    return { ...before, action: 'drain', reason, weightAfter: 0 };
  }
  if (verdict.kind === 'zero') return keep(e, `${verdict.why}: kept at weight 0 while present`);
  const started = drains.get(e.endpointId) ?? now;
  const removeAt = new Date(started.getTime() + settings.drainSeconds * 1000);
  if (now.getTime() >= removeAt.getTime()) {
    return { ...before, action: 'remove', reason: `leaving: ${verdict.why}; drained since ${started.toISOString()}` };
  }
  return keep(e, `draining: ${verdict.why}; removal at ${removeAt.toISOString()}`);
}

/** Prefer keeping an endpoint whose instance is still present, then the heavier one, then the lowest id. */
function pickKeeper(candidates: EndpointStep[], verdicts: Map<string, Verdict>): EndpointStep | undefined {
  const score = (s: EndpointStep) => (verdicts.get(s.endpointId)?.kind === 'leave' ? 1 : 0);
  return [...candidates].sort(
    (a, b) => score(a) - score(b) || (b.weightBefore ?? 0) - (a.weightBefore ?? 0) || byId(a, b),
  )[0];
}

function totalWeight(weights: (number | undefined)[]): number {
  return weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
}

/** Draining every weighted endpoint would send traffic nowhere: keep one at its weight. */
function keepLastWeighted(
  current: readonly AcceleratorEndpoint[],
  steps: EndpointStep[],
  verdicts: Map<string, Verdict>,
  drains: Map<string, Date>,
): void {
  if (totalWeight(current.map((e) => e.weight)) === 0) return;
  if (totalWeight(steps.map((s) => s.weightAfter)) > 0) return;
  const keeper = pickKeeper(
    steps.filter((s) => s.action === 'drain'),
    verdicts,
  );
  if (!keeper) return;
  keeper.reason = `kept: last endpoint with weight (${keeper.reason})`;
  keeper.action = 'unchanged';
  keeper.weightAfter = keeper.weightBefore;
  drains.delete(keeper.endpointId);
}

/** An endpoint group is never emptied by us. */
function keepLastEndpoint(
  current: readonly AcceleratorEndpoint[],
  steps: EndpointStep[],
  verdicts: Map<string, Verdict>,
): void {
  if (current.length === 0 || steps.some((s) => s.weightAfter !== undefined)) return;
  const keeper = pickKeeper(
    steps.filter((s) => s.action === 'remove'),
    verdicts,
  );
  if (!keeper) return;
  keeper.reason = `kept: the last endpoint is never removed (${keeper.reason})`;
  keeper.action = 'unchanged';
  keeper.weightAfter = keeper.weightBefore;
}
