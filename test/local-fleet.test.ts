import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalNodeDiscovery } from '../control-plane/fleet/local-discovery.ts';
import { API_TOKEN, startTestDaemon, waitFor } from './helpers/daemon.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-fleet-local-');
let t: Awaited<ReturnType<typeof startTestDaemon>>;
let local: LocalNodeDiscovery;

const statuses = async () =>
  ((await t.api('GET', '/v1/fleet')).body.nodes as { id: string; status: string }[]).map((n) => `${n.id}:${n.status}`);

beforeAll(async () => {
  t = await startTestDaemon(dir.path, { discovery: 'local', localNodes: 2, reconcileInterval: 500 });
  local = t.daemon.adapters.discovery as LocalNodeDiscovery;
});
afterAll(async () => {
  await t?.daemon.stop();
  dir.cleanup();
});

describe('the embedded local fleet', () => {
  it('starts the configured number of Caddy children and brings them in sync', async () => {
    const ok = await waitFor(async () => (await statuses()).join() === 'local-0:in_sync,local-1:in_sync', 20_000);
    expect(ok).toBe(true);
  });

  it('restarts a child that dies and repairs its config', async () => {
    const victim = local.processOf('local-1')!;
    const pid = victim.pid;
    victim.kill('SIGKILL');
    const back = await waitFor(() => victim.running && victim.pid !== pid, 20_000);
    expect(back).toBe(true);
    const repaired = await waitFor(async () => {
      const diff = await t.api('GET', '/v1/fleet/nodes/local-1/diff');
      return diff.status === 200 && diff.body.in_sync === true;
    }, 20_000);
    expect(repaired).toBe(true);
    expect(await statuses()).toEqual(['local-0:in_sync', 'local-1:in_sync']);
  });

  it('reports the shared storage root as healthy', async () => {
    const r = await t.api('GET', '/v1/fleet/storage');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'local', ok: true });
    expect(r.body.checks.map((c: { name: string }) => c.name)).toEqual(['storage-root', 'writable', 'free-space']);
  });

  it('documents every API route of the running daemon in its OpenAPI document', async () => {
    const doc = await (await fetch(`${t.base}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/v1/domains',
      '/v1/domains/{hostname}',
      '/v1/domains/bulk',
      '/v1/domains/{hostname}/events',
      '/v1/domains/{hostname}/verification',
      '/v1/domains/{hostname}/verify',
      '/v1/domains/{hostname}/certificate',
      '/v1/certificates',
      '/v1/certificates/{hostname}',
      '/v1/fleet',
      '/v1/fleet/nodes/{id}/diff',
      '/v1/fleet/reconcile',
      '/v1/fleet/storage',
      '/v1/events',
      '/v1/webhooks/deliveries',
      '/caddy/config',
      '/metrics',
      '/healthz',
      '/readyz',
    ]) {
      expect(paths, p).toContain(p);
    }
    // every documented operation answers something other than "no route"
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace('{hostname}', 'doc-check.example.com').replace('{id}', 'local-0');
        const res = await fetch(`${t.base}${url}`, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${API_TOKEN}` },
        });
        const body = await res.text();
        expect(body.includes('"code":"NOT_FOUND"'), `${method} ${path}: ${res.status} ${body.slice(0, 200)}`).toBe(
          false,
        );
      }
    }
  });

  it('stops every child on shutdown', async () => {
    const procs = ['local-0', 'local-1'].map((id) => local.processOf(id)!);
    await t.daemon.stop();
    expect(procs.every((p) => !p.running)).toBe(true);
    t = undefined as never;
  });
});
