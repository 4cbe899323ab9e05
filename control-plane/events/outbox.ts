import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError, ConflictError } from '../errors.ts';
import {
  DELIVERY_COLUMNS,
  type Delivery,
  type DeliveryRow,
  type DeliveryState,
  type DueDelivery,
  type EventRow,
  fromDeliveryRow,
  fromEventRow,
} from './delivery.ts';
import { envelopeBody, type OutboxEvent } from './event-envelope.ts';
import type { EventSink, EventType } from './event-sink.ts';

export interface OutboxOptions {
  /** Webhook URLs: each event gets one delivery per URL. None: events are still recorded. */
  urls?: readonly string[];
  now?: () => number;
  newId?: () => string;
}

/** `evt_` + 24 hex characters (96 random bits). */
export function newEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

/**
 * The durable outbox in SQLite. `emit` inserts the event and one pending delivery per URL on the
 * store's connection, so inside a store transaction (a `DomainRepo.onChange` listener) the event
 * commits or rolls back with the change. The delivery worker claims due deliveries from here.
 */
export class SqliteOutbox implements EventSink {
  readonly urls: readonly string[];
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #listeners = new Set<() => void>();
  readonly #stmts;

  constructor(db: Database.Database, options: OutboxOptions = {}) {
    this.#db = db;
    this.urls = [...new Set(options.urls ?? [])];
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? newEventId;
    this.#stmts = {
      insertEvent: db.prepare('INSERT INTO outbox_events (id, type, data, created_at) VALUES (?, ?, ?, ?)'),
      insertDelivery: db.prepare(
        `INSERT INTO webhook_deliveries (event_id, url, state, next_attempt_at, created_at) VALUES (?, ?, 'pending', ?, ?)`,
      ),
      event: db.prepare<[string], EventRow>('SELECT * FROM outbox_events WHERE id = ?'),
      delivery: db.prepare<[number], DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE d.id = ?`,
      ),
      due: db.prepare<[number, number], DeliveryRow & { data: string; event_created_at: number }>(
        `SELECT ${DELIVERY_COLUMNS}, e.data, e.created_at AS event_created_at
         FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
         WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`,
      ),
      lease: db.prepare<[number, number]>('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?'),
      nextDue: db
        .prepare<[], number | null>(`SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'`)
        .pluck(),
      delivered: db.prepare<[number, number, number, number]>(
        `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
           last_attempt_at = ?, delivered_at = ?, next_attempt_at = NULL WHERE id = ? AND state = 'pending'`,
      ),
      attemptFailed: db.prepare(
        `UPDATE webhook_deliveries SET state = @state, attempts = attempts + 1, last_status = @status,
           last_error = @error, last_attempt_at = @at, next_attempt_at = @next WHERE id = @id AND state = 'pending'`,
      ),
      requeue: db.prepare<[number, number]>(
        `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND state = 'failed'`,
      ),
      failUnconfigured: db.prepare<[number, string]>(
        `UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, last_attempt_at = ?,
           last_error = 'webhook URL no longer configured'
         WHERE state = 'pending' AND url NOT IN (SELECT value FROM json_each(?))`,
      ),
      counts: db.prepare<[], { state: DeliveryState; n: number }>(
        'SELECT state, count(*) AS n FROM webhook_deliveries GROUP BY state',
      ),
      prune: db.prepare<[number]>(
        `DELETE FROM outbox_events WHERE created_at < ? AND NOT EXISTS
           (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = outbox_events.id AND d.state = 'pending')`,
      ),
    };
  }

  /** Records an event (and its deliveries) durably; returns its id. Joins an open transaction. */
  emit(type: EventType, data: Record<string, unknown>): string {
    const id = this.#newId();
    const at = this.#now();
    this.#db.transaction(() => {
      this.#stmts.insertEvent.run(id, type, JSON.stringify(data), at);
      for (const url of this.urls) this.#stmts.insertDelivery.run(id, url, at, at);
    })();
    for (const listener of this.#listeners) listener();
    return id;
  }

  /** Called after every emit (possibly before the surrounding transaction commits: defer any read). */
  onEmit(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  event(id: string): OutboxEvent | undefined {
    const row = this.#stmts.event.get(id);
    return row ? fromEventRow(row) : undefined;
  }

  /** Events newest first; `beforeSeq` is the exclusive keyset cursor. */
  listEvents(query: { type?: string; limit: number; beforeSeq?: number }): OutboxEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.type !== undefined) {
      where.push('type = ?');
      params.push(query.type);
    }
    if (query.beforeSeq !== undefined) {
      where.push('seq < ?');
      params.push(query.beforeSeq);
    }
    const sql = `SELECT * FROM outbox_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, query.limit) as EventRow[]).map(fromEventRow);
  }

  delivery(id: number): Delivery | undefined {
    const row = this.#stmts.delivery.get(id);
    return row ? fromDeliveryRow(row) : undefined;
  }

  /** The delivery log, newest first; `beforeId` is the exclusive keyset cursor. */
  listDeliveries(query: { state?: DeliveryState; eventId?: string; limit: number; beforeId?: number }): Delivery[] {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [clause, value] of [
      ['d.state = ?', query.state],
      ['d.event_id = ?', query.eventId],
      ['d.id < ?', query.beforeId],
    ] as const) {
      if (value === undefined) continue;
      where.push(clause);
      params.push(value);
    }
    const sql = `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, query.limit) as DeliveryRow[]).map(fromDeliveryRow);
  }

  /**
   * Claims up to `limit` deliveries due at `now`: their next attempt moves to `now + leaseMs`, so a
   * concurrent pass does not send them again; the outcome (`markDelivered`/`markAttempt`) replaces the lease.
   */
  claimDue(now: number, limit: number, leaseMs: number): DueDelivery[] {
    return this.#db
      .transaction(() =>
        this.#stmts.due.all(now, limit).map((r) => {
          this.#stmts.lease.run(now + leaseMs, r.id);
          const body = envelopeBody({
            id: r.event_id,
            type: r.event_type,
            data: JSON.parse(r.data) as Record<string, unknown>,
            createdAt: r.event_created_at,
          });
          return { id: r.id, eventId: r.event_id, eventType: r.event_type, url: r.url, attempts: r.attempts, body };
        }),
      )
      .immediate();
  }

  /** Earliest next attempt of any pending delivery, or null when nothing is pending. */
  nextDueAt(): number | null {
    return this.#stmts.nextDue.get() ?? null;
  }

  markDelivered(id: number, status: number, at: number): void {
    this.#stmts.delivered.run(status, at, at, id);
  }

  /** Records a failed attempt: retried at `nextAttemptAt`, or `failed` for good when it is null. */
  markAttempt(id: number, outcome: { status: number | null; error: string }, at: number, nextAttemptAt: number | null) {
    this.#stmts.attemptFailed.run({
      id,
      state: nextAttemptAt === null ? 'failed' : 'pending',
      status: outcome.status,
      error: outcome.error.slice(0, 500),
      at,
      next: nextAttemptAt,
    });
  }

  /** Re-queues a failed delivery (attempts start again from 0). DELIVERY_NOT_FOUND / INVALID_TRANSITION. */
  retry(id: number): Delivery {
    return this.#db
      .transaction(() => {
        const current = this.delivery(id);
        if (!current) throw new AppError('DELIVERY_NOT_FOUND', `delivery ${id} not found`);
        if (current.state !== 'failed') {
          throw new ConflictError(
            'INVALID_TRANSITION',
            `delivery ${id} is ${current.state}; only failed deliveries can be retried`,
            {
              state: current.state,
            },
          );
        }
        this.#stmts.requeue.run(this.#now(), id);
        return this.delivery(id)!;
      })
      .immediate();
  }

  /** Pending deliveries to URLs no longer configured fail for good (at start, after a config change). */
  failUnconfiguredUrls(): number {
    return this.#stmts.failUnconfigured.run(this.#now(), JSON.stringify(this.urls)).changes;
  }

  countByState(): Record<DeliveryState, number> {
    const out: Record<DeliveryState, number> = { pending: 0, delivered: 0, failed: 0 };
    for (const r of this.#stmts.counts.all()) out[r.state] = r.n;
    return out;
  }

  /** Deletes events older than `before` (epoch ms) with no pending delivery; returns how many. */
  prune(before: number): number {
    return this.#stmts.prune.run(before).changes;
  }
}
