export interface BackoffPolicy {
  /** Delay after the first failed attempt, ms. */
  baseMs: number;
  /** Upper bound of any delay, ms. */
  maxMs: number;
}

/** Seconds at first, doubling, at most an hour. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 3_600_000 };

/**
 * Delay before the next attempt after `failedAttempts` (≥ 1) failures: exponential (`baseMs · 2^(n-1)`,
 * capped at `maxMs`) with "equal jitter": a random point in the upper half, so retries from many
 * deliveries spread out but never collapse to zero. `random` returns [0, 1).
 */
export function backoffDelayMs(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random) {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(failedAttempts - 1, 0), 40));
  return Math.round(exp / 2 + (exp / 2) * random());
}
