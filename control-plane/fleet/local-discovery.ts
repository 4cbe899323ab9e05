import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.ts';
import type { NodeId } from '../types.ts';
import { CaddyProcess } from './caddy-process.ts';
import type { FleetNode, Membership, NodeDiscovery } from './node-discovery.ts';

export interface LocalNodePorts {
  admin: number;
  http: number;
  https: number;
}

export interface LocalDiscoveryOptions {
  count: number;
  /** Per-node state (HOME, logs, the initial config) lives under `<stateDir>/<id>`. */
  stateDir: string;
  /** Ports per node; the caller picks free ones. */
  ports: readonly LocalNodePorts[];
  caddyBin?: string;
  logger: Logger;
  /** Called when a node died or came back, so the reconciler can run a pass. */
  onChange?: () => void;
  /** Restart backoff bounds (ms). */
  restartBaseMs?: number;
  restartMaxMs?: number;
}

interface Slot {
  node: FleetNode;
  process: CaddyProcess;
  restarts: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The embedded fleet: the daemon starts N Caddy children on loopback, each with its own admin, HTTP
 * and HTTPS ports and one shared storage directory (set by the pushed config), restarts a child
 * that dies (with backoff), and stops them all on shutdown. A child starts with an admin-only
 * config and no `--resume`; the reconciler then sees it as drifted and pushes its config.
 */
export class LocalNodeDiscovery implements NodeDiscovery {
  readonly kind = 'local' as const;
  readonly #options: LocalDiscoveryOptions;
  readonly #slots: Slot[] = [];
  #stopping = false;
  #started = false;

  constructor(options: LocalDiscoveryOptions) {
    if (options.ports.length < options.count) throw new Error('LocalNodeDiscovery: one port set per node is required');
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const log = this.#options.logger;
    for (let i = 0; i < this.#options.count; i++) {
      const ports = this.#options.ports[i]!;
      const id = `local-${i}` as NodeId;
      const workDir = resolve(join(this.#options.stateDir, id));
      mkdirSync(workDir, { recursive: true });
      const adminListen = `127.0.0.1:${ports.admin}`;
      const node: FleetNode = {
        id,
        adminUrl: `http://${adminListen}`,
        adminListen,
        httpListen: `127.0.0.1:${ports.http}`,
        httpsListen: `127.0.0.1:${ports.https}`,
        lifecycle: 'starting',
      };
      const process = new CaddyProcess({
        id,
        workDir,
        adminUrl: node.adminUrl,
        config: { admin: { listen: adminListen, config: { persist: false } } },
        ...(this.#options.caddyBin ? { caddyBin: this.#options.caddyBin } : {}),
      });
      const slot: Slot = { node, process, restarts: 0, timer: undefined };
      process.onExit((code, signal) => this.#onExit(slot, code, signal));
      this.#slots.push(slot);
    }
    await Promise.all(
      this.#slots.map(async (slot) => {
        await slot.process.start();
        slot.node.lifecycle = 'running';
        log.info(
          { node: slot.node.id, admin: slot.node.adminUrl, https: slot.node.httpsListen },
          'local Caddy node started',
        );
      }),
    );
  }

  #onExit(slot: Slot, code: number | null, signal: string | null): void {
    if (this.#stopping) return;
    slot.node.lifecycle = 'stopped';
    slot.node.detail = `exited (code ${code}, signal ${signal})`;
    const base = this.#options.restartBaseMs ?? 500;
    const delay = Math.min(this.#options.restartMaxMs ?? 30_000, base * 2 ** Math.min(slot.restarts, 10));
    slot.restarts++;
    this.#options.logger.warn(
      { node: slot.node.id, code, signal, restartInMs: delay },
      'local Caddy node exited; restarting',
    );
    this.#options.onChange?.();
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (this.#stopping) return;
      slot.node.lifecycle = 'starting';
      slot.process.start().then(
        () => {
          slot.node.lifecycle = 'running';
          delete slot.node.detail;
          this.#options.onChange?.();
        },
        (err: unknown) => {
          this.#options.logger.error({ node: slot.node.id, err }, 'local Caddy node failed to restart');
        },
      );
    }, delay);
    slot.timer.unref();
  }

  async discover(): Promise<Membership> {
    return { nodes: this.#slots.map((s) => ({ ...s.node })), observedAt: new Date(), stale: false };
  }

  /** The supervised process of a node (tests kill it to prove supervision and repair). */
  processOf(id: string): CaddyProcess | undefined {
    return this.#slots.find((s) => s.node.id === id)?.process;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const s of this.#slots) if (s.timer) clearTimeout(s.timer);
    await Promise.all(this.#slots.map((s) => s.process.stop()));
  }
}
