import { createHash } from 'node:crypto';
import { CaddyAdminClient } from '../../caddy-config/admin-client.ts';
import { fingerprint } from '../../caddy-config/fingerprint.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { EventSink } from '../events/event-sink.ts';
import type { FleetNode, Membership, NodeDiscovery, NodeSyncStatus } from '../fleet/node-discovery.ts';
import type { Logger } from '../log.ts';
import type { NodeRecord, NodeRepo } from '../store/node-repo.ts';
import type { DesiredConfigSource } from './desired-config.ts';
import type { DiffEntry, FleetView, NodeView, ReconcileResult } from './fleet-view.ts';
import { diffJson } from './json-diff.ts';
import { type Observation, plan } from './plan.ts';

export interface ReconcilerOptions {
  discovery: NodeDiscovery;
  desired: DesiredConfigSource;
  nodes: NodeRepo;
  events: EventSink;
  logger: Logger;
  mode: 'repair' | 'report';
  /** Periodic pass interval (ms). */
  intervalMs: number;
  /** Quiet time after a config-changing write before a pass (ms); a burst becomes one pass. */
  debounceMs: number;
  /** A pass starts at the latest this long after the first write of a continuous burst (ms). */
  maxDelayMs?: number;
  /** How many nodes are synced at once. */
  concurrency?: number;
  /** A pass stops waiting for slow nodes after this long; they finish in the background (ms). */
  passDeadlineMs?: number;
  /** Deletes a removed hostname's certificate files from the shared storage. */
  removeCertificates: (hostname: string) => Promise<unknown>;
  /** First wait before a rejected config is tried again (doubling per attempt, at most 1 h). Default 60 s. */
  rejectionRetryMs?: number;
  /** Called after every pass (Global Accelerator sync, metrics). */
  onPass?: (result: ReconcileResult, membership: Membership) => void | Promise<void>;
  now?: () => number;
}

interface NodeOutcome {
  id: string;
  status: NodeSyncStatus;
  action: 'none' | 'pushed' | 'reported' | 'skipped';
  error?: string;
}

/**
 * Level-based reconciler: every pass re-reads membership and the desired config, reads each node's
 * config back, compares fingerprints and pushes the whole config where they differ. Writes only reset
 * a debounce timer; passes never overlap; nodes are synced concurrently and independently (a slow or
 * dead node never holds up the others beyond the pass deadline).
 */
export class Reconciler implements FleetView {
  readonly #o: ReconcilerOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  #mode: 'repair' | 'report';
  readonly #clients = new Map<string, { url: string; client: CaddyAdminClient }>();
  readonly #busy = new Map<string, Promise<NodeOutcome>>();
  #membership: Membership = { nodes: [], observedAt: new Date(0), stale: true };
  #running: Promise<ReconcileResult> | undefined;
  #again = false;
  #debounce: NodeJS.Timeout | undefined;
  #firstDirtyAt: number | undefined;
  #interval: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'reconciler' });
    this.#now = options.now ?? Date.now;
    this.#mode = options.mode;
  }

  /** Switches between repairing drift and only reporting it (takes effect on the next pass). */
  setMode(mode: 'repair' | 'report'): void {
    this.#mode = mode;
  }

  /** Starts the periodic poll (and runs a first pass). */
  start(): void {
    this.#interval = setInterval(() => void this.#runSafely('poll'), this.#o.intervalMs);
    this.#interval.unref();
    void this.#runSafely('start');
  }

  /** A config-changing write happened: debounce and coalesce into one pass. */
  notify(): void {
    if (this.#stopped) return;
    const now = this.#now();
    this.#firstDirtyAt ??= now;
    if (this.#debounce) clearTimeout(this.#debounce);
    const maxDelay = this.#o.maxDelayMs ?? 2_000;
    const wait = Math.max(0, Math.min(this.#o.debounceMs, this.#firstDirtyAt + maxDelay - now));
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.#firstDirtyAt = undefined;
      void this.#runSafely('change');
    }, wait);
    this.#debounce.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#interval) clearInterval(this.#interval);
    if (this.#debounce) clearTimeout(this.#debounce);
    await this.#running?.catch(() => undefined);
    await Promise.allSettled(this.#busy.values());
    await Promise.all([...this.#clients.values()].map((c) => c.client.close()));
    this.#clients.clear();
  }

  nodes(): NodeView[] {
    return this.#o.nodes
      .all()
      .filter((n) => n.present)
      .map(toView);
  }

  node(id: string): NodeView | undefined {
    const n = this.#o.nodes.get(id);
    return n?.present ? toView(n) : undefined;
  }

  /** Current membership as last discovered. */
  membership(): Membership {
    return this.#membership;
  }

  /** The desired config JSON for a node of the current membership (bootstrap pulls). */
  desiredJsonFor(id: string): string | undefined {
    const node = this.#membership.nodes.find((n) => n.id === id);
    return node ? this.#o.desired.forNode(node).json : undefined;
  }

  async diff(id: string): Promise<DiffEntry[]> {
    const node = this.#membership.nodes.find((n) => n.id === id);
    if (!node) throw new NotFoundError('NODE_NOT_FOUND', `node ${id} is not in the fleet`);
    const desired = this.#o.desired.forNode(node);
    const observed = await this.#client(node).getConfig();
    return diffJson(JSON.parse(desired.json), observed);
  }

  async reconcileNow(): Promise<ReconcileResult> {
    if (this.#running) await this.#running.catch(() => undefined);
    return this.#run('manual');
  }

  async #runSafely(reason: string): Promise<void> {
    try {
      await this.#run(reason);
    } catch (err) {
      this.#log.error({ err, reason }, 'reconcile pass failed');
    }
  }

  /** One pass at a time; a trigger during a pass schedules exactly one more. */
  #run(reason: string): Promise<ReconcileResult> {
    if (this.#stopped) return Promise.reject(new AppError('NOT_READY', 'reconciler is stopped'));
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const pass = this.#pass(reason).finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.#runSafely('coalesced');
      }
    });
    this.#running = pass;
    return pass;
  }

  async #pass(reason: string): Promise<ReconcileResult> {
    const startedAt = this.#now();
    const membership = await this.#o.discovery.discover();
    if (!membership.stale || this.#membership.nodes.length === 0) this.#membership = membership;
    else
      this.#membership = { ...this.#membership, stale: true, ...(membership.error ? { error: membership.error } : {}) };
    this.#recordMembership(this.#membership);

    const removals = this.#o.nodes.pendingRemovals(10_000);
    for (const r of removals) {
      try {
        await this.#o.removeCertificates(r.hostname);
      } catch (err) {
        this.#log.error({ err, hostname: r.hostname }, 'removing certificate files failed');
      }
    }
    const latestRemoval = removals.length > 0 ? removals[removals.length - 1]!.seq : 0;

    const active = this.#membership.nodes.filter((n) => n.lifecycle === 'running' || n.lifecycle === 'draining');
    const outcomes: NodeOutcome[] = [];
    const queue = [...active];
    // A fleet that has never synced goes canary-first: the first node's load creates shared state in
    // the storage (the internal CA), which nodes loading at the same moment would otherwise race on.
    const fresh =
      active.length > 1 && active.every((n) => (this.#o.nodes.get(n.id)?.syncedGeneration ?? null) === null);
    if (fresh) outcomes.push(await this.#syncTracked(queue.shift()!, latestRemoval));
    const workers = Array.from({ length: Math.min(this.#o.concurrency ?? 8, queue.length) }, async () => {
      for (let node = queue.shift(); node; node = queue.shift()) {
        outcomes.push(await this.#syncTracked(node, latestRemoval));
      }
    });
    await Promise.all(workers);

    // Removals are done once every present, running node has force-reloaded past them.
    if (latestRemoval > 0) {
      const present = this.#o.nodes.all().filter((n) => n.present && n.lifecycle === 'running');
      const upto = present.length === 0 ? 0 : Math.min(...present.map((n) => n.removalSeq));
      if (upto > 0) this.#o.nodes.completeRemovals(upto);
    }
    const result: ReconcileResult = {
      startedAt,
      finishedAt: this.#now(),
      generation: this.#o.desired.generation(),
      nodes: outcomes.sort((a, b) => a.id.localeCompare(b.id)),
    };
    this.#log.debug({ reason, ms: result.finishedAt - startedAt, nodes: outcomes.length }, 'reconcile pass');
    await this.#o.onPass?.(result, this.#membership);
    return result;
  }

  /** Syncs one node unless it is still busy from an earlier pass; stops waiting at the pass deadline. */
  async #syncTracked(node: FleetNode, latestRemoval: number): Promise<NodeOutcome> {
    if (this.#busy.has(node.id)) {
      return { id: node.id, status: this.#o.nodes.get(node.id)?.status ?? 'unknown', action: 'skipped' };
    }
    const work = this.#syncNode(node, latestRemoval).finally(() => this.#busy.delete(node.id));
    this.#busy.set(node.id, work);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<NodeOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ id: node.id, status: 'pushing', action: 'skipped', error: 'still syncing' }),
        this.#o.passDeadlineMs ?? 30_000,
      );
      timer.unref();
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  #recordMembership(m: Membership): void {
    const now = this.#now();
    if (m.stale) return;
    const known = new Map(this.#o.nodes.all().map((n) => [n.id, n]));
    this.#o.nodes.markAllAbsent(now);
    for (const node of m.nodes) {
      const prev = known.get(node.id);
      this.#o.nodes.save({ ...(prev ?? emptyRecord(node)), ...identity(node), present: true }, now);
    }
    for (const [id, entry] of this.#clients) {
      if (!m.nodes.some((n) => n.id === id)) {
        void entry.client.close();
        this.#clients.delete(id);
      }
    }
  }

  #client(node: FleetNode): CaddyAdminClient {
    const entry = this.#clients.get(node.id);
    if (entry && entry.url === node.adminUrl) return entry.client;
    void entry?.client.close();
    const client = new CaddyAdminClient({ adminUrl: node.adminUrl });
    this.#clients.set(node.id, { url: node.adminUrl, client });
    return client;
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
        await this.#client(node)
          .getConfigText()
          .catch(async () => {
            await new Promise((r) => setTimeout(r, 100));
            return this.#client(node).getConfigText();
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

  async #syncNode(node: FleetNode, latestRemoval: number): Promise<NodeOutcome> {
    const log = this.#log.child({ node: node.id });
    const before = this.#o.nodes.get(node.id) ?? emptyRecord(node);
    const reported = { status: before.status };
    const desired = this.#o.desired.forNode(node);
    const { observation, latencyMs } = await this.#observe(node, desired.fingerprint, before.observedFingerprint);
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
      mode: this.#mode,
      needsForcedReload: latestRemoval > before.removalSeq,
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
      if (p.action === 'push') {
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
      await this.#client(node).load(config, { force });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'CADDY_LOAD_REJECTED') throw err;
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
      await this.#client(node).load(config, { force });
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

function identity(node: FleetNode) {
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

function emptyRecord(node: FleetNode): NodeRecord {
  return {
    ...identity(node),
    status: 'unknown',
    desiredFingerprint: null,
    observedFingerprint: null,
    rejectedFingerprint: null,
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

function toView(n: NodeRecord): NodeView {
  const { rejectedFingerprint: _r, removalSeq: _s, present: _p, ...view } = n;
  return view;
}
