import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSink, EventType } from '../control-plane/events/event-sink.ts';
import { FakeAcceleratorEndpoints } from '../control-plane/fleet/accelerator-endpoints.ts';
import { CaddyProcess } from '../control-plane/fleet/caddy-process.ts';
import { startCaddyNodes, type TestCaddyNode } from './helpers/caddy-nodes.ts';
import { startTestDaemon, waitFor } from './helpers/daemon.ts';
import { type EchoReply, type EchoUpstream, requestEdge, startEchoUpstream } from './helpers/echo-upstream.ts';
import { freePorts } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-fleet-reconcile-');
const emitted: { type: EventType; data: Record<string, unknown> }[] = [];
const sink: EventSink = { emit: (type, data) => emitted.push({ type, data }) };
const accelerator = new FakeAcceleratorEndpoints();
let nodes: TestCaddyNode[];
let blue: EchoUpstream;
let fallback: EchoUpstream;
let t: Awaited<ReturnType<typeof startTestDaemon>>;

function loadsIn(node: { process: CaddyProcess }): number {
  return readFileSync(node.process.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"uri":"/load"')).length;
}

async function fleet() {
  return (await t.api('GET', '/v1/fleet')).body as {
    generation: number;
    nodes: { id: string; status: string; last_error: { code: string; message: string } | null }[];
  };
}

function rootCa(): string {
  return readFileSync(join(dir.path, 'storage', 'pki', 'authorities', 'local', 'root.crt'), 'utf8');
}

beforeAll(async () => {
  [blue, fallback] = await Promise.all([startEchoUpstream('blue'), startEchoUpstream('default')]);
  nodes = await startCaddyNodes(dir.path, 3);
  t = await startTestDaemon(
    dir.path,
    {
      discovery: 'static',
      nodes: nodes.map((n) => ({
        id: n.id,
        admin: `http://127.0.0.1:${n.admin}`,
        http: `127.0.0.1:${n.http}`,
        https: `127.0.0.1:${n.https}`,
      })),
      defaultUpstream: fallback.dial,
      upstreams: { blue: blue.dial },
      onDemandRateBurst: 1000,
    },
    { events: sink, accelerator },
  );
});

afterAll(async () => {
  await t?.daemon.stop();
  await Promise.all(nodes.map((n) => n.process.stop()));
  await Promise.all([blue.close(), fallback.close()]);
  dir.cleanup();
});

describe('fleet reconciler on real Caddy nodes', () => {
  it('converges every node at start', async () => {
    const f = await waitFor(async () => {
      const current = await fleet();
      return current.nodes.length === 3 && current.nodes.every((n) => n.status === 'in_sync') ? current : undefined;
    });
    expect(f?.nodes.map((n) => n.id)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(emitted.filter((e) => e.type === 'node.in_sync')).toHaveLength(3);
  });

  it('hands every pass’s membership and sync statuses to the accelerator adapter', async () => {
    await t.api('POST', '/v1/fleet/reconcile');
    const last = accelerator.calls.at(-1)!;
    expect(last.membership.nodes.map((n) => n.id)).toEqual(['node-0', 'node-1', 'node-2']);
    expect([...last.syncStatus.values()]).toEqual(['in_sync', 'in_sync', 'in_sync']);
    const f = (await t.api('GET', '/v1/fleet')).body;
    expect(f.accelerator).toMatchObject({
      dry_run: false,
      error: null,
      plan: expect.any(Array),
      endpoints: expect.any(Array),
    });
  });

  it('routes a new domain with a named upstream on every node after one batched reload', async () => {
    const before = nodes.map(loadsIn);
    const driftEvents = emitted.filter((e) => e.type === 'node.drifted').length;
    const g0 = (await fleet()).generation;
    expect((await t.api('POST', '/v1/domains', { hostname: 'shop.customer.com', upstream: 'blue' })).status).toBe(201);
    await waitFor(async () => {
      const f = await fleet();
      return f.generation > g0 && f.nodes.every((n) => n.status === 'in_sync') ? f : undefined;
    });
    await waitFor(async () => nodes.every((n, i) => loadsIn(n) > before[i]!));
    for (const n of nodes) {
      const res = await requestEdge({
        port: n.https,
        servername: 'shop.customer.com',
        ca: rootCa(),
        path: '/x',
        headers: { 'x-forwarded-for': '1.2.3.4' },
      });
      expect(res.status, n.id).toBe(200);
      const echo = JSON.parse(res.body) as EchoReply;
      expect(echo.upstream).toBe('blue');
      expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    }
    // applying a config change is not drift: no node.drifted event
    expect(emitted.filter((e) => e.type === 'node.drifted')).toHaveLength(driftEvents);
  });

  it('adds a default-upstream domain without any reload', async () => {
    const before = nodes.map(loadsIn);
    const g0 = (await fleet()).generation;
    expect((await t.api('POST', '/v1/domains', { hostname: 'plain.customer.com' })).status).toBe(201);
    await t.api('POST', '/v1/fleet/reconcile');
    expect((await fleet()).generation).toBe(g0);
    const res = await requestEdge({ port: nodes[1]!.https, servername: 'plain.customer.com', ca: rootCa() });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as EchoReply).upstream).toBe('default');
    expect(nodes.map(loadsIn)).toEqual(before);
  });

  it('shows a manual edit on one node as drift with a diff, then repairs it', async () => {
    const target = nodes[1]!;
    const res = await fetch(`http://127.0.0.1:${target.admin}/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ admin: { listen: `127.0.0.1:${target.admin}`, config: { persist: false } } }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    const diff = await t.api('GET', `/v1/fleet/nodes/${target.id}/diff`);
    expect(diff.status).toBe(200);
    expect(diff.body.in_sync).toBe(false);
    expect(diff.body.differences).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/apps' })]));
    const pass = await t.api('POST', '/v1/fleet/reconcile');
    expect(pass.body.nodes.find((n: { id: string }) => n.id === target.id)).toMatchObject({
      action: 'pushed',
      status: 'in_sync',
    });
    expect(emitted.some((e) => e.type === 'node.drifted' && e.data.node === target.id)).toBe(true);
    expect((await t.api('GET', `/v1/fleet/nodes/${target.id}/diff`)).body).toMatchObject({
      in_sync: true,
      differences: [],
    });
  });

  it('marks a killed node unreachable while the others stay in sync, and repairs it after a restart without --resume', async () => {
    const victim = nodes[2]!;
    victim.process.kill('SIGKILL');
    await waitFor(() => !victim.process.running);
    await t.api('POST', '/v1/fleet/reconcile');
    const f = await fleet();
    expect(f.nodes.find((n) => n.id === victim.id)).toMatchObject({
      status: 'unreachable',
      last_error: { code: 'CADDY_UNREACHABLE' },
    });
    expect(f.nodes.filter((n) => n.id !== victim.id).every((n) => n.status === 'in_sync')).toBe(true);
    expect(emitted.some((e) => e.type === 'node.unreachable' && e.data.node === victim.id)).toBe(true);

    await victim.replace().start();
    await t.api('POST', '/v1/fleet/reconcile');
    expect((await fleet()).nodes.find((n) => n.id === victim.id)?.status).toBe('in_sync');
    const res = await requestEdge({ port: victim.https, servername: 'shop.customer.com', ca: rootCa() });
    expect((JSON.parse(res.body) as EchoReply).upstream).toBe('blue');
  });

  it('turns a burst of 1,000 config-changing writes into a handful of reloads per node', async () => {
    const before = nodes.map(loadsIn);
    const writes = Array.from({ length: 1000 }, (_, i) =>
      t.api('PUT', `/v1/domains/burst${i}.customer.com`, { upstream: 'blue' }).then((r) => r.status),
    );
    const statuses = await Promise.all(writes);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const g = (await fleet()).generation;
    await waitFor(async () => {
      const f = await fleet();
      return (
        f.nodes.every((n) => n.status === 'in_sync') && (await t.api('GET', `/v1/fleet/nodes/node-0/diff`)).body.in_sync
      );
    });
    await t.api('POST', '/v1/fleet/reconcile');
    const reloads = nodes.map((n, i) => loadsIn(n) - before[i]!);
    for (const r of reloads) {
      expect(r).toBeGreaterThanOrEqual(1);
      expect(r).toBeLessThanOrEqual(5);
    }
    expect(g).toBeGreaterThan(1000);
    const res = await requestEdge({ port: nodes[0]!.https, servername: 'burst999.customer.com', ca: rootCa() });
    expect((JSON.parse(res.body) as EchoReply).upstream).toBe('blue');
  });
});

describe('a config Caddy rejects', () => {
  const rdir = tempDir('caddy-fleet-rejected-');
  let blocker: Server;
  let node: { id: string; admin: number; process: CaddyProcess };
  let r: Awaited<ReturnType<typeof startTestDaemon>>;

  beforeAll(async () => {
    const [admin, http, https] = await freePorts(3);
    // Something else holds the node's HTTPS port: Caddy refuses any config that listens there.
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(https, '127.0.0.1', resolve));
    const process = new CaddyProcess({
      id: 'bad-0',
      workDir: join(rdir.path, 'bad-0'),
      adminUrl: `http://127.0.0.1:${admin}`,
      config: { admin: { listen: `127.0.0.1:${admin}`, config: { persist: false } } },
    });
    node = { id: 'bad-0', admin: admin!, process };
    await node.process.start();
    r = await startTestDaemon(rdir.path, {
      discovery: 'static',
      nodes: [
        { id: node.id, admin: `http://127.0.0.1:${admin}`, http: `127.0.0.1:${http}`, https: `127.0.0.1:${https}` },
      ],
    });
  });

  afterAll(async () => {
    await r?.daemon.stop();
    await node.process.stop();
    await new Promise((resolve) => blocker.close(resolve));
    rdir.cleanup();
  });

  it("leaves the node on its previous config, reports Caddy's message, and does not retry", async () => {
    const first = await r.api('POST', '/v1/fleet/reconcile');
    expect(first.body.nodes[0]).toMatchObject({ id: 'bad-0', status: 'rejected' });
    const f = (await r.api('GET', '/v1/fleet')).body;
    expect(f.nodes[0].last_error.code).toBe('CADDY_LOAD_REJECTED');
    expect(f.nodes[0].last_error.message).toMatch(/address already in use/);
    const loads = loadsIn(node);
    for (let i = 0; i < 3; i++) await r.api('POST', '/v1/fleet/reconcile');
    expect(loadsIn(node)).toBe(loads);
    expect((await r.api('GET', '/v1/fleet')).body.nodes[0].status).toBe('rejected');
    // the previous (admin-only) config still runs
    const live = await fetch(`http://127.0.0.1:${node.admin}/config/`, { signal: AbortSignal.timeout(5000) });
    expect(await live.json()).toEqual({ admin: { listen: `127.0.0.1:${node.admin}`, config: { persist: false } } });
  });
});
