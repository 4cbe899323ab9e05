import { describe, expect, it } from 'vitest';
import { isAskAllowed, type LifecycleContext, NO_STREAK, nextStatus, nextStreak } from './lifecycle.ts';
import { DEFAULT_SCHEDULE_SETTINGS as S } from './settings.ts';
import type { CheckOutcome, VerificationFindings, VerificationPolicy } from './types.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

function findings(policy: VerificationPolicy, main: CheckOutcome, caa: CheckOutcome = 'pass'): VerificationFindings {
  const outcome =
    main === 'fail' || caa === 'fail' ? 'fail' : main === 'pass' && caa === 'pass' ? 'pass' : 'inconclusive';
  return {
    policy,
    pass: outcome === 'pass',
    outcome,
    checks: policy === 'none' ? {} : { [policy]: main, caa },
    reasons: outcome === 'pass' ? [] : [{ code: 'DNS_NOT_POINTED', message: 'h has no CNAME, A or AAAA records' }],
    records: { cname: [], a: [], aaaa: [], txt: [], caa: null },
    checkedAt: new Date(T0).toISOString(),
  };
}

const ctx = (over: Partial<LifecycleContext> = {}): LifecycleContext => ({
  now: T0,
  firstCheckedAt: T0,
  movedAt: null,
  streak: NO_STREAK,
  schedule: S,
  ...over,
});

describe('nextStatus', () => {
  it('activates a pending domain whose check passed, under each policy', () => {
    for (const policy of ['none', 'dns', 'txt'] as const) {
      expect(nextStatus('pending', findings(policy, 'pass'), ctx())).toEqual({
        status: 'active',
        reason: `verification passed (${policy})`,
      });
    }
  });

  it('keeps a pending domain pending while it fails, and says so once it gives up', () => {
    expect(nextStatus('pending', findings('dns', 'fail'), ctx({ now: T0 + DAY }))).toBeNull();
    expect(nextStatus('pending', findings('dns', 'pass', 'fail'), ctx())).toBeNull();
    expect(nextStatus('pending', findings('dns', 'fail'), ctx({ now: T0 + 7 * DAY }))).toEqual({
      status: 'pending',
      reason: 'verification gave up after 7d: h has no CNAME, A or AAAA records',
    });
  });

  it('moves an active dns domain only after enough failures over enough time', () => {
    const f = findings('dns', 'fail');
    expect(nextStatus('active', f, ctx({ now: T0 + 40 * MIN, streak: { count: 2, since: T0 } }))).toBeNull();
    expect(nextStatus('active', f, ctx({ now: T0 + 10 * MIN, streak: { count: 5, since: T0 } }))).toBeNull();
    expect(nextStatus('active', f, ctx({ now: T0 + 30 * MIN, streak: { count: 3, since: T0 } }))).toEqual({
      status: 'moved',
      reason: 'DNS no longer points at the fleet (3 failed checks over 30m): h has no CNAME, A or AAAA records',
    });
  });

  it('never moves txt or none domains', () => {
    const streak = { count: 10, since: T0 };
    expect(nextStatus('active', findings('txt', 'fail'), ctx({ now: T0 + DAY, streak }))).toBeNull();
    expect(nextStatus('active', findings('none', 'pass'), ctx({ now: T0 + DAY, streak }))).toBeNull();
  });

  it('brings a moved domain back when it points at us again, even if CAA now fails', () => {
    expect(nextStatus('moved', findings('dns', 'pass', 'fail'), ctx({ movedAt: T0 }))).toEqual({
      status: 'active',
      reason: 'DNS points at the fleet again',
    });
  });

  it('deletes a moved domain once its grace period has passed, not before', () => {
    const f = findings('dns', 'fail');
    expect(nextStatus('moved', f, ctx({ movedAt: T0, now: T0 + 7 * DAY - 1 }))).toBeNull();
    expect(nextStatus('moved', f, ctx({ movedAt: T0, now: T0 + 7 * DAY }))?.status).toBe('deleted');
    expect(nextStatus('moved', findings('dns', 'inconclusive'), ctx({ movedAt: T0, now: T0 + 8 * DAY }))?.status).toBe(
      'deleted',
    );
  });

  it('leaves blocked and deleted domains alone', () => {
    for (const status of ['blocked', 'deleted'] as const) {
      expect(nextStatus(status, findings('dns', 'pass'), ctx())).toBeNull();
      expect(nextStatus(status, findings('dns', 'fail'), ctx({ now: T0 + 30 * DAY, movedAt: T0 }))).toBeNull();
    }
  });
});

describe('nextStreak', () => {
  it('counts conclusive dns failures, ignores inconclusive ones, resets on pass', () => {
    const one = nextStreak(NO_STREAK, findings('dns', 'fail'), T0);
    expect(one).toEqual({ count: 1, since: T0 });
    const still = nextStreak(one, findings('dns', 'inconclusive'), T0 + MIN);
    expect(still).toEqual(one);
    expect(nextStreak(still, findings('dns', 'fail'), T0 + 2 * MIN)).toEqual({ count: 2, since: T0 });
    expect(nextStreak(still, findings('dns', 'pass'), T0 + 2 * MIN)).toEqual(NO_STREAK);
  });

  it('ignores CAA failures and non-dns policies', () => {
    expect(nextStreak(NO_STREAK, findings('dns', 'pass', 'fail'), T0)).toEqual(NO_STREAK);
    expect(nextStreak({ count: 2, since: T0 }, findings('txt', 'fail'), T0)).toEqual(NO_STREAK);
  });
});

describe('isAskAllowed', () => {
  const grace = 7 * DAY;
  it.each([
    ['active', null, T0, true],
    ['pending', null, T0, false],
    ['blocked', null, T0, false],
    ['deleted', null, T0, false],
    ['moved', T0, T0 + grace - 1, true],
    ['moved', T0, T0 + grace, false],
    ['moved', null, T0, false],
  ] as const)('%s (movedAt %s, now %s) → %s', (status, movedAt, now, allowed) => {
    expect(isAskAllowed(status, movedAt, now, grace)).toBe(allowed);
  });
});
