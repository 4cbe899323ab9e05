import type { DomainStatus, Hostname } from '../types.ts';
import type { FailStreak, Transition } from './lifecycle.ts';
import type { VerificationFindings, VerificationPolicy } from './types.ts';

/** Per-domain checker bookkeeping the store keeps between checks and hands back in {@link DueDomain}. */
export interface CheckState {
  /** Checks made in the current pending episode (0 outside pending). */
  attempt: number;
  /** Epoch ms of the current pending episode's first check; null outside pending. */
  firstCheckedAt: number | null;
  streak: FailStreak;
}

/** A fresh state: what a newly registered domain, or one an operator asks to re-check, starts from. */
export const INITIAL_CHECK_STATE: CheckState = { attempt: 0, firstCheckedAt: null, streak: { count: 0, since: null } };

/** A domain whose next check is due. */
export interface DueDomain {
  hostname: Hostname;
  status: DomainStatus;
  /** The effective policy: the domain's override, else the deployment default (see `effectivePolicy`). */
  policy: VerificationPolicy;
  /** The domain's TXT ownership token, if it has one. */
  token: string | null;
  /** Epoch ms when the domain became `moved`; required for moved domains (no grace end without it). */
  movedAt: number | null;
  state: CheckState;
}

/**
 * Where the checker gets work and puts results; the store implements it (on SQLite). Sync or async.
 *
 * `record` must, in one transaction: store the findings; apply `transition` if not null (status and
 * reason, audit entry; a `pending` → `pending` transition only updates the reason; `moved` sets
 * `movedAt`); store `state`; set the next check time to `nextCheckAt` (null = never, until an
 * operator or the API re-queues the domain with {@link INITIAL_CHECK_STATE}).
 */
export interface VerificationQueue {
  /** Up to `limit` pending/active/moved domains with a next check time ≤ `now`, oldest first. */
  due(now: number, limit: number): DueDomain[] | Promise<DueDomain[]>;
  record(
    hostname: Hostname,
    findings: VerificationFindings,
    transition: Transition | null,
    nextCheckAt: number | null,
    state: CheckState,
  ): void | Promise<void>;
}
