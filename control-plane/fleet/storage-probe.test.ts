import { describe, expect, it } from 'vitest';
import { FakeStorageProbe } from './storage-probe.ts';

describe('FakeStorageProbe', () => {
  it('returns its canned report and records the AZs asked about', async () => {
    const fake = new FakeStorageProbe();
    expect((await fake.probe(['us-east-1a'])).ok).toBe(true);
    fake.report = {
      ok: false,
      checkedAt: new Date(5),
      checks: [{ name: 'backups', ok: false, detail: 'automatic backups DISABLED' }],
    };
    const report = await fake.probe(['us-east-1a', 'us-east-1b']);
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([{ name: 'backups', ok: false, detail: 'automatic backups DISABLED' }]);
    expect(fake.calls).toEqual([['us-east-1a'], ['us-east-1a', 'us-east-1b']]);
  });
});
