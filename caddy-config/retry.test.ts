import { describe, expect, it } from 'vitest';
import { AppError } from '../control-plane/errors.ts';
import { backoffDelay, withRetry } from './retry.ts';

const retryable = () => new AppError('CADDY_UNREACHABLE', 'down', { retryable: true });
const terminal = () => new AppError('CADDY_LOAD_REJECTED', 'bad config', { retryable: false });

describe('withRetry', () => {
  it('retries retryable errors until success', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw retryable();
        return 'ok';
      },
      { attempts: 5, baseMs: 1, maxMs: 2 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry terminal or non-AppError errors', async () => {
    for (const thrown of [terminal(), new Error('boom')]) {
      let calls = 0;
      const run = withRetry(
        async () => {
          calls++;
          throw thrown;
        },
        { attempts: 5, baseMs: 1, maxMs: 2 },
      );
      await expect(run).rejects.toBe(thrown);
      expect(calls).toBe(1);
    }
  });

  it('throws the last error after the attempts are used up', async () => {
    let calls = 0;
    const errors: AppError[] = [];
    const run = withRetry(
      async () => {
        calls++;
        const err = retryable();
        errors.push(err);
        throw err;
      },
      { attempts: 3, baseMs: 1, maxMs: 2 },
    );
    await expect(run).rejects.toThrow('down');
    expect(calls).toBe(3);
    expect(await run.catch((e: unknown) => e)).toBe(errors[2]);
  });

  it('computes full-jitter exponential backoff capped at maxMs', () => {
    expect([0, 1, 2, 3, 4, 10].map((retry) => backoffDelay(retry, 100, 1_000, () => 0.999999))).toEqual(
      [100, 200, 400, 800, 1_000, 1_000].map((cap) => cap * 0.999999),
    );
    expect(backoffDelay(3, 100, 1_000, () => 0)).toBe(0);
  });

  it('draws one random wait per retry', async () => {
    const caps: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        if (calls < 5) throw retryable();
      },
      {
        attempts: 5,
        baseMs: 1,
        maxMs: 4,
        random: () => {
          caps.push(calls);
          return 0.5;
        },
      },
    );
    // one random draw per retry: after attempts 1..4
    expect(caps).toEqual([1, 2, 3, 4]);
  });

  it('stops with the abort reason when the signal aborts during a wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        controller.abort(new Error('shutting down'));
        throw retryable();
      },
      { attempts: 10, baseMs: 10_000, maxMs: 10_000, signal: controller.signal },
    );
    await expect(run).rejects.toThrow('shutting down');
    expect(calls).toBe(1);
  });
});
