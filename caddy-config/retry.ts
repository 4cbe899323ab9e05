import { isAppError } from '../control-plane/errors.ts';

export interface RetryOptions {
  /** Total tries, including the first (≥ 1). */
  attempts: number;
  /** Backoff cap before jitter for the first retry; doubles per retry. */
  baseMs: number;
  /** Upper bound of any single wait. */
  maxMs: number;
  signal?: AbortSignal;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Calls `fn` until it succeeds, it throws an error that is not a retryable `AppError`, or
 * `attempts` are used up (then the last error is thrown). Waits use full-jitter exponential
 * backoff: `random() * min(maxMs, baseMs * 2^retry)`. An abort of `signal` stops at once with the
 * signal's reason.
 *
 * @example await withRetry(() => client.load(config), { attempts: 5, baseMs: 200, maxMs: 5_000, signal });
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const attempts = Math.max(1, Math.floor(options.attempts));
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isAppError(err) || !err.retryable || attempt + 1 >= attempts) throw err;
    }
    await sleep(backoffDelay(attempt, options.baseMs, options.maxMs, random), options.signal);
  }
}

/** Full-jitter wait before retry number `retry` (0-based): uniform in [0, min(maxMs, baseMs·2^retry)). */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return random() * Math.min(maxMs, baseMs * 2 ** retry);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
