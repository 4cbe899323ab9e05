import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaddyAdminClient } from '../caddy-config/admin-client.ts';
import { AppError } from '../control-plane/errors.ts';
import { CaddyProcess } from '../control-plane/fleet/caddy-process.ts';
import { freePort } from './helpers/free-port.ts';
import { tempDir } from './helpers/temp-dir.ts';

const dir = tempDir('caddy-process-');
const processes: CaddyProcess[] = [];
const clients: CaddyAdminClient[] = [];

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await Promise.all(clients.map((c) => c.close()));
  dir.cleanup();
});

async function newProcess(name: string, config: (adminListen: string) => unknown) {
  const port = await freePort();
  const adminListen = `127.0.0.1:${port}`;
  const caddy = new CaddyProcess({
    id: name,
    workDir: join(dir.path, name),
    adminUrl: `http://${adminListen}`,
    config: config(adminListen),
  });
  processes.push(caddy);
  return { caddy, adminUrl: `http://${adminListen}` };
}

const adminOnly = (listen: string) => ({ admin: { listen, config: { persist: false } } });

describe('CaddyProcess', () => {
  it('starts caddy, resolves when the admin API answers, and stops it', async () => {
    const { caddy, adminUrl } = await newProcess('basic', adminOnly);
    const exits: (string | null)[] = [];
    caddy.onExit((_code, signal) => exits.push(signal));
    await caddy.start();
    expect(caddy.running).toBe(true);
    expect(caddy.pid).toBeGreaterThan(0);
    const client = new CaddyAdminClient({ adminUrl });
    clients.push(client);
    expect(await client.getConfig()).toEqual(adminOnly(new URL(adminUrl).host));

    await caddy.stop();
    await caddy.stop();
    expect(caddy.running).toBe(false);
    expect(caddy.pid).toBeUndefined();
    expect(exits).toHaveLength(1);
    expect(readFileSync(caddy.logFile, 'utf8')).toContain('admin endpoint started');
  });

  it('reports a crash through onExit', async () => {
    const { caddy } = await newProcess('crash', adminOnly);
    await caddy.start();
    const exited = new Promise<string | null>((resolve) => caddy.onExit((_code, signal) => resolve(signal)));
    caddy.kill();
    expect(await exited).toBe('SIGKILL');
    expect(caddy.running).toBe(false);
  });

  it('rejects start with the log tail when caddy exits early', async () => {
    const { caddy } = await newProcess('bad', (listen) => ({ admin: { listen }, apps: { http: { bogus_field: 1 } } }));
    const err = await caddy.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CADDY_UNREACHABLE');
    expect((err as AppError).message).toContain('bogus_field');
    expect(caddy.running).toBe(false);
  });

  it('restarts from the autosave with --resume', async () => {
    const port = await freePort();
    const adminListen = `127.0.0.1:${port}`;
    const options = { id: 'resume', workDir: join(dir.path, 'resume'), adminUrl: `http://${adminListen}` };
    const first = new CaddyProcess({ ...options, config: { admin: { listen: adminListen } } });
    processes.push(first);
    await first.start();
    const client = new CaddyAdminClient({ adminUrl: options.adminUrl });
    clients.push(client);
    const pushed = {
      admin: { listen: adminListen, config: { persist: true } },
      storage: { module: 'file_system', root: join(dir.path, 'resume', 'storage') },
    };
    await client.load(pushed);
    await first.stop();

    const second = new CaddyProcess({ ...options, config: { admin: { listen: adminListen } }, resume: true });
    processes.push(second);
    await second.start();
    expect(await client.getConfig()).toEqual(pushed);
  });
});
