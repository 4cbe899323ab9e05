import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StorageReport } from '../control-plane/fleet/storage-probe.ts';
import { createEfsClient } from './aws-clients.ts';
import { EfsStorageProbe } from './efs-storage-probe.ts';
import type { EfsSettings } from './settings.ts';
import { fastClientOptions } from './testdata/aws-wire.ts';
import { type EfsWorld, efsWorld, efsWorldHandlers } from './testdata/efs-world.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CHECKED_AT = new Date('2026-03-01T12:00:00Z');
const AZS = ['us-east-1b', 'us-east-1a', 'us-east-1a'];

function probeFor(world: EfsWorld, overrides: Partial<EfsSettings> = {}): EfsStorageProbe {
  server.use(...efsWorldHandlers(world));
  return new EfsStorageProbe({
    settings: {
      region: 'us-east-1',
      fileSystemId: world.fileSystemId,
      accessPointId: 'fsap-0123456789abcdef0',
      posixUid: 1000,
      posixGid: 1000,
      rootDirectory: '/caddy',
      ...overrides,
    },
    client: createEfsClient('us-east-1', fastClientOptions(2)),
    now: () => CHECKED_AT,
  });
}

function failed(report: StorageReport): string[] {
  return report.checks.filter((c) => !c.ok).map((c) => c.name);
}

describe('EfsStorageProbe', () => {
  it('passes every check on a healthy file system (mount targets over two pages)', async () => {
    const world = efsWorld({ mountTargetPageSize: 1 });
    const report = await probeFor(world).probe(AZS);
    expect(report).toEqual({
      ok: true,
      checkedAt: CHECKED_AT,
      checks: [
        { name: 'file-system-available', ok: true, detail: 'fs-0123456789abcdef0 is available' },
        { name: 'file-system-encrypted', ok: true, detail: 'encrypted at rest' },
        { name: 'mount-target:us-east-1a', ok: true, detail: 'fsmt-0aaaaaaaaaaaaaaaa available' },
        { name: 'mount-target:us-east-1b', ok: true, detail: 'fsmt-0bbbbbbbbbbbbbbbb available' },
        { name: 'access-point', ok: true, detail: 'fsap-0123456789abcdef0 is available' },
        { name: 'access-point-posix-user', ok: true, detail: 'uid:gid 1000:1000, expected 1000:1000' },
        { name: 'access-point-root-directory', ok: true, detail: 'root /caddy, expected /caddy' },
        { name: 'backups', ok: true, detail: 'automatic backups ENABLED' },
      ],
    });
    expect(world.calls.filter((c) => c.operation === 'DescribeMountTargets')).toHaveLength(2);
    expect(world.calls.find((c) => c.operation === 'DescribeFileSystems')?.body).toEqual({
      FileSystemId: 'fs-0123456789abcdef0',
    });
  });

  it('fails on an unencrypted or unavailable file system', async () => {
    const report = await probeFor(efsWorld({ encrypted: false, lifeCycleState: 'updating' })).probe(AZS);
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['file-system-available', 'file-system-encrypted']);
    expect(report.checks[1]?.detail).toBe('NOT encrypted at rest');
    expect(report.error).toBeUndefined();
  });

  it('fails for an AZ where Caddy runs without an available mount target', async () => {
    const world = efsWorld();
    world.mountTargets[1]!.state = 'creating';
    const report = await probeFor(world).probe(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(failed(report)).toEqual(['mount-target:us-east-1b', 'mount-target:us-east-1c']);
    expect(report.checks.find((c) => c.name === 'mount-target:us-east-1b')?.detail).toBe(
      'none available (fsmt-0bbbbbbbbbbbbbbbb creating)',
    );
    expect(report.checks.find((c) => c.name === 'mount-target:us-east-1c')?.detail).toBe(
      'no mount target in us-east-1c',
    );
  });

  it('fails on an access point with another POSIX user or root directory', async () => {
    const world = efsWorld();
    Object.assign(world.accessPoint!, { uid: 0, gid: 0, path: '/' });
    const report = await probeFor(world).probe(AZS);
    expect(failed(report)).toEqual(['access-point-posix-user', 'access-point-root-directory']);
    expect(report.checks.find((c) => c.name === 'access-point-posix-user')?.detail).toBe(
      'uid:gid 0:0, expected 1000:1000',
    );
  });

  it('fails on an access point of another file system, and on a missing one', async () => {
    const world = efsWorld();
    world.accessPoint!.fileSystemId = 'fs-0ffffffffffffffff';
    const other = await probeFor(world).probe(AZS);
    expect(failed(other)).toEqual(['access-point']);

    const missing = await probeFor(efsWorld(), { accessPointId: 'fsap-0000000000000dead' }).probe(AZS);
    expect(failed(missing)).toEqual(['access-point', 'access-point-posix-user', 'access-point-root-directory']);
    expect(missing.error).toMatch(/^EFS DescribeAccessPoints failed: AccessPointNotFound/);
  });

  it('skips access point checks when no access point is configured', async () => {
    const world = efsWorld();
    const report = await probeFor(world, { accessPointId: undefined }).probe(AZS);
    expect(report.ok).toBe(true);
    expect(report.checks.some((c) => c.name.startsWith('access-point'))).toBe(false);
    expect(world.calls.some((c) => c.operation === 'DescribeAccessPoints')).toBe(false);
  });

  it('fails when backups are disabled or there is no backup policy', async () => {
    const disabled = await probeFor(efsWorld({ backupStatus: 'DISABLED' })).probe(AZS);
    expect(failed(disabled)).toEqual(['backups']);
    expect(disabled.error).toBeUndefined();

    const none = await probeFor(efsWorld({ backupStatus: undefined })).probe(AZS);
    expect(none.checks.find((c) => c.name === 'backups')).toEqual({
      name: 'backups',
      ok: false,
      detail: 'no backup policy: automatic backups off',
    });
    expect(none.error).toBeUndefined();
  });

  it('reports an API failure as failed checks, never throws, and still runs the other checks', async () => {
    const world = efsWorld();
    world.faults.set('DescribeFileSystems', { remaining: Number.POSITIVE_INFINITY, kind: 'error' });
    world.faults.set('DescribeBackupPolicy', { remaining: Number.POSITIVE_INFINITY, kind: 'throttle' });
    const report = await probeFor(world).probe(AZS);
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['file-system-available', 'file-system-encrypted', 'backups']);
    expect(report.checks[0]?.detail).toMatch(/^EFS DescribeFileSystems failed: AccessDeniedException/);
    expect(report.error).toContain('EFS DescribeFileSystems failed: AccessDeniedException');
    expect(report.error).toContain('EFS DescribeBackupPolicy failed: ThrottlingException');
    expect(world.calls.filter((c) => c.operation === 'DescribeBackupPolicy')).toHaveLength(2); // retried
    expect(world.calls.filter((c) => c.operation === 'DescribeFileSystems')).toHaveLength(1); // not retryable
  });

  it('reports a missing file system', async () => {
    const report = await probeFor(efsWorld(), { fileSystemId: 'fs-0000000000000dead' }).probe([]);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'file-system-available')?.detail).toMatch(/FileSystemNotFound/);
    expect(report.checks.find((c) => c.name === 'mount-targets')).toBeDefined();
  });
});
