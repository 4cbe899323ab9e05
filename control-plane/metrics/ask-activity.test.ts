import { describe, expect, it } from 'vitest';
import { AskActivity } from './ask-activity.ts';

const T0 = 1_700_000_040_000; // a minute boundary
const MIN = 60_000;

describe('AskActivity', () => {
  it('counts allowed and denied per minute for the last hour, oldest first, gaps as zeros', () => {
    const a = new AskActivity();
    a.record({ result: 'allowed', hostname: 'a.com' }, T0);
    a.record({ result: 'allowed', hostname: 'a.com' }, T0 + 59_999);
    a.record({ result: 'unknown', hostname: 'x.com' }, T0 + 1);
    a.record({ result: 'allowed', hostname: 'a.com' }, T0 + 2 * MIN);
    const snap = a.snapshot(T0 + 2 * MIN + 5);
    expect(snap.perMinute).toHaveLength(60);
    expect(snap.perMinute.at(-1)).toEqual({ minute: T0 + 2 * MIN, allowed: 1, denied: 0 });
    expect(snap.perMinute.at(-2)).toEqual({ minute: T0 + MIN, allowed: 0, denied: 0 });
    expect(snap.perMinute.at(-3)).toEqual({ minute: T0, allowed: 2, denied: 1 });
    // an hour later the old minutes have rotated out of the ring
    const later = a.snapshot(T0 + 62 * MIN);
    expect(later.perMinute.every((m) => m.allowed === 0 && m.denied === 0)).toBe(true);
    a.record({ result: 'allowed' }, T0 + 62 * MIN);
    expect(a.snapshot(T0 + 62 * MIN).perMinute.at(-1)).toEqual({ minute: T0 + 62 * MIN, allowed: 1, denied: 0 });
  });

  it('ranks the top denied names (invalid queries by their raw value) and drops names not seen this hour', () => {
    const a = new AskActivity({ top: 2 });
    for (let i = 0; i < 5; i++) a.record({ result: 'unknown', hostname: 'scan.example.com' }, T0 + i);
    for (let i = 0; i < 3; i++) a.record({ result: 'not_active', hostname: 'blocked.example.com' }, T0 + i);
    a.record({ result: 'invalid', raw: '../../etc/passwd' }, T0);
    a.record({ result: 'invalid' }, T0);
    expect(a.snapshot(T0 + 10).topDenied).toEqual([
      { name: 'scan.example.com', count: 5 },
      { name: 'blocked.example.com', count: 3 },
    ]);
    expect(a.snapshot(T0 + 10).perMinute.at(-1)?.denied).toBe(10);
    expect(new AskActivity({ top: 5 }).snapshot(T0).topDenied).toEqual([]);
    expect(a.snapshot(T0 + 61 * MIN).topDenied).toEqual([]);
  });

  it('stays bounded under 100k distinct denied names and keeps the persistent offender', () => {
    const a = new AskActivity({ capacity: 2_000, top: 3 });
    for (let i = 0; i < 100_000; i++) {
      a.record({ result: 'unknown', hostname: `n${i}.scanner.test` }, T0 + i);
      if (i % 100 === 0) a.record({ result: 'unknown', hostname: 'wp-admin.victim.test' }, T0 + i);
    }
    const snap = a.snapshot(T0 + 100_000);
    expect(snap.trackedNames).toBeLessThanOrEqual(4_000);
    expect(snap.topDenied[0]).toEqual({ name: 'wp-admin.victim.test', count: 1_000 });
  });
});
