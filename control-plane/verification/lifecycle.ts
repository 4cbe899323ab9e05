import type { DomainStatus } from '../types.ts';
import { formatDuration } from './duration.ts';
import type { ScheduleSettings } from './settings.ts';
import type { VerificationFindings } from './types.ts';

/** Consecutive conclusive failures of the `dns` pointing check: how many and since when (epoch ms). */
export interface FailStreak {
  count: number;
  since: number | null;
}

export const NO_STREAK: FailStreak = { count: 0, since: null };

/** A status change the checker asks the store to make, always with a reason. */
export interface Transition {
  status: DomainStatus;
  reason: string;
}

/** What `nextStatus` needs besides the findings (times in epoch ms). */
export interface LifecycleContext {
  now: number;
  /** When the current pending episode's first check ran (drives giving up). */
  firstCheckedAt: number;
  /** When the domain became `moved` (drives the grace period); null if it is not moved. */
  movedAt: number | null;
  /** The fail streak including the findings being judged (see {@link nextStreak}). */
  streak: FailStreak;
  schedule: ScheduleSettings;
}

/**
 * Updates the fail streak with one check. Only the `dns` pointing part counts: a conclusive failure
 * extends the streak, a pass ends it, an inconclusive result (SERVFAIL, timeout: possibly our own
 * resolver) leaves it as it was, so a resolver outage can never move a whole fleet of domains.
 */
export function nextStreak(previous: FailStreak, findings: VerificationFindings, now: number): FailStreak {
  const dns = findings.checks.dns;
  if (dns === 'fail') return { count: previous.count + 1, since: previous.since ?? now };
  if (dns === 'inconclusive') return previous;
  return NO_STREAK;
}

/** True once a pending domain has been checked for longer than `giveUpAfterMs`. */
export function hasGivenUp(firstCheckedAt: number, now: number, schedule: ScheduleSettings): boolean {
  return now - firstCheckedAt >= schedule.giveUpAfterMs;
}

/**
 * The status change a check leads to, or null for none. The checker never touches `blocked` or
 * `deleted` (operators own those).
 * - pending → active when the check passes (pointing or token, and CAA);
 * - pending stays pending with reason "verification gave up after …" once `giveUpAfterMs` has passed;
 * - active → moved only under the `dns` policy, after `movedAfterFailures` consecutive conclusive
 *   failures spanning at least `movedAfterMs` (blips and resolver trouble do not move domains);
 * - moved → active when the domain passes its policy's main check again (CAA is reported, not required:
 *   the move was about pointing);
 * - moved → deleted once `movedGraceMs` has passed since `movedAt`.
 */
export function nextStatus(
  current: DomainStatus,
  findings: VerificationFindings,
  context: LifecycleContext,
): Transition | null {
  const { now, schedule } = context;
  const firstReason = findings.reasons[0]?.message ?? 'no reason recorded';
  switch (current) {
    case 'pending':
      if (findings.pass) return { status: 'active', reason: `verification passed (${findings.policy})` };
      if (hasGivenUp(context.firstCheckedAt, now, schedule)) {
        return {
          status: 'pending',
          reason: `verification gave up after ${formatDuration(schedule.giveUpAfterMs)}: ${firstReason}`,
        };
      }
      return null;
    case 'active': {
      const { count, since } = context.streak;
      if (findings.policy !== 'dns' || since === null) return null;
      if (count < schedule.movedAfterFailures || now - since < schedule.movedAfterMs) return null;
      return {
        status: 'moved',
        reason: `DNS no longer points at the fleet (${count} failed checks over ${formatDuration(now - since)}): ${firstReason}`,
      };
    }
    case 'moved': {
      const main = findings.policy === 'none' ? 'pass' : findings.checks[findings.policy];
      if (main === 'pass') return { status: 'active', reason: 'DNS points at the fleet again' };
      const movedAt = context.movedAt ?? now;
      if (now - movedAt >= schedule.movedGraceMs) {
        return {
          status: 'deleted',
          reason: `moved away and not back within ${formatDuration(schedule.movedGraceMs)}: ${firstReason}`,
        };
      }
      return null;
    }
    default:
      return null;
  }
}

/**
 * Whether `ask` may say yes. Only `active` is allowed, plus `moved` while its grace period runs: the
 * customer may be fixing DNS, and a certificate must still be able to renew meanwhile. At the end of
 * the grace period it is denied, even before the checker gets round to marking it deleted.
 */
export function isAskAllowed(status: DomainStatus, movedAt: number | null, now: number, graceMs: number): boolean {
  if (status === 'active') return true;
  return status === 'moved' && movedAt !== null && now - movedAt < graceMs;
}
