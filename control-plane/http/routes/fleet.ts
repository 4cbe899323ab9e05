import { Hono } from 'hono';
import { z } from 'zod';
import type { AcceleratorSyncReport } from '../../fleet/accelerator-endpoints.ts';
import type { Membership } from '../../fleet/node-discovery.ts';
import { NODE_SYNC_STATUSES } from '../../fleet/node-discovery.ts';
import type { StorageProbe } from '../../fleet/storage-probe.ts';
import type { FleetView, NodeView, ReconcileResult } from '../../reconciler/fleet-view.ts';
import type { AppEnv } from '../app-env.ts';
import type { ApiDocs } from '../openapi.ts';

export interface FleetRoutesDeps {
  fleet: FleetView;
  membership: () => Membership;
  generation: () => number;
  /** The latest Global Accelerator sync (its plan, also in dry-run mode), when an endpoint group is managed. */
  accelerator?: () => AcceleratorSyncReport | undefined;
}

function acceleratorToJson(r: AcceleratorSyncReport | undefined) {
  if (!r) return null;
  return {
    endpoint_group_arn: r.endpointGroupArn,
    at: r.at.toISOString(),
    dry_run: r.dryRun,
    changed: r.changed,
    applied: r.applied,
    error: r.error ?? null,
    plan: r.steps.map((s) => ({
      endpoint_id: s.endpointId,
      action: s.action,
      reason: s.reason,
      weight_before: s.weightBefore ?? null,
      weight_after: s.weightAfter ?? null,
    })),
    endpoints: r.endpoints.map((e) => ({
      endpoint_id: e.endpointId,
      weight: e.weight,
      client_ip_preservation: e.clientIpPreservation,
    })),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function nodeToJson(n: NodeView) {
  return {
    id: n.id,
    status: n.status,
    lifecycle: n.lifecycle,
    admin_url: n.adminUrl,
    http_address: n.httpAddress,
    https_address: n.httpsAddress,
    availability_zone: n.availabilityZone,
    instance_id: n.instanceId,
    desired_fingerprint: n.desiredFingerprint,
    observed_fingerprint: n.observedFingerprint,
    synced_generation: n.syncedGeneration,
    last_synced_at: iso(n.lastSyncedAt),
    last_push_at: iso(n.lastPushAt),
    last_error: n.lastError ? { code: n.lastError.code, message: n.lastError.message, at: iso(n.lastError.at) } : null,
    attempts: n.attempts,
    admin_latency_ms: n.adminLatencyMs,
  };
}

const nodeJson = z.object({
  id: z.string(),
  status: z.enum(NODE_SYNC_STATUSES),
  lifecycle: z.enum(['running', 'starting', 'draining', 'stopped']),
  admin_url: z.string(),
  http_address: z.string().nullable(),
  https_address: z.string().nullable(),
  availability_zone: z.string().nullable(),
  instance_id: z.string().nullable(),
  desired_fingerprint: z.string().nullable(),
  observed_fingerprint: z.string().nullable(),
  synced_generation: z.number().int().nullable(),
  last_synced_at: z.iso.datetime().nullable(),
  last_push_at: z.iso.datetime().nullable(),
  last_error: z.object({ code: z.string(), message: z.string(), at: z.iso.datetime().nullable() }).nullable(),
  attempts: z.number().int(),
  admin_latency_ms: z.number().nullable(),
});
const acceleratorJson = z
  .object({
    endpoint_group_arn: z.string(),
    at: z.iso.datetime(),
    dry_run: z.boolean(),
    changed: z.boolean(),
    applied: z.boolean(),
    error: z.string().nullable(),
    plan: z.array(
      z.object({
        endpoint_id: z.string(),
        action: z.enum(['add', 'drain', 'restore', 'repair', 'remove', 'unchanged', 'wait']),
        reason: z.string(),
        weight_before: z.number().nullable(),
        weight_after: z.number().nullable(),
      }),
    ),
    endpoints: z.array(z.object({ endpoint_id: z.string(), weight: z.number(), client_ip_preservation: z.boolean() })),
  })
  .nullable();
const fleetJson = z.object({
  generation: z.number().int(),
  accelerator: acceleratorJson,
  membership: z.object({ stale: z.boolean(), observed_at: z.iso.datetime(), error: z.string().nullable() }),
  nodes: z.array(nodeJson),
});
const diffJsonSchema = z.object({
  node: z.string(),
  in_sync: z.boolean(),
  differences: z.array(z.object({ path: z.string(), desired: z.unknown(), observed: z.unknown() })),
});
const reconcileJson = z.object({
  started_at: z.iso.datetime(),
  finished_at: z.iso.datetime(),
  generation: z.number().int(),
  nodes: z.array(
    z.object({ id: z.string(), status: z.enum(NODE_SYNC_STATUSES), action: z.string(), error: z.string().optional() }),
  ),
});
const nodeParam = z.object({ id: z.string().max(128) });

function resultToJson(r: ReconcileResult) {
  return {
    started_at: new Date(r.startedAt).toISOString(),
    finished_at: new Date(r.finishedAt).toISOString(),
    generation: r.generation,
    nodes: r.nodes,
  };
}

/** `/v1/fleet`: per-node sync status, drift diffs, and a manual reconcile. */
export function fleetRoutes(deps: FleetRoutesDeps, docs: ApiDocs): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  docs.add({
    method: 'get',
    path: '/v1/fleet',
    summary: 'Every Caddy node with its config sync status',
    tags: ['fleet'],
    auth: 'bearer',
    responses: { 200: { description: 'The fleet', schema: fleetJson } },
  });
  app.get('/', (c) => {
    const m = deps.membership();
    return c.json({
      generation: deps.generation(),
      accelerator: acceleratorToJson(deps.accelerator?.()),
      membership: { stale: m.stale, observed_at: m.observedAt.toISOString(), error: m.error ?? null },
      nodes: deps.fleet.nodes().map(nodeToJson),
    });
  });
  docs.add({
    method: 'get',
    path: '/v1/fleet/nodes/{id}/diff',
    summary: "Desired vs the node's live config, as JSON paths with both values",
    tags: ['fleet'],
    auth: 'bearer',
    params: nodeParam,
    responses: { 200: { description: 'The differences', schema: diffJsonSchema } },
    problems: [404, 502],
  });
  app.get('/nodes/:id/diff', async (c) => {
    const id = c.req.param('id');
    const differences = await deps.fleet.diff(id);
    return c.json({ node: id, in_sync: differences.length === 0, differences });
  });
  docs.add({
    method: 'post',
    path: '/v1/fleet/reconcile',
    summary: 'Run a reconcile pass now and return its result',
    tags: ['fleet'],
    auth: 'bearer',
    responses: { 200: { description: 'The pass result', schema: reconcileJson } },
    problems: [503],
  });
  app.post('/reconcile', async (c) => c.json(resultToJson(await deps.fleet.reconcileNow())));
  return app;
}

const storageJson = z.object({
  kind: z.enum(['efs', 'local']),
  ok: z.boolean(),
  checked_at: z.iso.datetime(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
  error: z.string().nullable(),
});

/** `GET /v1/fleet/storage`: the health of the shared certificate storage. */
export function storageRoute(
  probe: { kind: 'efs' | 'local'; probe: StorageProbe },
  membership: () => Membership,
  docs: ApiDocs,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  docs.add({
    method: 'get',
    path: '/v1/fleet/storage',
    summary: 'Health of the shared certificate storage (EFS state, mount targets per AZ, access point, backups)',
    tags: ['fleet'],
    auth: 'bearer',
    responses: { 200: { description: 'The storage report', schema: storageJson } },
  });
  app.get('/', async (c) => {
    const azs = [
      ...new Set(membership().nodes.flatMap((n) => (n.availabilityZone ? [n.availabilityZone] : []))),
    ].sort();
    const r = await probe.probe.probe(azs, AbortSignal.timeout(15_000));
    return c.json({
      kind: probe.kind,
      ok: r.ok,
      checked_at: r.checkedAt.toISOString(),
      checks: r.checks,
      error: r.error ?? null,
    });
  });
  return app;
}
