import { Pool } from 'undici';
import { CaddyLoadRejectedError, CaddyUnreachableError } from './errors.ts';

export interface AdminClientOptions {
  /** Base URL of the node's admin API, e.g. `http://127.0.0.1:2019`. Its host:port is sent as Host. */
  adminUrl: string;
  /** Default 2 s. */
  connectTimeoutMs?: number;
  /** Default 60 s: covers Caddy's reload of a 100k-domain config (~2 s) with a wide margin. */
  headersTimeoutMs?: number;
  /** Default 60 s. */
  bodyTimeoutMs?: number;
}

export interface LoadOptions {
  /** Send `Cache-Control: must-revalidate`: reload even an identical config (drops removed certs from memory). */
  force?: boolean;
  signal?: AbortSignal;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  settled: boolean;
}

interface Batch {
  config: unknown;
  force: boolean;
  waiters: Waiter[];
  controller: AbortController;
}

/**
 * Client for one Caddy node's admin API, with its own undici `Pool`. At most one `/load` is in
 * flight; loads that queue up behind it are coalesced so only the latest config is sent, and every
 * coalesced caller gets that load's outcome (a later config supersedes theirs).
 *
 * Errors: `CADDY_LOAD_REJECTED` (4xx on load, terminal) and `CADDY_UNREACHABLE` (transport error,
 * timeout or 5xx, retryable).
 */
export class CaddyAdminClient {
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #origin: string;
  #pending: Batch | undefined;
  #draining = false;
  #closed = false;

  constructor(options: AdminClientOptions) {
    const url = new URL(options.adminUrl);
    this.#origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#pool = new Pool(url.origin, {
      connections: 4,
      connect: { timeout: options.connectTimeoutMs ?? 2_000 },
      headersTimeout: options.headersTimeoutMs ?? 60_000,
      bodyTimeout: options.bodyTimeoutMs ?? 60_000,
    });
  }

  /** POST /load. `force` sends Cache-Control: must-revalidate (needed to drop a removed cert from memory). */
  load(config: unknown, options: LoadOptions = {}): Promise<void> {
    const { signal } = options;
    return new Promise<void>((resolve, reject) => {
      if (this.#closed) {
        reject(new CaddyUnreachableError('admin client is closed', { retryable: false }));
        return;
      }
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const waiter: Waiter = { resolve, reject, settled: false };
      const batch = this.#enqueue(config, options.force === true, waiter);
      signal?.addEventListener('abort', () => this.#abandon(batch, waiter, signal.reason), { once: true });
      this.#drain();
    });
  }

  /** GET /config/ parsed (null when Caddy has no config). */
  async getConfig(signal?: AbortSignal): Promise<unknown> {
    return JSON.parse(await this.getConfigText(signal)) as unknown;
  }

  /**
   * GET /config/ as Caddy's exact JSON text. Caddy re-encodes its config with Go's encoder (sorted
   * keys, no whitespace), which for our configs is byte-identical to `canonicalJson` plus a newline,
   * so a caller can compare hashes without parsing megabytes of JSON.
   */
  async getConfigText(signal?: AbortSignal): Promise<string> {
    const { status, text } = await this.#request('GET', '/config/', undefined, {}, signal);
    if (status >= 200 && status < 300) return text;
    throw new CaddyUnreachableError(`caddy answered HTTP ${status} to GET /config/: ${caddyMessage(text)}`, {
      status,
      retryable: status >= 500,
    });
  }

  /** Rejects queued loads, waits for the one in flight, closes the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#pending;
    this.#pending = undefined;
    for (const waiter of pending?.waiters ?? []) {
      settle(waiter, new CaddyUnreachableError('admin client closed', { retryable: false }));
    }
    await this.#pool.close();
  }

  #enqueue(config: unknown, force: boolean, waiter: Waiter): Batch {
    if (this.#pending === undefined) {
      this.#pending = { config, force, waiters: [waiter], controller: new AbortController() };
    } else {
      this.#pending.config = config;
      this.#pending.force ||= force;
      this.#pending.waiters.push(waiter);
    }
    return this.#pending;
  }

  /** One caller gave up: settle it; cancel the batch only when nobody waits for it any more. */
  #abandon(batch: Batch, waiter: Waiter, reason: unknown): void {
    settle(waiter, reason);
    if (batch.waiters.every((w) => w.settled)) {
      if (this.#pending === batch) this.#pending = undefined;
      batch.controller.abort(reason);
    }
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    void (async () => {
      try {
        for (let batch = this.#pending; batch !== undefined; batch = this.#pending) {
          this.#pending = undefined;
          try {
            await this.#sendLoad(batch);
            for (const waiter of batch.waiters) settle(waiter);
          } catch (err) {
            for (const waiter of batch.waiters) settle(waiter, err);
          }
        }
      } finally {
        this.#draining = false;
      }
    })();
  }

  async #sendLoad(batch: Batch): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (batch.force) headers['cache-control'] = 'must-revalidate';
    // A caller that already holds the serialized config (the reconciler's canonical JSON) passes the string.
    const body = typeof batch.config === 'string' ? batch.config : JSON.stringify(batch.config);
    const { status, text } = await this.#request('POST', '/load', body, headers, batch.controller.signal);
    if (status >= 200 && status < 300) return;
    const message = caddyMessage(text);
    if (status >= 400 && status < 500) {
      throw new CaddyLoadRejectedError(`caddy rejected the config (HTTP ${status})`, { status, caddyMessage: message });
    }
    throw new CaddyUnreachableError(`caddy answered HTTP ${status} to POST /load: ${message}`, { status });
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; text: string }> {
    try {
      // `reset`: one connection per request. A load that changes the admin section restarts Caddy's
      // admin server, which closes idle keep-alive sockets; a pooled one would fail the next request
      // with "other side closed". Admin calls are rare, so a fresh connection costs nothing that matters.
      const res = await this.#pool.request({ method, path: this.#prefix + path, body, headers, signal, reset: true });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const detail = err instanceof Error ? err.message : String(err);
      throw new CaddyUnreachableError(`caddy admin API at ${this.#origin} unreachable (${method} ${path}): ${detail}`, {
        cause: err,
      });
    }
  }
}

function settle(waiter: Waiter, err?: unknown): void {
  if (waiter.settled) return;
  waiter.settled = true;
  if (err === undefined) waiter.resolve();
  else waiter.reject(err);
}

/** Caddy's error bodies are `{"error":"..."}`; anything else is returned trimmed and truncated. */
function caddyMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') {
      return (parsed as { error: string }).error;
    }
  } catch {
    // not JSON: fall through
  }
  return text.trim().slice(0, 2_000);
}
