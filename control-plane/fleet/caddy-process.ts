import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import { UpstreamError } from '../errors.ts';

export interface CaddyProcessOptions {
  /** Label used in error messages, e.g. the node id. */
  id: string;
  /** Default `caddy` (looked up on PATH). */
  caddyBin?: string;
  /** HOME, XDG_CONFIG_HOME, XDG_DATA_HOME live under it; so do `caddy.json` and `caddy.log`. */
  workDir: string;
  /** Admin API base URL, polled with `GET /config/` until Caddy answers. */
  adminUrl: string;
  /** Written to `<workDir>/caddy.json` and passed with `--config`. */
  config: unknown;
  /** Pass `--resume`: an existing autosave wins over `config`. */
  resume?: boolean;
  /** Extra environment for the child (e.g. the bootstrap `{env.*}` values). */
  env?: Record<string, string>;
  /** Bound on waiting for the admin API at start (default 15 s). */
  startTimeoutMs?: number;
  /** Bound on waiting after SIGTERM before SIGKILL (default 5 s). */
  stopTimeoutMs?: number;
}

type ExitListener = (code: number | null, signal: string | null) => void;

/**
 * One supervised `caddy run` child process. Caddy's output goes to `<workDir>/caddy.log`. The child
 * gets a minimal environment (PATH plus its own HOME/XDG dirs plus `env`), never the daemon's.
 * Restarting on death is the caller's job (`onExit`).
 */
export class CaddyProcess {
  readonly #options: CaddyProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #running = false;
  readonly #listeners: ExitListener[] = [];

  constructor(options: CaddyProcessOptions) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Path of the file that receives Caddy's stdout and stderr. */
  get logFile(): string {
    return join(this.#options.workDir, 'caddy.log');
  }

  /** Called once per child exit, also for exits caused by `stop()` or `kill()`. */
  onExit(listener: ExitListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Spawns `caddy run` and resolves once the admin API answers. Rejects (and kills the child) when
   * Caddy exits first or does not answer within `startTimeoutMs`; the message carries the log tail.
   */
  async start(): Promise<void> {
    if (this.#running) return;
    const { workDir } = this.#options;
    const home = join(workDir, 'home');
    for (const dir of [home, join(home, 'config'), join(home, 'data')]) mkdirSync(dir, { recursive: true });
    const configFile = join(workDir, 'caddy.json');
    writeFileSync(configFile, JSON.stringify(this.#options.config));
    const args = ['run', '--config', configFile];
    if (this.#options.resume) args.push('--resume');

    const log = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.#options.caddyBin ?? 'caddy', args, {
        cwd: workDir,
        stdio: ['ignore', log, log],
        env: {
          PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
          HOME: home,
          XDG_CONFIG_HOME: join(home, 'config'),
          XDG_DATA_HOME: join(home, 'data'),
          ...this.#options.env,
        },
      });
    } finally {
      closeSync(log);
    }
    this.#child = child;
    this.#running = true;
    this.#exited = new Promise<void>((resolve) => {
      child.once('error', () => this.#markExited(child, null, null, resolve));
      child.once('exit', (code, signal) => this.#markExited(child, code, signal, resolve));
    });
    await this.#waitReady(child);
  }

  /** SIGTERM, wait up to `stopTimeoutMs`, then SIGKILL. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.#running) return this.#exited;
    child.kill('SIGTERM');
    const timer = new AbortController();
    const exitedInTime = await Promise.race([
      this.#exited.then(() => true),
      delay(this.#options.stopTimeoutMs ?? 5_000, false, { signal: timer.signal }).catch(() => true),
    ]);
    timer.abort();
    if (!exitedInTime && this.#running) child.kill('SIGKILL');
    await this.#exited;
  }

  /** Sends a signal (default SIGKILL) without waiting: for tests that simulate a crash. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.#running) this.#child?.kill(signal);
  }

  #markExited(child: ChildProcess, code: number | null, signal: string | null, resolve: () => void): void {
    if (this.#child !== child || !this.#running) return;
    this.#running = false;
    resolve();
    for (const listener of this.#listeners) listener(code, signal);
  }

  async #waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.#options.startTimeoutMs ?? 15_000);
    const url = new URL('config/', this.#options.adminUrl.replace(/\/*$/, '/'));
    while (Date.now() < deadline) {
      if (!this.#running || this.#child !== child) {
        throw this.#startError(`exited with code ${child.exitCode ?? 'null'} before its admin API answered`);
      }
      try {
        const res = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000, reset: true });
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // not listening yet
      }
      await delay(100);
    }
    await this.stop();
    throw this.#startError(`admin API did not answer within ${this.#options.startTimeoutMs ?? 15_000} ms`);
  }

  #startError(reason: string): UpstreamError {
    return new UpstreamError('CADDY_UNREACHABLE', `caddy ${this.#options.id} ${reason}; log tail:\n${this.#logTail()}`);
  }

  #logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-4_000);
    } catch {
      return '(no log)';
    }
  }
}
