import { join } from 'node:path';
import { type Config, configSchema } from '../../control-plane/config.ts';
import { type Daemon, type DaemonOptions, startDaemon } from '../../control-plane/daemon.ts';
import { silentLogger } from '../../control-plane/log.ts';

export const API_TOKEN = 'integration-test-token-0123456789';
export const NODE_TOKEN = 'integration-node-token-0123456789';

/** A daemon on loopback free ports with a SQLite file under `dir`; `overrides` use the schema's keys. */
export async function startTestDaemon(dir: string, overrides: Record<string, unknown>, options: DaemonOptions = {}) {
  const config: Config = configSchema.parse({
    db: join(dir, 'daemon.db'),
    listen: '127.0.0.1:0',
    askListen: '127.0.0.1:0',
    apiTokens: [API_TOKEN],
    nodeToken: NODE_TOKEN,
    localStateDir: join(dir, 'nodes'),
    storageRoot: join(dir, 'storage'),
    reconcileInterval: 60_000,
    reconcileDebounce: 100,
    logLevel: 'silent',
    ...overrides,
  });
  const daemon: Daemon = await startDaemon(config, silentLogger(), options);
  const base = `http://${daemon.apiAddress}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
  };
  return { daemon, config, base, api };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (bounded); returns the last value. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 15_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await check();
  while (!last && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, stepMs));
    last = await check();
  }
  return last;
}
