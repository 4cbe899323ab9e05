import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapConfig, bootstrapEnv } from '../caddy-config/bootstrap.ts';
import { CaddyProcess } from '../control-plane/fleet/caddy-process.ts';
import { NODE_TOKEN, startTestDaemon, waitFor } from './helpers/daemon.ts';
import { freePorts } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-fleet-bootstrap-');
let t: Awaited<ReturnType<typeof startTestDaemon>>;
let caddy: CaddyProcess | undefined;
let admin: number;

beforeAll(async () => {
  const [a, http, https] = await freePorts(3);
  admin = a!;
  t = await startTestDaemon(dir.path, {
    discovery: 'static',
    nodes: [
      { id: 'boot-0', admin: `http://127.0.0.1:${admin}`, http: `127.0.0.1:${http}`, https: `127.0.0.1:${https}` },
    ],
  });
});
afterAll(async () => {
  await caddy?.stop();
  await t?.daemon.stop();
  dir.cleanup();
});

describe('bootstrap by pull', () => {
  it('refuses a config pull without the node token, or for an unknown node', async () => {
    const url = `${t.base}/caddy/config?node=boot-0`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const unknown = await fetch(`${t.base}/caddy/config?node=nobody`, {
      headers: { authorization: `Bearer ${NODE_TOKEN}` },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
  });

  it('a new node started with caddy-config/bootstrap.json pulls its full config from the daemon and is in sync without a push', async () => {
    // the daemon's first pass found nothing to reach
    await t.api('POST', '/v1/fleet/reconcile');
    expect((await t.api('GET', '/v1/fleet')).body.nodes[0].status).toBe('unreachable');

    caddy = new CaddyProcess({
      id: 'boot-0',
      workDir: join(dir.path, 'boot-0'),
      adminUrl: `http://127.0.0.1:${admin}`,
      config: bootstrapConfig(),
      env: bootstrapEnv({
        adminListen: `127.0.0.1:${admin}`,
        configUrl: `${t.base}/caddy/config?node=boot-0`,
        nodeToken: NODE_TOKEN,
      }),
    });
    await caddy.start();
    // Caddy 2.6.2 pulls after load_delay (5 s) and its own retry loop
    const pulled = await waitFor(
      async () => {
        const live = await fetch(`http://127.0.0.1:${admin}/config/apps`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.json(),
          () => null,
        );
        return live !== null && typeof live === 'object';
      },
      40_000,
      500,
    );
    expect(pulled).toBe(true);
    const pass = await t.api('POST', '/v1/fleet/reconcile');
    expect(pass.body.nodes[0]).toMatchObject({ id: 'boot-0', status: 'in_sync', action: 'none' });
  }, 60_000);
});
