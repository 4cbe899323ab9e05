import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, waitFor } from './helpers/daemon.ts';
import { startDnsServer, type TestDnsServer } from './helpers/dns-server.ts';
import { type EchoReply, type EchoUpstream, requestEdge, startEchoUpstream } from './helpers/echo-upstream.ts';
import { type Pebble, startPebble } from './helpers/pebble.ts';
import { tempDir } from './helpers/temp-dir.ts';

/** `count` consecutive free TCP ports on 127.0.0.1 (the local fleet's base-port layout needs them). */
async function consecutiveFreePorts(count: number): Promise<number> {
  const tryBind = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await tryBind(p);
    if (ok) return base;
  }
  throw new Error('no run of free ports found');
}

const dir = tempDir('caddy-fleet-acme-');
let dns: TestDnsServer;
let pebble: Pebble;
let blue: EchoUpstream;
let fallback: EchoUpstream;
let base: number;
let t: Awaited<ReturnType<typeof startTestDaemon>>;
const httpsPort = (i: number) => base + 3 * i + 2;
const storage = () => join(dir.path, 'storage');

function issuedDirs(name: string): string[] {
  const root = join(storage(), 'certificates');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((issuer) => existsSync(join(root, issuer, name)));
}

async function get(node: number, name: string, headers: Record<string, string> = {}) {
  return requestEdge({ port: httpsPort(node), servername: name, ca: pebble.issuingRoot, headers, timeoutMs: 20_000 });
}

async function ask(name: string): Promise<number> {
  const res = await fetch(`http://${t.daemon.askAddress}/ask?domain=${name}`, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  [blue, fallback] = await Promise.all([startEchoUpstream('blue'), startEchoUpstream('default')]);
  dns = await startDnsServer();
  for (const name of ['shop.customer.com', 'plain.customer.com', 'nobody.customer.com'])
    await dns.addA(name, ['127.0.0.1']);
  base = await consecutiveFreePorts(9);
  pebble = await startPebble({ dir: dir.path, dnsServer: dns.address, httpPort: base + 1, tlsPort: base + 2 });
  t = await startTestDaemon(dir.path, {
    discovery: 'local',
    localNodes: 3,
    localBasePort: base,
    issuer: pebble.directory,
    acmeCaRoot: pebble.apiCaFile,
    acmeEmail: 'ops@customer-platform.com',
    acmeHttpPort: base + 1,
    acmeTlsPort: base + 2,
    defaultUpstream: fallback.dial,
    upstreams: { blue: blue.dial },
    reconcileInterval: 1_000,
  });
}, 120_000);

afterAll(async () => {
  await t?.daemon.stop();
  await pebble?.stop();
  await dns?.stop();
  await Promise.all([blue?.close(), fallback?.close()]);
  dir.cleanup();
});

describe('a local fleet of three Caddy nodes issuing from a real ACME server (pebble)', () => {
  it('converges all three nodes at start', async () => {
    const ok = await waitFor(async () => {
      const f = (await t.api('GET', '/v1/fleet')).body;
      return f.nodes.length === 3 && f.nodes.every((n: { status: string }) => n.status === 'in_sync');
    }, 30_000);
    expect(ok).toBe(true);
  });

  it('serves a new domain on every node with one certificate ordered on demand', async () => {
    const orders = pebble.orders();
    expect((await t.api('POST', '/v1/domains', { hostname: 'shop.customer.com', upstream: 'blue' })).status).toBe(201);
    await waitFor(async () =>
      (await t.api('GET', '/v1/fleet')).body.nodes.every(
        (n: { synced_generation: number; status: string }) => n.status === 'in_sync' && n.synced_generation >= 1,
      ),
    );
    for (const node of [0, 1, 2]) {
      const res = await get(node, 'shop.customer.com', { 'x-forwarded-for': '1.2.3.4' });
      expect(res.status, `node ${node}`).toBe(200);
      const echo = JSON.parse(res.body) as EchoReply;
      expect(echo.upstream).toBe('blue');
      expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(echo.headers['x-forwarded-proto']).toBe('https');
    }
    expect(pebble.orders() - orders).toBe(1);
    expect(issuedDirs('shop.customer.com')).toHaveLength(1);
  });

  it('refuses the handshake for an unknown name: ask says no, pebble gets no order', async () => {
    const orders = pebble.orders();
    expect(await ask('nobody.customer.com')).toBe(404);
    await expect(get(0, 'nobody.customer.com')).rejects.toThrow();
    expect(pebble.orders()).toBe(orders);
  });

  it('serves a default-upstream domain through the catch-all without a config change', async () => {
    const g = (await t.api('GET', '/v1/fleet')).body.generation;
    expect((await t.api('POST', '/v1/domains', { hostname: 'plain.customer.com' })).status).toBe(201);
    const res = await get(2, 'plain.customer.com');
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as EchoReply).upstream).toBe('default');
    expect((await t.api('GET', '/v1/fleet')).body.generation).toBe(g);
  });

  it('removes domains: ask denies at once, certificates leave storage, and no node serves them after the reload', async () => {
    for (const name of ['shop.customer.com', 'plain.customer.com']) {
      for (const node of [0, 1, 2]) expect((await get(node, name)).status).toBe(200);
      expect((await t.api('DELETE', `/v1/domains/${name}`)).status).toBe(204);
      expect(await ask(name)).toBe(404);
    }
    const orders = pebble.orders();
    const gone = await waitFor(
      () => issuedDirs('shop.customer.com').length === 0 && issuedDirs('plain.customer.com').length === 0,
      20_000,
    );
    expect(gone).toBe(true);
    await t.api('POST', '/v1/fleet/reconcile');
    for (const name of ['shop.customer.com', 'plain.customer.com']) {
      for (const node of [0, 1, 2]) await expect(get(node, name), `${name} on node ${node}`).rejects.toThrow();
    }
    expect(pebble.orders()).toBe(orders);
  });
});
