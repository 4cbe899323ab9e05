import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { DomainStatus, Hostname } from '../types.ts';
import { type Actor, type Domain, isServable, routedUpstream } from './domain.ts';

interface DomainRow {
  hostname: string;
  hostname_unicode: string;
  status: DomainStatus;
  status_reason: string | null;
  upstream: string | null;
  metadata: string;
  created_at: number;
  updated_at: number;
}

function fromRow(r: DomainRow): Domain {
  return {
    hostname: r.hostname as Hostname,
    hostnameUnicode: r.hostname_unicode,
    status: r.status,
    statusReason: r.status_reason,
    upstream: r.upstream,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What a write wants a domain to become (absent fields keep their value on update). */
export interface DomainInput {
  hostname: Hostname;
  hostnameUnicode: string;
  upstream?: string | null;
  metadata?: Record<string, unknown>;
  status?: DomainStatus;
  statusReason?: string | null;
}

export interface ListQuery {
  status?: DomainStatus;
  q?: string;
  limit: number;
  /** Exclusive lower bound on hostname (keyset pagination). */
  after?: string;
}

export interface AuditEvent {
  id: number;
  hostname: string;
  action: string;
  actor: string;
  at: number;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export type ChangeAction = 'created' | 'updated' | 'deleted' | 'status_changed';

/** Called inside the write transaction for every change (audit already written): the hook for outboxes. */
export type ChangeListener = (change: {
  action: ChangeAction;
  before: Domain | null;
  after: Domain | null;
  actor: Actor;
  at: number;
}) => void;

function sameContent(a: Domain, b: Domain): boolean {
  return (
    a.status === b.status &&
    a.statusReason === b.statusReason &&
    a.upstream === b.upstream &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata)
  );
}

/**
 * Domains, their audit trail and the desired-config generation. Every public write runs in one
 * IMMEDIATE transaction, writes its audit event, bumps the generation when what Caddy must serve
 * changes, and queues certificate removal when a domain stops being servable.
 */
export class DomainRepo {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #listeners: ChangeListener[] = [];
  readonly #stmts;
  /**
   * The ask index: hostname → status of every domain, in memory. Built from SQLite at open and kept in
   * step by this repo's own writes, applied only after their transaction commits (this process is the
   * only writer). Ask answers from it in well under a microsecond, where a SQLite read costs 4–10 µs.
   */
  readonly #askIndex = new Map<string, DomainStatus>();
  #pending: [string, DomainStatus | undefined][] = [];

  constructor(db: Database.Database, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#stmts = {
      get: db.prepare<[string], DomainRow>('SELECT * FROM domains WHERE hostname = ?'),
      askStatus: db.prepare<[string], DomainStatus>('SELECT status FROM domains WHERE hostname = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO domains (hostname, hostname_unicode, status, status_reason, upstream, metadata, created_at, updated_at)
         VALUES (@hostname, @hostname_unicode, @status, @status_reason, @upstream, @metadata, @created_at, @updated_at)`,
      ),
      update: db.prepare(
        `UPDATE domains SET status = @status, status_reason = @status_reason, upstream = @upstream,
           metadata = @metadata, updated_at = @updated_at WHERE hostname = @hostname`,
      ),
      delete: db.prepare<[string]>('DELETE FROM domains WHERE hostname = ?'),
      audit: db.prepare(
        `INSERT INTO audit_events (hostname, action, actor, at, before, after, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      bump: db.prepare<[number]>('UPDATE config_state SET generation = generation + 1, updated_at = ? WHERE id = 1'),
      generation: db.prepare<[], number>('SELECT generation FROM config_state WHERE id = 1').pluck(),
      queueRemoval: db.prepare<[string, number]>(
        `INSERT INTO cert_removals (hostname, queued_at, generation)
         VALUES (?, ?, (SELECT generation FROM config_state WHERE id = 1))
         ON CONFLICT (hostname) DO UPDATE SET queued_at = excluded.queued_at, generation = excluded.generation`,
      ),
      unqueueRemoval: db.prepare<[string]>('DELETE FROM cert_removals WHERE hostname = ?'),
      events: db.prepare<[string, number, number], AuditEvent & { before: string | null; after: string | null }>(
        'SELECT * FROM audit_events WHERE hostname = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      routed: db.prepare<[], { hostname: string; upstream: string }>(
        `SELECT hostname, upstream FROM domains WHERE status = 'active' AND upstream IS NOT NULL ORDER BY hostname`,
      ),
      countByStatus: db.prepare<[], { status: DomainStatus; n: number }>(
        'SELECT status, count(*) AS n FROM domains GROUP BY status',
      ),
    };
    const all = db.prepare<[], [string, DomainStatus]>('SELECT hostname, status FROM domains').raw();
    for (const [hostname, status] of all.iterate()) this.#askIndex.set(hostname, status);
  }

  /** Registers a listener called inside every write transaction. */
  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener);
  }

  get(hostname: Hostname): Domain | undefined {
    const row = this.#stmts.get.get(hostname);
    return row ? fromRow(row) : undefined;
  }

  /** The ask lookup: one read of the in-memory index (see `#askIndex`). */
  askStatus(hostname: string): DomainStatus | undefined {
    return this.#askIndex.get(hostname);
  }

  /** The same lookup straight from SQLite: the index's source of truth (tests and consistency checks). */
  storedStatus(hostname: string): DomainStatus | undefined {
    return this.#stmts.askStatus.get(hostname);
  }

  generation(): number {
    return this.#stmts.generation.get()!;
  }

  /** Servable domains with a named upstream: the host-routing input of the Caddy config. */
  routedDomains(): { hostname: Hostname; upstream: string }[] {
    return this.#stmts.routed.all() as { hostname: Hostname; upstream: string }[];
  }

  countByStatus(): Record<DomainStatus, number> {
    const out: Record<DomainStatus, number> = { pending: 0, active: 0, moved: 0, deleted: 0, blocked: 0 };
    for (const r of this.#stmts.countByStatus.all()) out[r.status] = r.n;
    return out;
  }

  list(query: ListQuery): Domain[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.after !== undefined) {
      where.push('hostname > ?');
      params.push(query.after);
    }
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("(hostname LIKE ? ESCAPE '\\' OR hostname_unicode LIKE ? ESCAPE '\\')");
      params.push(pattern, pattern);
    }
    const sql = `SELECT * FROM domains ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY hostname LIMIT ?`;
    params.push(query.limit);
    return (this.#db.prepare(sql).all(...params) as DomainRow[]).map(fromRow);
  }

  events(hostname: Hostname, afterId: number, limit: number): AuditEvent[] {
    return this.#stmts.events.all(hostname, afterId, limit).map((e) => ({
      ...e,
      before: e.before === null ? null : (JSON.parse(e.before) as unknown),
      after: e.after === null ? null : (JSON.parse(e.after) as unknown),
    }));
  }

  /** Creates a domain; DOMAIN_EXISTS when the hostname is taken. */
  create(input: DomainInput, actor: Actor): Domain {
    return this.#tx(() => {
      if (this.get(input.hostname)) throw new ConflictError('DOMAIN_EXISTS', `domain ${input.hostname} already exists`);
      return this.#insert(input, actor);
    });
  }

  /** Idempotent create-or-replace of upstream and metadata; a new domain gets `initialStatus`. */
  put(input: DomainInput, actor: Actor, initialStatus: DomainStatus = 'active'): { domain: Domain; created: boolean } {
    return this.#tx(() => {
      const before = this.get(input.hostname);
      if (!before) return { domain: this.#insert({ status: initialStatus, ...input }, actor), created: true };
      return { domain: this.#update(before, input, actor), created: false };
    });
  }

  /** Partial update; DOMAIN_NOT_FOUND when absent. */
  patch(hostname: Hostname, changes: Omit<DomainInput, 'hostname' | 'hostnameUnicode'>, actor: Actor): Domain {
    return this.#tx(() => {
      const before = this.get(hostname);
      if (!before) throw new NotFoundError('DOMAIN_NOT_FOUND', `domain ${hostname} not found`);
      return this.#update(before, { hostname, hostnameUnicode: before.hostnameUnicode, ...changes }, actor);
    });
  }

  /** Removes a domain. From the commit on, ask denies it; its certificate is queued for removal. */
  remove(hostname: Hostname, actor: Actor): boolean {
    return this.#tx(() => {
      const before = this.get(hostname);
      if (!before) return false;
      this.#stmts.delete.run(hostname);
      this.#record('deleted', before, null, actor, this.#now(), null);
      return true;
    });
  }

  /** All-or-nothing upsert of many domains (validated by the caller). */
  bulkPut(
    inputs: readonly DomainInput[],
    actor: Actor,
    initialStatus: DomainStatus = 'active',
  ): { created: number; updated: number; unchanged: number } {
    return this.#tx(() => {
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const input of inputs) {
        const before = this.get(input.hostname);
        if (!before) {
          this.#insert({ status: initialStatus, ...input }, actor);
          counts.created++;
        } else {
          const after = this.#update(before, input, actor);
          if (after === before) counts.unchanged++;
          else counts.updated++;
        }
      }
      return counts;
    });
  }

  #tx<T>(fn: () => T): T {
    this.#pending = [];
    let result: T;
    try {
      result = this.#db.transaction(fn).immediate();
    } catch (err) {
      this.#pending = [];
      throw err;
    }
    // Committed: from here on ask sees the change, before the API answers.
    for (const [hostname, status] of this.#pending) {
      if (status === undefined) this.#askIndex.delete(hostname);
      else this.#askIndex.set(hostname, status);
    }
    this.#pending = [];
    return result;
  }

  #insert(input: DomainInput, actor: Actor): Domain {
    const at = this.#now();
    const domain: Domain = {
      hostname: input.hostname,
      hostnameUnicode: input.hostnameUnicode,
      status: input.status ?? 'active',
      statusReason: input.statusReason ?? null,
      upstream: input.upstream ?? null,
      metadata: input.metadata ?? {},
      createdAt: at,
      updatedAt: at,
    };
    this.#stmts.insert.run({ ...toParams(domain), created_at: at });
    this.#record('created', null, domain, actor, at, domain.statusReason);
    return domain;
  }

  /** Returns `before` itself when nothing changes (no audit event, no timestamp bump). */
  #update(before: Domain, input: DomainInput, actor: Actor): Domain {
    const at = this.#now();
    const statusChanged = input.status !== undefined && input.status !== before.status;
    const after: Domain = {
      ...before,
      status: input.status ?? before.status,
      statusReason: input.statusReason !== undefined ? input.statusReason : statusChanged ? null : before.statusReason,
      upstream: input.upstream !== undefined ? input.upstream : before.upstream,
      metadata: input.metadata ?? before.metadata,
      updatedAt: at,
    };
    if (sameContent(before, after)) return before;
    this.#stmts.update.run(toParams(after));
    this.#record(statusChanged ? 'status_changed' : 'updated', before, after, actor, at, after.statusReason);
    return after;
  }

  #record(
    action: ChangeAction,
    before: Domain | null,
    after: Domain | null,
    actor: Actor,
    at: number,
    reason: string | null,
  ) {
    const hostname = (after ?? before)!.hostname;
    this.#pending.push([hostname, after?.status]);
    this.#stmts.audit.run(hostname, action, actor, at, snapshot(before), snapshot(after), reason);
    const wasServable = before !== null && isServable(before.status);
    const isNowServable = after !== null && isServable(after.status);
    let bump = routedUpstream(before ?? undefined) !== routedUpstream(after ?? undefined);
    if (wasServable && !isNowServable) {
      this.#stmts.queueRemoval.run(hostname, at);
      bump = true;
    } else if (isNowServable) {
      // Serving it again: its (new) certificate must not be deleted by a removal queued earlier.
      this.#stmts.unqueueRemoval.run(hostname);
    }
    if (bump) this.#stmts.bump.run(at);
    for (const l of this.#listeners) l({ action, before, after, actor, at });
  }
}

function toParams(d: Domain) {
  return {
    hostname: d.hostname,
    hostname_unicode: d.hostnameUnicode,
    status: d.status,
    status_reason: d.statusReason,
    upstream: d.upstream,
    metadata: JSON.stringify(d.metadata),
    updated_at: d.updatedAt,
  };
}

function snapshot(d: Domain | null): string | null {
  if (!d) return null;
  return JSON.stringify({
    status: d.status,
    status_reason: d.statusReason,
    upstream: d.upstream,
    metadata: d.metadata,
  });
}
