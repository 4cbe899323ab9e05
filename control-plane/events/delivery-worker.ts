import { Agent, type Dispatcher, request } from 'undici';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.ts';
import type { DueDelivery } from './delivery.ts';
import type { SqliteOutbox } from './outbox.ts';
import { redactUrl } from './redact-url.ts';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

export interface DeliveryTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

export interface DeliveryWorkerOptions {
  outbox: SqliteOutbox;
  /** HMAC key of `Caddy-Fleet-Signature`. */
  secret: string;
  logger?: Logger;
  now?: () => number;
  random?: () => number;
  /** Attempts before a delivery is `failed` for good (retry it from the API). Default 20. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Deliveries claimed per pass. Default 50. */
  batchSize?: number;
  /** Longest sleep between passes when nothing is due sooner. Default 5 s. */
  pollIntervalMs?: number;
  timeouts?: Partial<DeliveryTimeouts>;
  /** Events older than this with nothing pending are pruned (hourly). Default 30 days; 0 keeps all. */
  retentionMs?: number;
  /** For tests; by default the worker owns an undici Agent with the timeouts above. */
  dispatcher?: Dispatcher;
  /** Metrics hook, once per attempt. */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export interface PassStats {
  delivered: number;
  retried: number;
  failed: number;
}

const DEFAULT_TIMEOUTS: DeliveryTimeouts = { connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000 };
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Delivers the outbox: claims due deliveries, POSTs each signed envelope with undici (no redirects
 * followed), marks 2xx delivered and anything else for a retry with exponential backoff and jitter,
 * `failed` after `maxAttempts`. `start()` runs passes on unref'd timers; `wake()` runs one promptly
 * (wire it to `outbox.onEmit`); `runOnce()` runs one pass (tests). At-least-once: receivers deduplicate
 * on `Caddy-Fleet-Event-Id` (a crash mid-request can repeat a delivery after the claim lease).
 */
export class DeliveryWorker {
  readonly #o: Required<Omit<DeliveryWorkerOptions, 'dispatcher' | 'onOutcome' | 'timeouts' | 'logger'>>;
  readonly #log: Logger;
  readonly #timeouts: DeliveryTimeouts;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #onOutcome: ((outcome: DeliveryOutcome) => void) | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #ticking = false;
  #wakeRequested = false;
  #unsubscribe: (() => void) | undefined;
  #lastPruneAt = 0;

  constructor(options: DeliveryWorkerOptions) {
    this.#o = {
      outbox: options.outbox,
      secret: options.secret,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      maxAttempts: options.maxAttempts ?? 20,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      concurrency: Math.max(1, options.concurrency ?? 4),
      batchSize: Math.max(1, options.batchSize ?? 50),
      pollIntervalMs: options.pollIntervalMs ?? 5_000,
      retentionMs: options.retentionMs ?? 30 * 86_400_000,
    };
    this.#log = (options.logger ?? silentLogger()).child({ component: 'webhooks' });
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: this.#timeouts.connectMs },
        headersTimeout: this.#timeouts.headersMs,
        bodyTimeout: this.#timeouts.bodyMs,
        connections: this.#o.concurrency,
      });
    this.#onOutcome = options.onOutcome;
  }

  /** Starts polling; deliveries to URLs no longer configured fail for good first. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const abandoned = this.#o.outbox.failUnconfiguredUrls();
    if (abandoned > 0) this.#log.warn({ abandoned }, 'pending deliveries to unconfigured webhook URLs failed');
    this.#unsubscribe = this.#o.outbox.onEmit(() => this.wake());
    this.#schedule(0);
  }

  /** Runs a pass soon (a fresh event should not wait for the poll interval). */
  wake(): void {
    if (!this.#started) return;
    if (this.#ticking) this.#wakeRequested = true;
    else this.#schedule(0);
  }

  /** Stops polling, waits for the pass in flight, and closes the worker's own HTTP agent. Final. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await this.#chain;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** One pass over what is due now; passes never overlap (a second call waits for the first). */
  runOnce(): Promise<PassStats> {
    const pass = this.#chain.then(() => this.#pass());
    this.#chain = pass.catch(() => undefined);
    return pass;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), Math.max(0, delayMs));
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#ticking = true;
    let full = false;
    try {
      const stats = await this.runOnce();
      full = stats.delivered + stats.retried + stats.failed >= this.#o.batchSize;
      this.#maybePrune();
    } catch (err) {
      this.#log.error({ err }, 'webhook delivery pass failed');
    } finally {
      this.#ticking = false;
    }
    if (!this.#started) return;
    if (full || this.#wakeRequested) {
      this.#wakeRequested = false;
      this.#schedule(0);
      return;
    }
    let delay = this.#o.pollIntervalMs;
    try {
      const due = this.#o.outbox.nextDueAt();
      if (due !== null) delay = Math.min(delay, due - this.#o.now());
    } catch (err) {
      this.#log.error({ err }, 'cannot read the next due delivery');
    }
    this.#schedule(delay);
  }

  #maybePrune(): void {
    const now = this.#o.now();
    if (this.#o.retentionMs <= 0 || now - this.#lastPruneAt < PRUNE_EVERY_MS) return;
    this.#lastPruneAt = now;
    const pruned = this.#o.outbox.prune(now - this.#o.retentionMs);
    if (pruned > 0) this.#log.info({ pruned }, 'pruned old events');
  }

  async #pass(): Promise<PassStats> {
    const { connectMs, headersMs, bodyMs } = this.#timeouts;
    const leaseMs = connectMs + headersMs + bodyMs + 30_000;
    const due = this.#o.outbox.claimDue(this.#o.now(), this.#o.batchSize, leaseMs);
    const stats: PassStats = { delivered: 0, retried: 0, failed: 0 };
    let next = 0;
    const lane = async () => {
      while (next < due.length) {
        const outcome = await this.#deliver(due[next++]!);
        stats[outcome === 'delivered' ? 'delivered' : outcome === 'retry' ? 'retried' : 'failed']++;
        this.#onOutcome?.(outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, due.length) }, lane));
    return stats;
  }

  async #deliver(d: DueDelivery): Promise<DeliveryOutcome> {
    let status: number | null = null;
    let error: string;
    try {
      status = await this.#post(d);
      if (status >= 200 && status < 300) {
        this.#o.outbox.markDelivered(d.id, status, this.#o.now());
        return 'delivered';
      }
      error = `HTTP ${status}`;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      error = e.code ? `${e.code}: ${e.message ?? ''}` : (e.message ?? String(err));
    }
    const attempts = d.attempts + 1;
    const at = this.#o.now();
    const failed = attempts >= this.#o.maxAttempts;
    const nextAt = failed ? null : at + backoffDelayMs(attempts, this.#o.backoff, this.#o.random);
    this.#o.outbox.markAttempt(d.id, { status, error }, at, nextAt);
    if (failed)
      this.#log.warn(
        { deliveryId: d.id, eventId: d.eventId, url: redactUrl(d.url), attempts, error },
        'webhook failed',
      );
    else
      this.#log.debug(
        { deliveryId: d.id, eventId: d.eventId, url: redactUrl(d.url), attempts, error },
        'webhook retry',
      );
    return failed ? 'failed' : 'retry';
  }

  /** POSTs one delivery; resolves with the status (body drained), rejects on network errors. */
  async #post(d: DueDelivery): Promise<number> {
    // Wall time, not the scheduling clock: receivers compare it with their own clock.
    const t = Math.floor(Date.now() / 1000);
    const res = await request(d.url, {
      method: 'POST',
      dispatcher: this.#dispatcher,
      headersTimeout: this.#timeouts.headersMs,
      bodyTimeout: this.#timeouts.bodyMs,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'caddy-fleet',
        [SIGNATURE_HEADER.toLowerCase()]: signWebhook(this.#o.secret, d.body, t),
        'caddy-fleet-event-id': d.eventId,
        'caddy-fleet-event-type': d.eventType,
      },
      body: d.body,
    });
    await res.body.dump({ limit: 64 * 1024 });
    return res.statusCode;
  }
}
