import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.ts';

describe('backoffDelayMs', () => {
  it('doubles from seconds up to an hour, with jitter in the upper half', () => {
    const low = (n: number) => backoffDelayMs(n, DEFAULT_BACKOFF, () => 0);
    const high = (n: number) => backoffDelayMs(n, DEFAULT_BACKOFF, () => 0.999_999);
    expect([1, 2, 3, 4].map(low)).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map(high)).toEqual([1_000, 2_000, 4_000, 8_000]);
    for (const n of [13, 20, 1_000]) {
      expect(high(n)).toBeGreaterThan(3_599_000);
      expect(high(n)).toBeLessThanOrEqual(3_600_000);
    }
    expect(low(1_000)).toBe(1_800_000);
  });
});
