import type Database from 'better-sqlite3';
import type { DomainStatus, Hostname } from '../types.ts';
import type { Transition } from '../verification/lifecycle.ts';
import { effectivePolicy } from '../verification/settings.ts';
import type { VerificationFindings, VerificationPolicy } from '../verification/types.ts';
import {
  type CheckState,
  type DueDomain,
  INITIAL_CHECK_STATE,
  type VerificationQueue,
} from '../verification/verification-queue.ts';
import type { Domain } from './domain.ts';
import type { ChangeListener, DomainRepo } from './domain-repo.ts';

/** The actor of every change the verification checker makes. */
export const CHECKER_ACTOR = 'checker';

/** The statuses each checker transition may start from (see `nextStatus`); any other means it is stale. */
const TRANSITION_FROM: Record<DomainStatus, readonly DomainStatus[]> = {
  active: ['pending', 'moved'],
  pending: ['pending'],
  moved: ['active'],
  deleted: ['moved'],
  blocked: [],
};

/** A domain's verification bookkeeping as stored: schedule, checker state and latest findings. */
export interface VerificationRecord {
  /** Epoch ms of the next check; null = not checked until re-queued. */
  nextCheckAt: number | null;
  lastCheckedAt: number | null;
  findings: VerificationFindings | null;
  state: CheckState;
}

export interface VerificationRepoOptions {
  /** The deployment's default policy (a domain's override wins). */
  verification: VerificationPolicy;
  /** Epoch ms for re-queue times; use the checker's clock. Default `Date.now`. */
  now?: () => number;
}

interface CheckRow {
  next_check_at: number | null;
  attempt: number;
  first_checked_at: number | null;
  streak_count: number;
  streak_since: number | null;
  last_checked_at: number | null;
  last_findings: string | null;
}

/** A LEFT JOIN row: the check columns are null when the domain has no row yet. */
type Nullable<T extends DueRow> = Omit<T, keyof CheckRow> & { [K in keyof CheckRow]: CheckRow[K] | null };

interface DueRow extends CheckRow {
  hostname: string;
  status: DomainStatus;
  verification: VerificationPolicy | null;
  verification_token: string | null;
  moved_at: number | null;
}

function stateOf(r: Pick<CheckRow, 'attempt' | 'first_checked_at' | 'streak_count' | 'streak_since'>): CheckState {
  return {
    attempt: r.attempt,
    firstCheckedAt: r.first_checked_at,
    streak: { count: r.streak_count, since: r.streak_since },
  };
}

/**
 * The SQLite {@link VerificationQueue}: the `verification_checks` table next to `domains`. Status
 * changes go through {@link DomainRepo.transition}, in the same transaction as the findings and the
 * schedule. Constructing it subscribes to the domain repo: a new domain, or a status, policy or token
 * change by anyone but the checker, re-queues the domain with a fresh {@link INITIAL_CHECK_STATE}.
 */
export class VerificationRepo implements VerificationQueue {
  readonly #domains: DomainRepo;
  readonly #default: VerificationPolicy;
  readonly #now: () => number;
  readonly #stmts;

  constructor(db: Database.Database, domains: DomainRepo, options: VerificationRepoOptions) {
    this.#domains = domains;
    this.#default = options.verification;
    this.#now = options.now ?? Date.now;
    this.#stmts = {
      due: db.prepare<[number, number], DueRow>(
        `SELECT d.hostname, d.status, d.verification, d.verification_token, d.moved_at, c.next_check_at, c.attempt,
           c.first_checked_at, c.streak_count, c.streak_since, c.last_checked_at, c.last_findings
         FROM verification_checks c JOIN domains d ON d.hostname = c.hostname
         WHERE c.next_check_at IS NOT NULL AND c.next_check_at <= ? AND d.status IN ('pending', 'active', 'moved')
         ORDER BY c.next_check_at, c.hostname LIMIT ?`,
      ),
      one: db.prepare<[string], Nullable<DueRow>>(
        `SELECT d.hostname, d.status, d.verification, d.verification_token, d.moved_at, c.next_check_at, c.attempt,
           c.first_checked_at, c.streak_count, c.streak_since, c.last_checked_at, c.last_findings
         FROM domains d LEFT JOIN verification_checks c ON c.hostname = d.hostname WHERE d.hostname = ?`,
      ),
      get: db.prepare<[string], CheckRow>('SELECT * FROM verification_checks WHERE hostname = ?'),
      schedule: db.prepare(
        `INSERT INTO verification_checks (hostname, next_check_at, attempt, first_checked_at, streak_count, streak_since)
         VALUES (@hostname, @next, @attempt, @first, @count, @since)
         ON CONFLICT (hostname) DO UPDATE SET next_check_at = excluded.next_check_at, attempt = excluded.attempt,
           first_checked_at = excluded.first_checked_at, streak_count = excluded.streak_count,
           streak_since = excluded.streak_since`,
      ),
      findings: db.prepare<[number, string, string, string]>(
        'UPDATE verification_checks SET last_checked_at = ?, last_outcome = ?, last_findings = ? WHERE hostname = ?',
      ),
      insertMissing: db.prepare<{ now: number }>(
        `INSERT INTO verification_checks (hostname, next_check_at)
         SELECT hostname, CASE WHEN status IN ('pending', 'moved') THEN @now ELSE NULL END FROM domains WHERE true
         ON CONFLICT (hostname) DO NOTHING`,
      ),
      queueMonitored: db.prepare<{ now: number; policy: VerificationPolicy }>(
        `UPDATE verification_checks SET next_check_at = @now WHERE next_check_at IS NULL AND hostname IN
           (SELECT hostname FROM domains WHERE status = 'active' AND coalesce(verification, @policy) = 'dns')`,
      ),
    };
    domains.onChange(this.#onChange);
  }

  due(now: number, limit: number): DueDomain[] {
    return this.#stmts.due.all(now, limit).map((r) => this.#toDue(r, stateOf(r)));
  }

  /**
   * One domain as the checker would get it, for a check on demand; undefined when it does not exist.
   * A pending domain the checker gave up on starts a new episode ({@link INITIAL_CHECK_STATE}).
   */
  dueDomain(hostname: Hostname): DueDomain | undefined {
    const row = this.#stmts.one.get(hostname);
    if (!row) return undefined;
    const { attempt, streak_count } = row;
    const gaveUp = row.status === 'pending' && row.next_check_at === null && (attempt ?? 0) > 0;
    const state =
      attempt === null || streak_count === null || gaveUp
        ? INITIAL_CHECK_STATE
        : stateOf({ ...row, attempt, streak_count });
    return this.#toDue(row, state);
  }

  /** The stored schedule, state and latest findings of a domain; undefined when it has none. */
  get(hostname: Hostname): VerificationRecord | undefined {
    const row = this.#stmts.get.get(hostname);
    if (!row) return undefined;
    return {
      nextCheckAt: row.next_check_at,
      lastCheckedAt: row.last_checked_at,
      findings: row.last_findings === null ? null : (JSON.parse(row.last_findings) as VerificationFindings),
      state: stateOf(row),
    };
  }

  record(
    hostname: Hostname,
    findings: VerificationFindings,
    transition: Transition | null,
    nextCheckAt: number | null,
    state: CheckState,
  ): void {
    const at = Date.parse(findings.checkedAt);
    this.#domains.transaction(() => {
      // Removed while it was being checked: nothing left to record.
      if (!this.#domains.get(hostname)) return;
      if (transition) {
        const change = { ...transition, from: TRANSITION_FROM[transition.status], at };
        this.#domains.transition(hostname, change, CHECKER_ACTOR);
      }
      this.#schedule(hostname, nextCheckAt, state);
      this.#stmts.findings.run(at, findings.outcome, compactFindings(findings), hostname);
    });
  }

  /**
   * Start-up sync: gives every domain a row (domains written while no repo listened) and queues
   * active domains whose effective policy is `dns` but which are not scheduled (the deployment
   * default changed, or they predate verification). Returns the rows added or queued.
   */
  sync(now: number = this.#now()): number {
    return this.#domains.transaction(
      () =>
        this.#stmts.insertMissing.run({ now }).changes +
        this.#stmts.queueMonitored.run({ now, policy: this.#default }).changes,
    );
  }

  #toDue(
    r: Pick<DueRow, 'hostname' | 'status' | 'verification' | 'verification_token' | 'moved_at'>,
    state: CheckState,
  ): DueDomain {
    return {
      hostname: r.hostname as Hostname,
      status: r.status,
      policy: effectivePolicy(r.verification, { verification: this.#default }),
      token: r.verification_token,
      movedAt: r.moved_at,
      state,
    };
  }

  #schedule(hostname: string, next: number | null, state: CheckState): void {
    this.#stmts.schedule.run({
      hostname,
      next,
      attempt: state.attempt,
      first: state.firstCheckedAt,
      count: state.streak.count,
      since: state.streak.count === 0 ? null : state.streak.since,
    });
  }

  /** Whether a domain needs checks from now on: pending and moved always, active only under `dns`. */
  #needsChecks(d: Domain): boolean {
    if (d.status === 'pending' || d.status === 'moved') return true;
    return d.status === 'active' && effectivePolicy(d.verification, { verification: this.#default }) === 'dns';
  }

  readonly #onChange: ChangeListener = ({ action, before, after, actor }) => {
    if (actor === CHECKER_ACTOR || !after) return;
    const relevant =
      action === 'created' ||
      before?.status !== after.status ||
      before?.verification !== after.verification ||
      before?.verificationToken !== after.verificationToken;
    if (!relevant) return;
    this.#schedule(after.hostname, this.#needsChecks(after) ? this.#now() : null, INITIAL_CHECK_STATE);
  };
}

const MAX_FINDINGS_BYTES = 60_000;

/**
 * Findings as stored: JSON, with record lists cut to 20 entries and values to 255 characters when a
 * hostile zone (hundreds of TXT records) would push them past the column limit.
 */
function compactFindings(findings: VerificationFindings): string {
  const json = JSON.stringify(findings);
  if (Buffer.byteLength(json, 'utf8') <= MAX_FINDINGS_BYTES) return json;
  const cut = (list: string[]) => list.slice(0, 20).map((v) => v.slice(0, 255));
  const { records } = findings;
  const caa = records.caa && { name: records.caa.name, records: records.caa.records.slice(0, 20) };
  return JSON.stringify({
    ...findings,
    reasons: findings.reasons.slice(0, 20).map((r) => ({ ...r, message: r.message.slice(0, 500) })),
    records: { cname: cut(records.cname), a: cut(records.a), aaaa: cut(records.aaaa), txt: cut(records.txt), caa },
  });
}
