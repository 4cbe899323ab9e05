import { AppError, NotFoundError } from '../errors.ts';
import type { NodeSyncStatus } from '../fleet/node-discovery.ts';
import type { DiffEntry, FleetView, NodeView, ReconcileResult } from '../reconciler/fleet-view.ts';
import type { AskActivitySnapshot, CertificateSummary, CertRow, DashboardCertificates } from './deps.ts';

const FP_A = 'a'.repeat(64);

/** A node in sync with canned addresses; override any field. */
export function fakeNode(id: string, overrides: Partial<NodeView> = {}): NodeView {
  return {
    id,
    status: 'in_sync',
    lifecycle: 'running',
    adminUrl: `http://127.0.0.1:20${id.length}9`,
    httpAddress: '127.0.0.1:8080',
    httpsAddress: '127.0.0.1:8443',
    availabilityZone: 'eu-west-1a',
    instanceId: null,
    desiredFingerprint: FP_A,
    observedFingerprint: FP_A,
    syncedGeneration: 1,
    lastSyncedAt: 1_700_000_000_000,
    lastPushAt: 1_700_000_000_000,
    lastError: null,
    attempts: 0,
    adminLatencyMs: 3,
    ...overrides,
  };
}

/** A FleetView with canned nodes that tests change by hand; `reconcileNow` puts every node back in sync. */
export class FakeFleetView implements FleetView {
  readonly #nodes = new Map<string, NodeView>();
  readonly #diffs = new Map<string, DiffEntry[]>();
  reconcileCalls = 0;

  constructor(nodes: NodeView[]) {
    for (const n of nodes) this.#nodes.set(n.id, n);
  }

  nodes(): NodeView[] {
    return [...this.#nodes.values()];
  }

  node(id: string): NodeView | undefined {
    return this.#nodes.get(id);
  }

  /** Marks a node drifted with the given differences (what a tampered node looks like). */
  drift(id: string, diff: DiffEntry[], observedFingerprint = 'b'.repeat(64)): void {
    this.#set(id, 'drifted', observedFingerprint);
    this.#diffs.set(id, diff);
  }

  async diff(id: string): Promise<DiffEntry[]> {
    if (!this.#nodes.has(id)) throw new NotFoundError('NODE_NOT_FOUND', `no node ${id}`);
    return this.#diffs.get(id) ?? [];
  }

  async reconcileNow(): Promise<ReconcileResult> {
    this.reconcileCalls++;
    const startedAt = Date.now();
    const out: ReconcileResult['nodes'] = [];
    for (const n of this.nodes()) {
      const pushed = n.status !== 'in_sync';
      this.#set(n.id, 'in_sync', n.desiredFingerprint);
      this.#diffs.delete(n.id);
      out.push({ id: n.id, status: 'in_sync', action: pushed ? 'pushed' : 'none' });
    }
    return { startedAt, finishedAt: Date.now(), generation: 1, nodes: out };
  }

  #set(id: string, status: NodeSyncStatus, observedFingerprint: string | null): void {
    const n = this.#nodes.get(id);
    if (!n) throw new NotFoundError('NODE_NOT_FOUND', `no node ${id}`);
    this.#nodes.set(id, {
      ...n,
      status,
      observedFingerprint,
      lastPushAt: status === 'in_sync' ? Date.now() : n.lastPushAt,
    });
  }
}

/** A certificate row; override any field. */
export function fakeCert(hostname: string, overrides: Partial<CertRow> = {}): CertRow {
  const notBefore = 1_700_000_000_000;
  return {
    hostname,
    issuer: 'Pebble Intermediate CA',
    notBefore,
    notAfter: notBefore + 90 * 86_400_000,
    daysLeft: 60,
    status: 'valid',
    error: null,
    ...overrides,
  };
}

/** Canned certificates; `deleteOrphan` removes from the orphan list and records the call. */
export class FakeCertificates implements DashboardCertificates {
  readonly deleted: string[] = [];
  summaryData: CertificateSummary;
  byDomain = new Map<string, CertRow[]>();

  constructor(summary: Partial<CertificateSummary> = {}) {
    this.summaryData = {
      scannedAt: 1_700_000_000_000,
      total: 0,
      minDaysLeft: null,
      soonest: [],
      missing: { total: 0, sample: [] },
      failing: [],
      orphaned: [],
      ...summary,
    };
  }

  async summary(): Promise<CertificateSummary> {
    return this.summaryData;
  }

  async forDomain(hostname: string): Promise<CertRow[]> {
    return this.byDomain.get(hostname) ?? [];
  }

  async deleteOrphan(hostname: string): Promise<{ removed: string[] }> {
    if (this.byDomain.has(hostname)) throw new AppError('CERTIFICATE_IN_USE', `${hostname} is a servable domain`);
    const before = this.summaryData.orphaned.length;
    const orphaned = this.summaryData.orphaned.filter((c) => c.hostname !== hostname);
    if (orphaned.length === before)
      throw new AppError('CERTIFICATE_NOT_FOUND', `no certificate stored for ${hostname}`);
    this.summaryData = { ...this.summaryData, orphaned, total: this.summaryData.total - 1 };
    this.deleted.push(hostname);
    return { removed: [`certificates/fake/${hostname}`] };
  }
}

/** An hour of ask activity with a scanner in it, ending at `now`. */
export function fakeAskActivity(now: number): AskActivitySnapshot {
  const current = now - (now % 60_000);
  const perMinute = Array.from({ length: 60 }, (_, i) => ({
    minute: current - (59 - i) * 60_000,
    allowed: 20 + ((i * 7) % 13),
    denied: i > 40 && i < 50 ? 30 + i : i % 5,
  }));
  return {
    perMinute,
    topDenied: [
      { name: 'admin.scanner.example', count: 412 },
      { name: 'www.not-a-customer.example', count: 57 },
      { name: '<script>alert(1)</script>', count: 3 },
    ],
  };
}
