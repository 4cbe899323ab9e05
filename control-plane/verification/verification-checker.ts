import type { DomainStatus, Hostname } from '../types.ts';
import { checkDomain } from './check-domain.ts';
import type { DnsLookup } from './dns-lookup.ts';
import { NO_STREAK, nextStatus, nextStreak, type Transition } from './lifecycle.ts';
import { nextCheckAt, nextMonitorCheckAt } from './schedule.ts';
import type { CheckSettings, ScheduleSettings } from './settings.ts';
import type { VerificationFindings, VerificationPolicy } from './types.ts';
import type { CheckState, DueDomain, VerificationQueue } from './verification-queue.ts';

/** The statuses the checker looks at; operators own `blocked` and `deleted` is final. */
const CHECKED_STATUSES = new Set<DomainStatus>(['pending', 'active', 'moved']);

/** What one check of one domain led to. */
export interface CheckResult {
  hostname: Hostname;
  previousStatus: DomainStatus;
  findings: VerificationFindings;
  transition: Transition | null;
  nextCheckAt: number | null;
  state: CheckState;
}

export interface VerificationCheckerOptions {
  source: VerificationQueue;
  lookup: DnsLookup;
  settings: CheckSettings & { schedule: ScheduleSettings };
  /** Domains checked at the same time (default 8). */
  concurrency?: number;
  /** Domains taken per pass (default 200); a full batch makes the next pass start at once. */
  batchSize?: number;
  /** Wait between passes when the last one was not full (default 30 s). */
  intervalMs?: number;
  /** Epoch ms (default `Date.now`). */
  clock?: () => number;
  onResult?: (result: CheckResult) => void;
  /** A failure of one domain's check or of a whole pass (hostname null); the checker carries on. */
  onError?: (hostname: Hostname | null, error: unknown) => void;
}

/**
 * The periodic verification runner: takes due domains from the queue, checks them with bounded
 * concurrency, and records findings, status transitions and the next check time. It never runs on
 * the ask path. Nothing starts until `start()`; the timer is unref'd.
 */
export class VerificationChecker {
  readonly #options: VerificationCheckerOptions;
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<unknown> = Promise.resolve();
  #running = false;

  constructor(options: VerificationCheckerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** Checks every domain due at `now` (one batch); every decision in the pass uses `now`. */
  async runOnce(now: number = this.#clock()): Promise<CheckResult[]> {
    const { source, concurrency = 8, batchSize = 200, onError } = this.#options;
    const due = await source.due(now, batchSize);
    const results: CheckResult[] = [];
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const domain = due[next++] as DueDomain;
        try {
          results.push(await this.#checkOne(domain, now));
        } catch (err) {
          onError?.(domain.hostname, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, due.length)) }, worker));
    return results;
  }

  /** Runs passes until `stop()`: at once after a full batch, else every `intervalMs`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops the timer and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#pass;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      const { batchSize = 200, intervalMs = 30_000, onError } = this.#options;
      this.#pass = this.runOnce().then(
        (results) => this.#running && this.#schedule(results.length >= batchSize ? 0 : intervalMs),
        (err) => {
          onError?.(null, err);
          if (this.#running) this.#schedule(intervalMs);
        },
      );
    }, delayMs);
    this.#timer.unref();
  }

  async #checkOne(domain: DueDomain, now: number): Promise<CheckResult> {
    const { source, lookup, settings, onResult } = this.#options;
    const { hostname, status, policy, movedAt } = domain;
    const findings = CHECKED_STATUSES.has(status)
      ? await checkDomain(hostname, policy, settings, lookup, domain.token, now)
      : notChecked(policy, status, now);
    const firstCheckedAt = domain.state.firstCheckedAt ?? now;
    const streak = nextStreak(domain.state.streak, findings, now);
    const transition = nextStatus(status, findings, {
      now,
      firstCheckedAt,
      movedAt,
      streak,
      schedule: settings.schedule,
    });
    const newStatus = transition?.status ?? status;
    let state: CheckState;
    let at: number | null;
    if (newStatus === 'pending') {
      state = { attempt: domain.state.attempt + 1, firstCheckedAt, streak: NO_STREAK };
      at = nextCheckAt(state.attempt, firstCheckedAt, findings.outcome, now, settings.schedule);
    } else {
      state = { attempt: 0, firstCheckedAt: null, streak: transition ? NO_STREAK : streak };
      const newMovedAt = newStatus === 'moved' ? (transition ? now : movedAt) : null;
      at = nextMonitorCheckAt(newStatus, policy, state.streak, newMovedAt, now, settings.schedule);
    }
    await source.record(hostname, findings, transition, at, state);
    const result = { hostname, previousStatus: status, findings, transition, nextCheckAt: at, state };
    onResult?.(result);
    return result;
  }
}

function notChecked(policy: VerificationPolicy, status: DomainStatus, now: number): VerificationFindings {
  return {
    policy,
    pass: false,
    outcome: 'inconclusive',
    checks: {},
    reasons: [{ code: 'NOT_CHECKED', message: `${status} domains are not checked` }],
    records: { cname: [], a: [], aaaa: [], txt: [], caa: null },
    checkedAt: new Date(now).toISOString(),
  };
}
