import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-fleet-main-');
afterAll(() => dir.cleanup());
const MAIN = join(import.meta.dirname, '..', 'control-plane', 'main.ts');

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  exited.finally(() => clearTimeout(guard));
  return { child, exited, output: () => out };
}

describe('the daemon process', () => {
  it('exits with code 2 and lists every configuration problem', async () => {
    const p = run({ CADDY_FLEET_LISTEN: 'bogus', CADDY_FLEET_UPSTREAMS: '{', CADDY_FLEET_TYPO: 'x' });
    expect(await p.exited).toBe(2);
    const out = p.output();
    for (const name of ['CADDY_FLEET_API_TOKENS', 'CADDY_FLEET_LISTEN', 'CADDY_FLEET_UPSTREAMS', 'CADDY_FLEET_TYPO'])
      expect(out).toContain(name);
  });

  it('starts, serves /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    const [api, ask] = await freePorts(2);
    const p = run({
      CADDY_FLEET_API_TOKENS: 'main-test-token-0123456789',
      CADDY_FLEET_DB: join(dir.path, 'main.db'),
      CADDY_FLEET_LISTEN: `127.0.0.1:${api}`,
      CADDY_FLEET_ASK_LISTEN: `127.0.0.1:${ask}`,
      CADDY_FLEET_LOCAL_NODES: '0',
      CADDY_FLEET_LOCAL_STATE_DIR: join(dir.path, 'nodes'),
    });
    let health = 0;
    for (let i = 0; i < 100 && health !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await fetch(`http://127.0.0.1:${api}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status,
        () => 0,
      );
    }
    expect(health).toBe(200);
    expect((await fetch(`http://127.0.0.1:${api}/readyz`)).status).toBe(200);
    expect(p.output()).toContain('caddy-fleet listening');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
