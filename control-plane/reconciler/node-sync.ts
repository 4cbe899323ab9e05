import { createHash } from 'node:crypto';
import { CaddyAdminClient } from '../../caddy-config/admin-client.ts';
import { fingerprint } from '../../caddy-config/fingerprint.ts';
import { AppError } from '../errors.ts';
import type { EventSink } from '../events/event-sink.ts';
import type { FleetNode, NodeSyncStatus } from '../fleet/node-discovery.ts';
import type { Logger } from '../log.ts';
import type { NodeRecord, NodeRepo } from '../store/node-repo.ts';
import type { DesiredConfig } from './desired-config.ts';
import { type Observation, plan } from './plan.ts';

/** What one node's sync did, as a pass reports it. */
export interface NodeOutcome {
  id: string;
  status: NodeSyncStatus;
  action: 'none' | 'pushed' | 'reported' | 'skipped';
  error?: string;
}

export interface NodeSyncerOptions {
  nodes: NodeRepo;
  events: EventSink;
  logger: Logger;
  /** First wait before a rejected config is tried again (doubling per attempt, at most 1 h). Default 60 s. */
  rejectionRetryMs?: number;
  now?: () => number;
}

/**
 * One node's sync: read its config back, plan (`plan.ts`), push the whole desired config when needed,
 * read it back again, and record the node's status (emitting node.* events on transitions).
 * Holds one admin client per node.
 */
export class NodeSyncer {
  readonly #o: NodeSyncerOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #clients = new Map<string, { url: string; client: CaddyAdminClient }>();

  constructor(options: NodeSyncerOptions) {
    this.#o = options;
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** The node's admin client (recreated when its admin URL changes). */
  client(node: FleetNode): CaddyAdminClient {
    const entry = this.#clients.get(node.id);
    if (entry && entry.url === node.adminUrl) return entry.client;
    void entry?.client.close();
    const client = new CaddyAdminClient({ adminUrl: node.adminUrl });
    this.#clients.set(node.id, { url: node.adminUrl, client });
    return client;
  }

  /** Closes the clients of nodes not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [id, entry] of this.#clients) {
      if (!keep.has(id)) {
        void entry.client.close();
        this.#clients.delete(id);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((c) => c.client.close()));
    this.#clients.clear();
  }

  /**
   * Reads the node's config back. Fast path: Caddy's own JSON text hashes to the desired fingerprint
   * when the node is in sync (see `getConfigText`), so only a differing config is parsed and canonicalised.
   */
  async #observe(
    node: FleetNode,
    desiredFingerprint: string,
    knownFingerprint: string | null = null,
  ): Promise<{ observation: Observation; latencyMs: number | null }> {
    const t0 = performance.now();
    try {
      // A reload that changes the admin section restarts Caddy's admin server and closes pooled
      // connections: a read is idempotent, so one quick second try absorbs that.
      const text = (
        await this.client(node)
          .getConfigText()
          .catch(async () => {
            await new Promise((r) => setTimeout(r, 100));
            return this.client(node).getConfigText();
          })
      ).trimEnd();
      const latencyMs = performance.now() - t0;
      const raw = createHash('sha256').update(text).digest('hex');
      // Also trusted: the hash of a config this node was last seen with (usually the previous generation).
      const fp =
        raw === desiredFingerprint || raw === knownFingerprint ? raw : fingerprint(JSON.parse(text) as unknown);
      return { observation: { ok: true, fingerprint: fp }, latencyMs };
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('CADDY_UNREACHABLE', String(err));
      return { observation: { ok: false, code: e.code, message: e.message }, latencyMs: null };
    }
  }

  async sync(
    node: FleetNode,
    desired: DesiredConfig,
    latestRemoval: number,
    mode: 'repair' | 'report',
  ): Promise<NodeOutcome> {
    const log = this.#log.child({ node: node.id });
    const before = this.#o.nodes.get(node.id) ?? emptyRecord(node);
    const reported = { status: before.status };
    // A healthy node facing a config change in repair mode gets the push whatever it runs now, so the
    // read before the push is skipped (the read after it still confirms); every other case reads first.
    const applyBlind =
      mode === 'repair' &&
      before.status === 'in_sync' &&
      before.syncedFingerprint !== null &&
      desired.fingerprint !== before.syncedFingerprint &&
      desired.fingerprint !== before.rejectedFingerprint;
    const { observation, latencyMs } = applyBlind
      ? { observation: { ok: true as const, fingerprint: before.syncedFingerprint! }, latencyMs: before.adminLatencyMs }
      : await this.#observe(node, desired.fingerprint, before.observedFingerprint);
    const rec: NodeRecord = {
      ...before,
      ...identity(node),
      present: true,
      desiredFingerprint: desired.fingerprint,
      observedFingerprint: observation.ok ? observation.fingerprint : before.observedFingerprint,
      adminLatencyMs: latencyMs === null ? before.adminLatencyMs : Math.round(latencyMs * 10) / 10,
    };
    const p = plan({
      desiredFingerprint: desired.fingerprint,
      observed: observation,
      rejectedFingerprint: before.rejectedFingerprint,
      mode,
      needsForcedReload: latestRemoval > before.removalSeq,
      syncedFingerprint: before.syncedFingerprint,
      rejectionRetryDue:
        before.lastError !== null &&
        this.#now() - before.lastError.at >= rejectionBackoffMs(before.attempts, this.#o.rejectionRetryMs),
    });
    let action: NodeOutcome['action'] = 'none';
    const now = this.#now();
    if (!observation.ok) {
      this.#setStatus(rec, reported, 'unreachable', { code: observation.code, message: observation.message, at: now });
      rec.attempts = before.attempts + 1;
    } else if (p.action === 'none') {
      if (p.status === 'in_sync') {
        rec.syncedFingerprint = desired.fingerprint;
        rec.syncedGeneration = desired.generation;
        rec.lastSyncedAt = now;
        rec.attempts = 0;
        rec.rejectedFingerprint = null;
        if (latestRemoval === 0) rec.removalSeq = Math.max(rec.removalSeq, this.#o.nodes.latestRemovalSeq());
      }
      this.#setStatus(rec, reported, p.status, p.status === 'in_sync' ? null : before.lastError);
    } else if (p.action === 'report') {
      this.#setStatus(rec, reported, 'drifted', before.lastError);
      action = 'reported';
    } else {
      if (p.status === 'drifted') {
        this.#setStatus(rec, reported, 'drifted', before.lastError);
        log.info({ desired: desired.fingerprint, observed: observation.fingerprint }, 'node drifted; pushing config');
      }
      this.#setStatus(rec, reported, 'pushing', rec.lastError);
      this.#o.nodes.save(rec, now);
      action = 'pushed';
      try {
        await this.#load(node, desired.json, p.action === 'force-reload');
        rec.lastPushAt = this.#now();
        const readBack = await this.#observe(node, desired.fingerprint);
        if (readBack.observation.ok && readBack.observation.fingerprint === desired.fingerprint) {
          rec.observedFingerprint = readBack.observation.fingerprint;
          rec.syncedFingerprint = desired.fingerprint;
          rec.syncedGeneration = desired.generation;
          rec.lastSyncedAt = this.#now();
          rec.attempts = 0;
          rec.rejectedFingerprint = null;
          rec.removalSeq = Math.max(rec.removalSeq, latestRemoval);
          this.#setStatus(rec, reported, 'in_sync', null);
        } else {
          rec.attempts = before.attempts + 1;
          const message = readBack.observation.ok
            ? 'config read back after the push differs from the pushed one'
            : readBack.observation.message;
          this.#setStatus(rec, reported, readBack.observation.ok ? 'drifted' : 'unreachable', {
            code: readBack.observation.ok ? 'READBACK_MISMATCH' : readBack.observation.code,
            message,
            at: this.#now(),
          });
        }
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError('CADDY_UNREACHABLE', String(err));
        rec.attempts = before.attempts + 1;
        if (e.code === 'CADDY_LOAD_REJECTED') {
          rec.rejectedFingerprint = desired.fingerprint;
          const caddyMessage = String(e.details?.caddyMessage ?? e.message);
          log.warn({ caddyMessage }, 'Caddy rejected the config; not retrying until it changes');
          this.#setStatus(rec, reported, 'rejected', { code: e.code, message: caddyMessage, at: this.#now() });
        } else {
          this.#setStatus(rec, reported, 'unreachable', { code: e.code, message: e.message, at: this.#now() });
        }
      }
    }
    this.#o.nodes.save(rec, this.#now());
    return {
      id: node.id,
      status: rec.status,
      action,
      ...(rec.lastError && rec.status !== 'in_sync' ? { error: rec.lastError.message } : {}),
    };
  }

  /**
   * One push. A 400 from Caddy 2.6 can be transient (nodes racing to create the internal CA in shared
   * storage, a port still held by a previous process), so a rejection is retried once after a short pause
   * before it counts as terminal for this config.
   */
  async #load(node: FleetNode, config: string, force: boolean): Promise<void> {
    try {
      await this.client(node).load(config, { force });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'CADDY_LOAD_REJECTED') throw err;
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
      await this.client(node).load(config, { force });
    }
  }

  /** Sets the status; emits node.* events when it differs from the last status reported in this sync. */
  #setStatus(
    rec: NodeRecord,
    reported: { status: NodeSyncStatus },
    status: NodeSyncStatus,
    error: NodeRecord['lastError'],
  ): void {
    rec.status = status;
    rec.lastError = error;
    if (status === 'pushing' || reported.status === status) return;
    const previous = reported.status;
    reported.status = status;
    const data = {
      node: rec.id,
      status,
      previous,
      desired_fingerprint: rec.desiredFingerprint,
      observed_fingerprint: rec.observedFingerprint,
      ...(error ? { error: error.message } : {}),
    };
    if (status === 'drifted') this.#o.events.emit('node.drifted', data);
    else if (status === 'in_sync') this.#o.events.emit('node.in_sync', data);
    else if (status === 'unreachable') this.#o.events.emit('node.unreachable', data);
  }
}

/** Wait before re-sending a rejected config: `base` doubling per attempt, at most 1 h. */
export function rejectionBackoffMs(attempts: number, base = 60_000): number {
  return Math.min(3_600_000, base * 2 ** Math.max(0, Math.min(attempts - 1, 10)));
}

export function identity(node: FleetNode) {
  return {
    id: node.id,
    lifecycle: node.lifecycle,
    adminUrl: node.adminUrl,
    httpAddress: node.httpListen ?? null,
    httpsAddress: node.httpsListen ?? null,
    availabilityZone: node.availabilityZone ?? null,
    instanceId: node.instanceId ?? null,
  };
}

export function emptyRecord(node: FleetNode): NodeRecord {
  return {
    ...identity(node),
    status: 'unknown',
    desiredFingerprint: null,
    observedFingerprint: null,
    rejectedFingerprint: null,
    syncedFingerprint: null,
    syncedGeneration: null,
    lastSyncedAt: null,
    lastPushAt: null,
    lastError: null,
    attempts: 0,
    adminLatencyMs: null,
    removalSeq: 0,
    present: true,
  };
}
