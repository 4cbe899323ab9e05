import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaddyAdminClient } from '../caddy-config/admin-client.ts';
import { buildCaddyConfig } from '../caddy-config/build-config.ts';
import type { BuildSettings, NodeSettings } from '../caddy-config/settings.ts';
import { removeCertificates, scanCertificates } from '../control-plane/certificates/cert-storage.ts';
import { probeCertificate } from '../control-plane/certificates/tls-probe.ts';
import { CaddyProcess } from '../control-plane/fleet/caddy-process.ts';
import type { NodeId } from '../control-plane/types.ts';
import { type AskServer, startAskServer } from './helpers/ask-server.ts';
import { type EchoUpstream, startEchoUpstream } from './helpers/echo-upstream.ts';
import { freePorts } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('cert-probe-');
const storageRoot = join(dir.path, 'storage');
let ask: AskServer;
let upstream: EchoUpstream;
let caddy: CaddyProcess;
let client: CaddyAdminClient;
let config: unknown;
let httpsPort: number;

beforeAll(async () => {
  ask = await startAskServer({ allowed: ['allowed.test'] });
  upstream = await startEchoUpstream('default');
  const [adminPort, httpPort, tlsPort] = await freePorts(3);
  httpsPort = tlsPort!;
  const settings: BuildSettings = {
    askUrl: ask.url,
    issuers: [{ module: 'internal' }],
    onDemandRateLimit: { interval: '1m', burst: 20 },
    storageRoot,
    defaultUpstream: { name: 'default', dial: upstream.dial, tls: false },
    upstreams: {},
    headers: { customDomain: 'X-Custom-Domain', upstreamId: 'X-Caddy-Fleet-Upstream' },
    persistConfig: false,
  };
  const node: NodeSettings = {
    id: 'probe-0' as NodeId,
    adminListen: `127.0.0.1:${adminPort}`,
    httpListen: `127.0.0.1:${httpPort}`,
    httpsListen: `127.0.0.1:${httpsPort}`,
    httpsRedirectPort: httpsPort,
  };
  config = buildCaddyConfig([], settings, node);
  caddy = new CaddyProcess({
    id: 'probe-0',
    workDir: join(dir.path, 'node'),
    adminUrl: `http://${node.adminListen}`,
    config,
  });
  await caddy.start();
  client = new CaddyAdminClient({ adminUrl: `http://${node.adminListen}` });
});

afterAll(async () => {
  await caddy?.stop();
  await client?.close();
  await Promise.all([ask, upstream].map((s) => s?.close()));
  dir.cleanup();
});

const probe = (servername: string) =>
  probeCertificate({ host: '127.0.0.1', port: httpsPort, servername, timeoutMs: 10_000 });

describe('TLS probe against a real Caddy node', () => {
  it('reads the certificate Caddy serves for an allowed name: the one in its storage', async () => {
    const served = await probe('allowed.test');
    if (!served.ok) throw new Error(`probe failed: ${served.code} ${served.message}`);
    expect(served.certificate.sans).toEqual(['allowed.test']);
    expect(served.certificate.issuer.commonName).toBe('Caddy Local Authority - ECC Intermediate');

    // Caddy stores the certificate before it answers the handshake; allow for a slow disk anyway.
    const crt = join(storageRoot, 'certificates', 'local', 'allowed.test', 'allowed.test.crt');
    for (let i = 0; i < 50 && !existsSync(crt); i++) await delay(100);
    const stored = (await scanCertificates(storageRoot)).filter((c) => c.hostname === 'allowed.test');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ issuerKey: 'local', error: null });
    expect(stored[0]!.info).toEqual(served.certificate);
  });

  it('reports a denied name as HANDSHAKE_FAILED, with nothing stored', async () => {
    const denied = await probe('denied.test');
    expect(denied.ok).toBe(false);
    expect(!denied.ok && denied.code).toBe('HANDSHAKE_FAILED');
    expect(ask.calls).toContainEqual({ domain: 'denied.test', status: 404 });
    expect((await scanCertificates(storageRoot)).map((c) => c.hostname)).not.toContain('denied.test');
  });

  it('after ask denies, files are removed and a forced reload runs, the name fails', async () => {
    ask.allowed.delete('allowed.test');
    // Caddy 2.6.2 still serves it from memory (and would from storage) without asking.
    expect((await probe('allowed.test')).ok).toBe(true);
    const removed = await removeCertificates(storageRoot, 'allowed.test');
    expect(removed).toEqual([join(storageRoot, 'certificates', 'local', 'allowed.test')]);
    await client.load(config, { force: true });
    const after = await probe('allowed.test');
    expect(!after.ok && after.code).toBe('HANDSHAKE_FAILED');
    expect(await scanCertificates(storageRoot)).toEqual([]);
  });
});
