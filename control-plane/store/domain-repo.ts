import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { DomainStatus, Hostname } from '../types.ts';
import { generateVerificationToken } from '../verification/token.ts';
import type { VerificationPolicy } from '../verification/types.ts';
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
  verification: VerificationPolicy | null;
  verification_token: string | null;
  moved_at: number | null;
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
    verification: r.verification,
    verificationToken: r.verification_token,
    movedAt: r.moved_at,
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
  /** The domain's own verification policy; null = the deployment default. */
  verification?: VerificationPolicy | null;
  /** The TXT ownership token; a new domain gets a fresh one when absent. Give a new one to rotate it. */
  verificationToken?: string;
}

/** A status change decided outside the API (the verification checker), applied only from `from`. */
export interface StatusTransition {
  status: DomainStatus;
  reason: string;
  /** The statuses the decision was made for; any other current status means it is stale. */
  from: readonly DomainStatus[];
  /** Epoch ms the decision was made at (the decider's clock): becomes `movedAt` on entering `moved`. */
  at: number;
}

/**
 * The status of a domain `put`/`bulkPut` creates: fixed, or per input (e.g. `pending` with a reason
 * when the domain's verification policy needs a check). Existing domains keep theirs.
 */
export type InitialState =
  | DomainStatus
  | ((input: DomainInput) => { status: DomainStatus; statusReason: string | null });

function initialOf(initial: InitialState, input: DomainInput): { status: DomainStatus; statusReason: string | null } {
  return typeof initial === 'function' ? initial(input) : { status: initial, statusReason: null };
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
    a.verification === b.verification &&
    a.verificationToken === b.verificationToken &&
    a.movedAt === b.movedAt &&
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
  #depth = 0;

  constructor(db: Database.Database, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#stmts = {
      get: db.prepare<[string], DomainRow>('SELECT * FROM domains WHERE hostname = ?'),
      askStatus: db.prepare<[string], DomainStatus>('SELECT status FROM domains WHERE hostname = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO domains (hostname, hostname_unicode, status, status_reason, upstream, metadata, created_at, updated_at,
           verification, verification_token, moved_at)
         VALUES (@hostname, @hostname_unicode, @status, @status_reason, @upstream, @metadata, @created_at, @updated_at,
           @verification, @verification_token, @moved_at)`,
      ),
      update: db.prepare(
        `UPDATE domains SET status = @status, status_reason = @status_reason, upstream = @upstream,
           metadata = @metadata, updated_at = @updated_at, verification = @verification,
           verification_token = @verification_token, moved_at = @moved_at WHERE hostname = @hostname`,
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
        `SELECT hostname, upstream FROM domains WHERE status IN ('active', 'moved') AND upstream IS NOT NULL ORDER BY hostname`,
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

  /** Generation and routed domains read in one transaction, so they always belong together. */
  routedSnapshot(): { generation: number; routed: { hostname: Hostname; upstream: string }[] } {
    return this.#db.transaction(() => ({ generation: this.generation(), routed: this.routedDomains() }))();
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

  /** Idempotent create-or-replace of upstream and metadata; a new domain gets `initial` (status, reason). */
  put(input: DomainInput, actor: Actor, initial: InitialState = 'active'): { domain: Domain; created: boolean } {
    return this.#tx(() => {
      const before = this.get(input.hostname);
      if (!before) return { domain: this.#insert({ ...initialOf(initial, input), ...input }, actor), created: true };
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

  /**
   * Applies a status change decided by the verification checker, with its reason, as `actor`: the same
   * write path as the API (audit event, generation bump, certificate removal, ask index, listeners).
   * Entering `moved` sets `movedAt` to `change.at`; leaving it clears it. A `pending` → `pending` change
   * only updates the reason. Returns undefined, changing nothing, when the domain is gone or its status
   * is no longer one of `change.from` (an operator or another check got there first).
   */
  transition(hostname: Hostname, change: StatusTransition, actor: Actor): Domain | undefined {
    return this.#tx(() => {
      const before = this.get(hostname);
      if (!before || !change.from.includes(before.status)) return undefined;
      return this.#update(
        before,
        { hostname, hostnameUnicode: before.hostnameUnicode, status: change.status, statusReason: change.reason },
        actor,
        change.at,
      );
    });
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction with this repo's writes (which join it): what `fn` writes
   * next to them commits or rolls back together, and the ask index follows only after the commit.
   */
  transaction<T>(fn: () => T): T {
    return this.#tx(fn);
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
    initial: InitialState = 'active',
  ): { created: number; updated: number; unchanged: number } {
    return this.#tx(() => {
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const input of inputs) {
        const before = this.get(input.hostname);
        if (!before) {
          this.#insert({ ...initialOf(initial, input), ...input }, actor);
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
    if (this.#depth > 0) {
      // Nested in an outer transaction: a savepoint; the outermost call applies the ask index.
      const mark = this.#pending.length;
      try {
        return this.#db.transaction(fn)();
      } catch (err) {
        this.#pending.length = mark;
        throw err;
      }
    }
    this.#pending = [];
    let result: T;
    this.#depth++;
    try {
      result = this.#db.transaction(fn).immediate();
    } catch (err) {
      this.#pending = [];
      throw err;
    } finally {
      this.#depth--;
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
      verification: input.verification ?? null,
      verificationToken: input.verificationToken ?? generateVerificationToken(),
      movedAt: input.status === 'moved' ? at : null,
    };
    this.#stmts.insert.run({ ...toParams(domain), created_at: at });
    this.#record('created', null, domain, actor, at, domain.statusReason);
    return domain;
  }

  /**
   * Returns `before` itself when nothing changes (no audit event, no timestamp bump). `movedAt` is
   * stamped with `movedAt` (default: now) on entering `moved` and cleared on leaving it.
   */
  #update(before: Domain, input: DomainInput, actor: Actor, movedAt?: number): Domain {
    const at = this.#now();
    const statusChanged = input.status !== undefined && input.status !== before.status;
    const status = input.status ?? before.status;
    const after: Domain = {
      ...before,
      status,
      statusReason: input.statusReason !== undefined ? input.statusReason : statusChanged ? null : before.statusReason,
      upstream: input.upstream !== undefined ? input.upstream : before.upstream,
      metadata: input.metadata ?? before.metadata,
      updatedAt: at,
      verification: input.verification !== undefined ? input.verification : before.verification,
      verificationToken: input.verificationToken ?? before.verificationToken,
      movedAt: status !== 'moved' ? null : before.status === 'moved' ? before.movedAt : (movedAt ?? at),
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
    verification: d.verification,
    verification_token: d.verificationToken,
    moved_at: d.movedAt,
  };
}

function snapshot(d: Domain | null): string | null {
  if (!d) return null;
  return JSON.stringify({
    status: d.status,
    status_reason: d.statusReason,
    upstream: d.upstream,
    metadata: d.metadata,
    verification: d.verification,
    verification_token: d.verificationToken,
    moved_at: d.movedAt,
  });
}
