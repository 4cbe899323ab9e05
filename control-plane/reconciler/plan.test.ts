import { describe, expect, it } from 'vitest';
import { type PlanInput, plan } from './plan.ts';

const base: PlanInput = {
  desiredFingerprint: 'aaa',
  observed: { ok: true, fingerprint: 'aaa' },
  rejectedFingerprint: null,
  mode: 'repair',
  needsForcedReload: false,
  syncedFingerprint: 'old',
};

describe('plan', () => {
  it.each([
    ['in sync', {}, { action: 'none', status: 'in_sync' }],
    [
      'in sync but a certificate was removed',
      { needsForcedReload: true },
      { action: 'force-reload', status: 'in_sync' },
    ],
    [
      'unreachable',
      { observed: { ok: false, code: 'CADDY_UNREACHABLE', message: 'refused' } },
      { action: 'none', status: 'unreachable' },
    ],
    ['drifted, repair mode', { observed: { ok: true, fingerprint: 'bbb' } }, { action: 'push', status: 'drifted' }],
    [
      'drifted, report mode',
      { observed: { ok: true, fingerprint: 'bbb' }, mode: 'report' },
      { action: 'report', status: 'drifted' },
    ],
    [
      'drifted, this config was rejected before',
      { observed: { ok: true, fingerprint: 'bbb' }, rejectedFingerprint: 'aaa' },
      { action: 'none', status: 'rejected' },
    ],
    [
      'drifted, this config was rejected long ago',
      { observed: { ok: true, fingerprint: 'bbb' }, rejectedFingerprint: 'aaa', rejectionRetryDue: true },
      { action: 'push', status: 'drifted' },
    ],
    [
      'drifted, an older config was rejected',
      { observed: { ok: true, fingerprint: 'bbb' }, rejectedFingerprint: 'zzz' },
      { action: 'push', status: 'drifted' },
    ],
    [
      'unreachable wins over a forced reload',
      { observed: { ok: false, code: 'X', message: 'y' }, needsForcedReload: true },
      { action: 'none', status: 'unreachable' },
    ],
  ] as const)('%s', (_label, change, expected) => {
    expect(plan({ ...base, ...(change as Partial<PlanInput>) })).toEqual(expected);
  });
});
