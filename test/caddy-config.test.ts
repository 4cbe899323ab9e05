import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaddyAdminClient } from '../caddy-config/admin-client.ts';
import { buildCaddyConfig } from '../caddy-config/build-config.ts';
import { fingerprint } from '../caddy-config/fingerprint.ts';
import type { BuildSettings, NodeSettings, RoutedDomain } from '../caddy-config/settings.ts';
import { AppError } from '../control-plane/errors.ts';
import { CaddyProcess } from '../control-plane/fleet/caddy-process.ts';
import type { Hostname, NodeId } from '../control-plane/types.ts';
import { type AskServer, startAskServer } from './helpers/ask-server.ts';
import { type EchoReply, type EchoUpstream, requestEdge, startEchoUpstream } from './helpers/echo-upstream.ts';
import { freePorts } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-config-');
let ask: AskServer;
let blue: EchoUpstream;
let green: EchoUpstream;
let fallback: EchoUpstream;
let caddy: CaddyProcess;
let client: CaddyAdminClient;
let settings: BuildSettings;
let node: NodeSettings;
let rootCa: string;

const routed = (hostname: string, upstream: string): RoutedDomain => ({ hostname: hostname as Hostname, upstream });
const domains = [routed('one.test', 'blue'), routed('two.test', 'green'), routed('three.test', 'blue')];

beforeAll(async () => {
  ask = await startAskServer({ allowed: ['one.test', 'two.test', 'three.test', 'plain.test'] });
  [blue, green, fallback] = await Promise.all([
    startEchoUpstream('blue'),
    startEchoUpstream('green'),
    startEchoUpstream('default'),
  ]);
  const [adminPort, httpPort, httpsPort] = await freePorts(3);
  const storageRoot = join(dir.path, 'storage');
  settings = {
    askUrl: ask.url,
    issuers: [{ module: 'internal' }],
    onDemandRateLimit: { interval: '1m', burst: 50 },
    storageRoot,
    defaultUpstream: { name: 'default', dial: fallback.dial, tls: false },
    upstreams: {
      blue: { name: 'blue', dial: blue.dial, tls: false },
      green: { name: 'green', dial: green.dial, tls: false },
    },
    headers: { customDomain: 'X-Custom-Domain', upstreamId: 'X-Caddy-Fleet-Upstream' },
    persistConfig: false,
  };
  node = {
    id: 'test-0' as NodeId,
    adminListen: `127.0.0.1:${adminPort}`,
    httpListen: `127.0.0.1:${httpPort}`,
    httpsListen: `127.0.0.1:${httpsPort}`,
    httpsRedirectPort: httpsPort,
  };
  caddy = new CaddyProcess({
    id: 'test-0',
    workDir: join(dir.path, 'node'),
    adminUrl: `http://${node.adminListen}`,
    config: { admin: { listen: node.adminListen, config: { persist: false } } },
  });
  await caddy.start();
  client = new CaddyAdminClient({ adminUrl: `http://${node.adminListen}` });
});

afterAll(async () => {
  await caddy?.stop();
  await client?.close();
  await Promise.all([ask, blue, green, fallback].map((s) => s?.close()));
  dir.cleanup();
});

const httpsPort = () => Number(node.httpsListen.split(':')[1]);
const httpPort = () => Number(node.httpListen.split(':')[1]);

async function viaEdge(servername: string, extra: { host?: string; headers?: Record<string, string> } = {}) {
  return requestEdge({ port: httpsPort(), servername, ca: rootCa, path: '/hello?q=1', ...extra });
}

describe('a built config on real Caddy', () => {
  it('loads with 2 named upstreams + default and reads back with the same fingerprint', async () => {
    const config = buildCaddyConfig(domains, settings, node);
    await client.load(config);
    expect(fingerprint(await client.getConfig())).toBe(fingerprint(config));
    rootCa = readFileSync(join(settings.storageRoot, 'pki/authorities/local/root.crt'), 'utf8');
    expect(rootCa).toContain('BEGIN CERTIFICATE');
  });

  it('routes a named domain to its upstream with trusted forwarding headers', async () => {
    const res = await viaEdge('one.test', { headers: { 'X-Forwarded-For': '1.2.3.4', 'X-Forwarded-Proto': 'http' } });
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body) as EchoReply;
    expect(echo.upstream).toBe('blue');
    expect(echo.url).toBe('/hello?q=1');
    expect(echo.headers.host).toBe('one.test');
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('https');
    expect(echo.headers['x-custom-domain']).toBe('one.test');
    expect(echo.headers['x-caddy-fleet-upstream']).toBe('blue');

    const two = JSON.parse((await viaEdge('two.test')).body) as EchoReply;
    expect([two.upstream, two.headers['x-caddy-fleet-upstream']]).toEqual(['green', 'green']);
  });

  it('sends an unrouted but allowed name to the default upstream', async () => {
    const res = await viaEdge('plain.test', { headers: { 'X-Custom-Domain': 'evil.test' } });
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body) as EchoReply;
    expect(echo.upstream).toBe('default');
    expect(echo.headers['x-custom-domain']).toBe('plain.test');
    expect(echo.headers['x-caddy-fleet-upstream']).toBe('default');
  });

  it('answers 421 when Host differs from SNI, without reaching an upstream', async () => {
    const seen = green.requests.length;
    const res = await viaEdge('one.test', { host: 'two.test' });
    expect(res.status).toBe(421);
    expect(green.requests.length).toBe(seen);
  });

  it('serves /health on the HTTP port and redirects everything else with 308', async () => {
    const health = await requestEdge({ port: httpPort(), servername: 'one.test', path: '/health', tls: false });
    expect([health.status, health.body]).toEqual([200, 'ok']);
    const other = await requestEdge({ port: httpPort(), servername: 'one.test', path: '/foo?x=1', tls: false });
    expect(other.status).toBe(308);
    expect(other.headers.location).toBe(`https://one.test:${httpsPort()}/foo?x=1`);
  });

  it('fails the handshake for a name ask denies', async () => {
    await expect(viaEdge('denied.test')).rejects.toThrow();
    expect(ask.calls).toContainEqual({ domain: 'denied.test', status: 404 });
  });

  it('keeps serving the old config when Caddy rejects a new one', async () => {
    const good = buildCaddyConfig(domains, settings, node);
    const bad = { ...good, apps: { ...good.apps, http: { ...good.apps.http, bogus_field: true } } };
    const err = await client.load(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CADDY_LOAD_REJECTED');
    expect((err as AppError).retryable).toBe(false);
    expect(String((err as AppError).details?.caddyMessage)).toContain('unknown field "bogus_field"');
    expect(fingerprint(await client.getConfig())).toBe(fingerprint(good));
    expect(JSON.parse((await viaEdge('three.test')).body)).toMatchObject({ upstream: 'blue' });
  });

  it('coalesces queued loads: only the latest config is sent after the one in flight', async () => {
    const loadsBefore = countLoads();
    const configs = [1, 2, 3].map((n) =>
      buildCaddyConfig([...domains, routed(`extra${n}.test`, 'green')], settings, node),
    );
    await Promise.all(configs.map((config, i) => client.load(config, { force: i === 0 })));
    expect(fingerprint(await client.getConfig())).toBe(fingerprint(configs[2]));
    expect(countLoads() - loadsBefore).toBe(2);
  });

  it('lets a queued caller abort without cancelling the load in flight', async () => {
    const loadsBefore = countLoads();
    const current = buildCaddyConfig(domains, settings, node);
    const queued = new AbortController();
    const first = client.load(current, { force: true });
    const second = client.load(buildCaddyConfig([], settings, node), { signal: queued.signal });
    queued.abort(new Error('caller gave up'));
    await expect(second).rejects.toThrow('caller gave up');
    await first;
    await expect(client.load(current, { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
    expect(countLoads() - loadsBefore).toBe(1);
    expect(fingerprint(await client.getConfig())).toBe(fingerprint(current));
  });

  it('reports a stopped node as CADDY_UNREACHABLE (retryable)', async () => {
    await caddy.stop();
    for (const attempt of [() => client.load({}), () => client.getConfig()]) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('CADDY_UNREACHABLE');
      expect((err as AppError).retryable).toBe(true);
    }
  });
});

/** Caddy logs every admin request; count the `/load` ones it received. */
function countLoads(): number {
  return readFileSync(caddy.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"msg":"received request"') && line.includes('"uri":"/load"')).length;
}
