import type Database from 'better-sqlite3';
import type { NodeLifecycle, NodeSyncStatus } from '../fleet/node-discovery.ts';
import type { NodeView } from '../reconciler/fleet-view.ts';

/** What the reconciler remembers per node (the API's NodeView plus bookkeeping). */
export interface NodeRecord extends NodeView {
  /** Desired fingerprint Caddy rejected: not retried until the desired config changes. */
  rejectedFingerprint: string | null;
  /** The fingerprint the node was last confirmed in sync with. */
  syncedFingerprint: string | null;
  /** Highest certificate-removal sequence this node has reloaded past. */
  removalSeq: number;
  /** Whether the node is in the current membership. */
  present: boolean;
}

interface NodeRow {
  id: string;
  status: NodeSyncStatus;
  lifecycle: NodeLifecycle;
  admin_url: string;
  http_address: string | null;
  https_address: string | null;
  availability_zone: string | null;
  instance_id: string | null;
  desired_fingerprint: string | null;
  observed_fingerprint: string | null;
  rejected_fingerprint: string | null;
  synced_fingerprint: string | null;
  synced_generation: number | null;
  last_synced_at: number | null;
  last_push_at: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: number | null;
  attempts: number;
  admin_latency_ms: number | null;
  removal_seq: number;
  present: number;
}

function fromRow(r: NodeRow): NodeRecord {
  return {
    id: r.id,
    status: r.status,
    lifecycle: r.lifecycle,
    adminUrl: r.admin_url,
    httpAddress: r.http_address,
    httpsAddress: r.https_address,
    availabilityZone: r.availability_zone,
    instanceId: r.instance_id,
    desiredFingerprint: r.desired_fingerprint,
    observedFingerprint: r.observed_fingerprint,
    rejectedFingerprint: r.rejected_fingerprint,
    syncedFingerprint: r.synced_fingerprint,
    syncedGeneration: r.synced_generation,
    lastSyncedAt: r.last_synced_at,
    lastPushAt: r.last_push_at,
    lastError:
      r.last_error_code === null
        ? null
        : { code: r.last_error_code, message: r.last_error_message ?? '', at: r.last_error_at ?? 0 },
    attempts: r.attempts,
    adminLatencyMs: r.admin_latency_ms,
    removalSeq: r.removal_seq,
    present: r.present === 1,
  };
}

/** Per-node sync status and the certificate-removal queue the reconciler drains. */
export class NodeRepo {
  readonly #stmts;

  constructor(db: Database.Database) {
    this.#stmts = {
      all: db.prepare<[], NodeRow>('SELECT * FROM fleet_nodes ORDER BY id'),
      get: db.prepare<[string], NodeRow>('SELECT * FROM fleet_nodes WHERE id = ?'),
      upsert: db.prepare(
        `INSERT INTO fleet_nodes (id, status, lifecycle, admin_url, http_address, https_address, availability_zone,
           instance_id, desired_fingerprint, observed_fingerprint, rejected_fingerprint, synced_fingerprint, synced_generation,
           last_synced_at, last_push_at, last_error_code, last_error_message, last_error_at, attempts,
           admin_latency_ms, removal_seq, present, updated_at)
         VALUES (@id, @status, @lifecycle, @admin_url, @http_address, @https_address, @availability_zone,
           @instance_id, @desired_fingerprint, @observed_fingerprint, @rejected_fingerprint, @synced_fingerprint, @synced_generation,
           @last_synced_at, @last_push_at, @last_error_code, @last_error_message, @last_error_at, @attempts,
           @admin_latency_ms, @removal_seq, @present, @updated_at)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, lifecycle = excluded.lifecycle,
           admin_url = excluded.admin_url, http_address = excluded.http_address, https_address = excluded.https_address,
           availability_zone = excluded.availability_zone, instance_id = excluded.instance_id,
           desired_fingerprint = excluded.desired_fingerprint, observed_fingerprint = excluded.observed_fingerprint,
           rejected_fingerprint = excluded.rejected_fingerprint, synced_fingerprint = excluded.synced_fingerprint,
           synced_generation = excluded.synced_generation,
           last_synced_at = excluded.last_synced_at, last_push_at = excluded.last_push_at,
           last_error_code = excluded.last_error_code, last_error_message = excluded.last_error_message,
           last_error_at = excluded.last_error_at, attempts = excluded.attempts,
           admin_latency_ms = excluded.admin_latency_ms, removal_seq = excluded.removal_seq,
           present = excluded.present, updated_at = excluded.updated_at`,
      ),
      markAbsent: db.prepare<[number]>('UPDATE fleet_nodes SET present = 0, updated_at = ? WHERE present = 1'),
      pendingRemovals: db.prepare<[number], { hostname: string; seq: number }>(
        'SELECT hostname, seq FROM cert_removals ORDER BY seq LIMIT ?',
      ),
      latestRemovalSeq: db.prepare<[], number>('SELECT seq FROM removal_seq WHERE id = 1').pluck(),
      completeRemovals: db.prepare<[number]>('DELETE FROM cert_removals WHERE seq <= ?'),
    };
  }

  all(): NodeRecord[] {
    return this.#stmts.all.all().map(fromRow);
  }

  get(id: string): NodeRecord | undefined {
    const row = this.#stmts.get.get(id);
    return row ? fromRow(row) : undefined;
  }

  save(n: NodeRecord, now: number): void {
    this.#stmts.upsert.run({
      id: n.id,
      status: n.status,
      lifecycle: n.lifecycle,
      admin_url: n.adminUrl,
      http_address: n.httpAddress,
      https_address: n.httpsAddress,
      availability_zone: n.availabilityZone,
      instance_id: n.instanceId,
      desired_fingerprint: n.desiredFingerprint,
      observed_fingerprint: n.observedFingerprint,
      rejected_fingerprint: n.rejectedFingerprint,
      synced_fingerprint: n.syncedFingerprint,
      synced_generation: n.syncedGeneration,
      last_synced_at: n.lastSyncedAt,
      last_push_at: n.lastPushAt,
      last_error_code: n.lastError?.code ?? null,
      last_error_message: n.lastError?.message ?? null,
      last_error_at: n.lastError?.at ?? null,
      attempts: n.attempts,
      admin_latency_ms: n.adminLatencyMs,
      removal_seq: n.removalSeq,
      present: n.present ? 1 : 0,
      updated_at: now,
    });
  }

  /** Marks every node absent; the caller then saves the present ones. */
  markAllAbsent(now: number): void {
    this.#stmts.markAbsent.run(now);
  }

  /** Queued certificate removals, oldest first. */
  pendingRemovals(limit: number): { hostname: string; seq: number }[] {
    return this.#stmts.pendingRemovals.all(limit);
  }

  latestRemovalSeq(): number {
    return this.#stmts.latestRemovalSeq.get() ?? 0;
  }

  /** Forgets removals every present node has reloaded past. */
  completeRemovals(uptoSeq: number): void {
    this.#stmts.completeRemovals.run(uptoSeq);
  }
}
