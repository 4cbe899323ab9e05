import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalNodeDiscovery } from '../control-plane/fleet/local-discovery.ts';
import { startTestDaemon, waitFor } from './helpers/daemon.ts';
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

  it('stops every child on shutdown', async () => {
    const procs = ['local-0', 'local-1'].map((id) => local.processOf(id)!);
    await t.daemon.stop();
    expect(procs.every((p) => !p.running)).toBe(true);
    t = undefined as never;
  });
});
