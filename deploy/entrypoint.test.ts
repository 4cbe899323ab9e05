import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './test-support.ts';

// Runs deploy/caddy-node/entrypoint.sh against a fake IMDSv2 on loopback, with a stub `caddy` that records
// how it was started. Two toolsets: the host's (curl) and BusyBox only (what the Caddy image has: nc + wget).

const TOKEN = 'imds-token-123';
const tmp = mkdtempSync(join(tmpdir(), 'caddy-fleet-entrypoint-'));
const busyboxBin = join(tmp, 'busybox-bin');
const stub = join(tmp, 'caddy-stub');
const requests: { method: string; url: string; ttl?: string; token?: string }[] = [];
let imds: Server;
let imdsUrl: string;

function answer(req: IncomingMessage): [number, string] {
  const ttl = req.headers['x-aws-ec2-metadata-token-ttl-seconds'];
  const token = req.headers['x-aws-ec2-metadata-token'];
  requests.push({ method: req.method ?? '', url: req.url ?? '', ttl: ttl as string, token: token as string });
  if (req.url === '/latest/api/token') return req.method === 'PUT' && ttl ? [200, TOKEN] : [405, ''];
  if (token !== TOKEN) return [401, ''];
  if (req.url === '/latest/meta-data/instance-id') return [200, 'i-0123456789abcdef0'];
  if (req.url === '/latest/meta-data/local-ipv4') return [200, '10.40.0.17'];
  return [404, ''];
}

beforeAll(async () => {
  imds = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, body] = answer(req);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
  writeFileSync(
    stub,
    '#!/bin/sh\n{ echo "ARGS=$*"; echo "CONFIG_URL=$CADDY_FLEET_CONFIG_URL"; echo "ADMIN_LISTEN=$CADDY_ADMIN_LISTEN"; ' +
      'echo "NODE_ID=$CADDY_FLEET_NODE_ID"; } > "$STUB_OUT.env"\ncat "$3" > "$STUB_OUT.json"\n',
  );
  chmodSync(stub, 0o755);
  mkdirSync(busyboxBin);
  for (const applet of ['sh', 'nc', 'wget', 'sed', 'tr', 'printf', 'sleep', 'cat']) {
    symlinkSync('/usr/bin/busybox', join(busyboxBin, applet));
  }
});
afterAll(async () => {
  await new Promise<void>((resolve) => imds.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

const BOOTSTRAP = JSON.stringify({
  admin: { listen: '__ADMIN_LISTEN__', config: { load: { module: 'http', url: '{env.CADDY_FLEET_CONFIG_URL}' } } },
});

function run(name: string, shell: string, path: string, extra: Record<string, string> = {}) {
  const out = join(tmp, name);
  const env = {
    PATH: path,
    STUB_OUT: out,
    CADDY_BIN: stub,
    CADDY_FLEET_IMDS_URL: imdsUrl,
    CADDY_FLEET_BOOTSTRAP_PATH: join(tmp, `${name}-bootstrap.json`),
    CADDY_FLEET_CONTROL_PLANE_URL: 'http://control-plane.internal:8080/',
    CADDY_FLEET_NODE_TOKEN: 'node-token-0123456789',
    CADDY_BOOTSTRAP_JSON: BOOTSTRAP,
    ...extra,
  };
  return new Promise<{ code: number; stderr: string; out: string }>((resolve) => {
    execFile(
      shell,
      [join(REPO_ROOT, 'deploy/caddy-node/entrypoint.sh')],
      { env, timeout: 30_000 },
      (error, _o, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr, out });
      },
    );
  });
}

function expectStarted(r: { code: number; stderr: string; out: string }, name: string) {
  expect(r.code, r.stderr).toBe(0);
  const env = readFileSync(`${r.out}.env`, 'utf8');
  expect(env).toContain(`ARGS=run --config ${join(tmp, `${name}-bootstrap.json`)} --resume`);
  expect(env).toContain('CONFIG_URL=http://control-plane.internal:8080/caddy/config?node=i-0123456789abcdef0');
  expect(env).toContain('ADMIN_LISTEN=10.40.0.17:2019');
  expect(env).toContain('NODE_ID=i-0123456789abcdef0');
  const config = JSON.parse(readFileSync(`${r.out}.json`, 'utf8')) as { admin: { listen: string; config: unknown } };
  expect(config.admin.listen).toBe('10.40.0.17:2019');
  expect(config.admin.config).toEqual({ load: { module: 'http', url: '{env.CADDY_FLEET_CONFIG_URL}' } });
}

describe('caddy node entrypoint', () => {
  it('reads identity from IMDSv2 with curl and execs caddy with the rendered bootstrap', async () => {
    requests.length = 0;
    expectStarted(await run('curl', '/bin/sh', `/usr/bin:/bin`), 'curl');
    expect(requests[0]).toMatchObject({ method: 'PUT', url: '/latest/api/token', ttl: '21600' });
    expect(requests.slice(1).every((r) => r.method === 'GET' && r.token === TOKEN)).toBe(true);
  });

  it('works with BusyBox only (no curl): IMDS requests go over nc', async () => {
    requests.length = 0;
    expectStarted(await run('busybox', join(busyboxBin, 'sh'), busyboxBin), 'busybox');
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/instance-id',
      'GET /latest/meta-data/local-ipv4',
    ]);
  });

  it('fails after bounded retries when IMDS has no identity, without starting caddy', async () => {
    const r = await run('no-imds', '/bin/sh', '/usr/bin:/bin', {
      CADDY_FLEET_IMDS_URL: `${imdsUrl}/nothing-here`,
      CADDY_FLEET_IMDS_ATTEMPTS: '2',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('attempt 2 of 2');
    expect(r.stderr).toContain('no EC2 instance id');
  });

  it('treats a non-200 IMDS answer as no answer on the BusyBox path', async () => {
    const r = await run('busybox-404', join(busyboxBin, 'sh'), busyboxBin, {
      CADDY_FLEET_IMDS_URL: `${imdsUrl}/nothing-here`,
      CADDY_FLEET_IMDS_ATTEMPTS: '1',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no EC2 instance id');
  });

  it('refuses to start without the node token', async () => {
    const r = await run('no-token', '/bin/sh', '/usr/bin:/bin', { CADDY_FLEET_NODE_TOKEN: '' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('CADDY_FLEET_NODE_TOKEN is required');
  });
});
