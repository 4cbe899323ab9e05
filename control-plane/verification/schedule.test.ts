import { describe, expect, it } from 'vitest';
import { NO_STREAK } from './lifecycle.ts';
import { nextCheckAt, nextMonitorCheckAt } from './schedule.ts';
import { DEFAULT_SCHEDULE_SETTINGS as S } from './settings.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 1);

describe('nextCheckAt (pending backoff)', () => {
  it('waits minutes at first, then hours, then a day', () => {
    const waits: number[] = [];
    let now = T0;
    for (let attempt = 1; attempt <= 14; attempt++) {
      const at = nextCheckAt(attempt, T0, 'fail', now, S);
      if (at === null) break;
      waits.push(at - now);
      now = at;
    }
    expect(waits.slice(0, 4)).toEqual([MIN, 2 * MIN, 4 * MIN, 8 * MIN]);
    expect(waits[7]).toBe(128 * MIN);
    expect(waits.slice(11)).toEqual([DAY, DAY, DAY]);
  });

  it('retries an inconclusive check soon whatever the backoff', () => {
    expect(nextCheckAt(12, T0, 'inconclusive', T0 + DAY, S)).toBe(T0 + DAY + 5 * MIN);
    expect(nextCheckAt(1, T0, 'inconclusive', T0, S)).toBe(T0 + MIN);
  });

  it('makes the last check land on the give-up time, then stops', () => {
    const giveUp = T0 + 7 * DAY;
    expect(nextCheckAt(20, T0, 'fail', giveUp - HOUR, S)).toBe(giveUp);
    expect(nextCheckAt(21, T0, 'fail', giveUp, S)).toBeNull();
  });

  it('gives up after the configured time on every path, in a bounded number of checks', () => {
    let now = T0;
    let checks = 0;
    for (let attempt = 1; attempt < 1_000; attempt++) {
      const at = nextCheckAt(attempt, T0, 'fail', now, S);
      checks++;
      if (at === null) break;
      now = at;
    }
    expect(now).toBe(T0 + 7 * DAY);
    expect(checks).toBeLessThan(25);
  });
});

describe('nextMonitorCheckAt', () => {
  it('re-checks active dns domains hourly, faster while failing', () => {
    expect(nextMonitorCheckAt('active', 'dns', NO_STREAK, null, T0, S)).toBe(T0 + HOUR);
    expect(nextMonitorCheckAt('active', 'dns', { count: 1, since: T0 }, null, T0, S)).toBe(T0 + 10 * MIN);
  });

  it('stops checking active txt and none domains', () => {
    expect(nextMonitorCheckAt('active', 'txt', NO_STREAK, null, T0, S)).toBeNull();
    expect(nextMonitorCheckAt('active', 'none', NO_STREAK, null, T0, S)).toBeNull();
  });

  it('checks moved domains hourly and exactly when the grace period ends', () => {
    expect(nextMonitorCheckAt('moved', 'dns', NO_STREAK, T0, T0, S)).toBe(T0 + HOUR);
    expect(nextMonitorCheckAt('moved', 'dns', NO_STREAK, T0, T0 + 7 * DAY - 10 * MIN, S)).toBe(T0 + 7 * DAY);
  });

  it('never schedules blocked, deleted or pending domains', () => {
    for (const status of ['blocked', 'deleted', 'pending'] as const) {
      expect(nextMonitorCheckAt(status, 'dns', NO_STREAK, null, T0, S)).toBeNull();
    }
  });
});
