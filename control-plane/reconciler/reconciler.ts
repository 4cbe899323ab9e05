import { AppError, NotFoundError } from '../errors.ts';
import type { EventSink } from '../events/event-sink.ts';
import type { FleetNode, Membership, NodeDiscovery } from '../fleet/node-discovery.ts';
import type { Logger } from '../log.ts';
import type { NodeRecord, NodeRepo } from '../store/node-repo.ts';
import type { DesiredConfigSource } from './desired-config.ts';
import type { DiffEntry, FleetView, NodeView, ReconcileResult } from './fleet-view.ts';
import { diffJson } from './json-diff.ts';
import { emptyRecord, identity, type NodeOutcome, NodeSyncer } from './node-sync.ts';

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
  readonly #syncer: NodeSyncer;
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
    this.#syncer = new NodeSyncer({
      nodes: options.nodes,
      events: options.events,
      logger: this.#log,
      ...(options.rejectionRetryMs !== undefined ? { rejectionRetryMs: options.rejectionRetryMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
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
    await this.#syncer.close();
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
    const observed = await this.#syncer.client(node).getConfig();
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
    const work = this.#syncer
      .sync(node, this.#o.desired.forNode(node), latestRemoval, this.#mode)
      .finally(() => this.#busy.delete(node.id));
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
    this.#syncer.retain(new Set(m.nodes.map((n) => n.id)));
  }
}

function toView(n: NodeRecord): NodeView {
  const { rejectedFingerprint: _r, removalSeq: _s, present: _p, ...view } = n;
  return view;
}
