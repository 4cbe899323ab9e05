import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaddyAdminClient } from '../caddy-config/admin-client.ts';
import { bootstrapConfig, bootstrapEnv } from '../caddy-config/bootstrap.ts';
import { buildCaddyConfig } from '../caddy-config/build-config.ts';
import { fingerprint } from '../caddy-config/fingerprint.ts';
import type { CaddyConfig } from '../caddy-config/types.ts';
import { CaddyProcess } from '../control-plane/fleet/caddy-process.ts';
import type { Hostname, NodeId } from '../control-plane/types.ts';
import { type AskServer, startAskServer } from './helpers/ask-server.ts';
import { type EchoUpstream, requestEdge, startEchoUpstream } from './helpers/echo-upstream.ts';
import { closeServer, freePorts, listenOnLoopback } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const TOKEN = 'node-token-for-tests';
const FAILING_CALLS = 10; // one whole 2.6.2 loader cycle fails: Caddy must stay up and try again later
const dir = tempDir('caddy-bootstrap-');
const calls: { url: string; authorization: string | undefined; status: number }[] = [];
const configServer = createServer((req, res) => {
  const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
  const status = !authorized ? 401 : calls.length < FAILING_CALLS ? 503 : 200;
  calls.push({ url: req.url ?? '', authorization: req.headers.authorization, status });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(status === 200 ? JSON.stringify(full) : '{"error":"not ready"}');
});
let full: CaddyConfig;
let ask: AskServer;
let upstream: EchoUpstream;
let caddy: CaddyProcess;
let client: CaddyAdminClient;
let httpsPort: number;

beforeAll(async () => {
  ask = await startAskServer({ allowAll: true });
  upstream = await startEchoUpstream('default');
  const configPort = await listenOnLoopback(configServer);
  const [adminPort, httpPort, tlsPort] = await freePorts(3);
  httpsPort = tlsPort!;
  const adminListen = `127.0.0.1:${adminPort}`;
  full = buildCaddyConfig(
    [{ hostname: 'pulled.test' as Hostname, upstream: 'default' }],
    {
      askUrl: ask.url,
      issuers: [{ module: 'internal' }],
      onDemandRateLimit: { interval: '1m', burst: 10 },
      storageRoot: join(dir.path, 'storage'),
      defaultUpstream: { name: 'default', dial: upstream.dial, tls: false },
      upstreams: {},
      headers: { customDomain: 'X-Custom-Domain', upstreamId: 'X-Caddy-Fleet-Upstream' },
      persistConfig: true,
    },
    {
      id: 'boot-0' as NodeId,
      adminListen,
      httpListen: `127.0.0.1:${httpPort}`,
      httpsListen: `127.0.0.1:${httpsPort}`,
    },
  );
  caddy = new CaddyProcess({
    id: 'boot-0',
    workDir: join(dir.path, 'node'),
    adminUrl: `http://${adminListen}`,
    config: bootstrapConfig(),
    resume: true,
    env: bootstrapEnv({
      adminListen,
      configUrl: `http://127.0.0.1:${configPort}/caddy/config?node=boot-0`,
      nodeToken: TOKEN,
    }),
  });
  await caddy.start();
  client = new CaddyAdminClient({ adminUrl: `http://${adminListen}` });
});

afterAll(async () => {
  await caddy?.stop();
  await client?.close();
  await Promise.all([ask?.close(), upstream?.close(), closeServer(configServer)]);
  dir.cleanup();
});

describe('bootstrap.json on real Caddy', () => {
  it('boots with env placeholders expanded, survives a failing daemon, then pulls and serves the full config', async () => {
    // The admin API answered on the address from {env.CADDY_ADMIN_LISTEN}: start() polled it.
    expect(await client.getConfig()).toEqual(bootstrapConfig());

    let observed: unknown;
    for (let i = 0; i < 90 && fingerprint(observed) !== fingerprint(full); i++) {
      await delay(500);
      observed = await client.getConfig();
    }
    expect(fingerprint(observed)).toBe(fingerprint(full));
    expect(caddy.running).toBe(true);
    expect(calls.filter((c) => c.status === 503)).toHaveLength(FAILING_CALLS);
    for (const call of calls) {
      expect(call).toMatchObject({ url: '/caddy/config?node=boot-0', authorization: `Bearer ${TOKEN}` });
    }

    const res = await requestEdge({ port: httpsPort, servername: 'pulled.test', timeoutMs: 10_000, ca: rootCa() });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ upstream: 'default', headers: { 'x-custom-domain': 'pulled.test' } });
  });
});

function rootCa(): string {
  return readFileSync(join(dir.path, 'storage/pki/authorities/local/root.crt'), 'utf8');
}
