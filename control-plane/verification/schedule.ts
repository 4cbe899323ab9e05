import type { DomainStatus } from '../types.ts';
import type { FailStreak } from './lifecycle.ts';
import type { ScheduleSettings } from './settings.ts';
import type { CheckOutcome, VerificationPolicy } from './types.ts';

/**
 * When to check a pending domain next (epoch ms), or null to give up. The wait starts at
 * `initialIntervalMs` and grows by `backoffFactor` per check up to `maxIntervalMs` (minutes, then
 * hours, then daily); an inconclusive check retries within `inconclusiveRetryMs`. The last check
 * lands exactly on the give-up time so the give-up reason is recorded by a real check.
 *
 * @param attempt checks done so far in this pending episode, including the one just made (≥ 1)
 * @example nextCheckAt(1, t0, 'fail', t0, DEFAULT_SCHEDULE_SETTINGS) // → t0 + 60_000
 */
export function nextCheckAt(
  attempt: number,
  firstCheckedAt: number,
  lastResult: CheckOutcome,
  now: number,
  settings: ScheduleSettings,
): number | null {
  const giveUpAt = firstCheckedAt + settings.giveUpAfterMs;
  if (now >= giveUpAt) return null;
  const exponent = Math.min(Math.max(attempt - 1, 0), 64);
  let wait = Math.min(settings.initialIntervalMs * settings.backoffFactor ** exponent, settings.maxIntervalMs);
  if (lastResult === 'inconclusive') wait = Math.min(wait, settings.inconclusiveRetryMs);
  return Math.min(now + wait, giveUpAt);
}

/**
 * When to check an active or moved domain next, or null for never: active `dns` domains are
 * re-checked every `activeRecheckMs` (every `failingRecheckMs` while a fail streak runs); active
 * `txt`/`none` domains are settled; moved domains are checked every `movedRecheckMs` and once more
 * when their grace period ends.
 */
export function nextMonitorCheckAt(
  status: DomainStatus,
  policy: VerificationPolicy,
  streak: FailStreak,
  movedAt: number | null,
  now: number,
  settings: ScheduleSettings,
): number | null {
  if (status === 'active') {
    if (policy !== 'dns') return null;
    return now + (streak.count > 0 ? settings.failingRecheckMs : settings.activeRecheckMs);
  }
  if (status === 'moved') {
    const graceEnd = (movedAt ?? now) + settings.movedGraceMs;
    return Math.max(now + 1, Math.min(now + settings.movedRecheckMs, graceEnd));
  }
  return null;
}
