import type { AccessPointDescription, FileSystemDescription, MountTargetDescription } from '@aws-sdk/client-efs';
import type { StorageCheck } from '../control-plane/fleet/storage-probe.ts';
import type { EfsSettings } from './settings.ts';

/** Pure checks over EFS API responses; `EfsStorageProbe` does the calls. */

/** `file-system-available` and `file-system-encrypted`. */
export function checkFileSystem(fileSystemId: string, fs: FileSystemDescription | undefined): StorageCheck[] {
  if (!fs) {
    const detail = `file system ${fileSystemId} not found`;
    return [
      { name: 'file-system-available', ok: false, detail },
      { name: 'file-system-encrypted', ok: false, detail },
    ];
  }
  const state = fs.LifeCycleState ?? 'unknown';
  return [
    { name: 'file-system-available', ok: state === 'available', detail: `${fileSystemId} is ${state}` },
    {
      name: 'file-system-encrypted',
      ok: fs.Encrypted === true,
      detail: fs.Encrypted === true ? 'encrypted at rest' : 'NOT encrypted at rest',
    },
  ];
}

/** Check names for the mount targets of `availabilityZones` (one per AZ, or `mount-targets` when none given). */
export function mountTargetCheckNames(availabilityZones: readonly string[]): string[] {
  const azs = [...new Set(availabilityZones)].sort();
  return azs.length === 0 ? ['mount-targets'] : azs.map((az) => `mount-target:${az}`);
}

/** One `mount-target:<az>` check per AZ where Caddy runs: an `available` mount target must exist there. */
export function checkMountTargets(
  availabilityZones: readonly string[],
  targets: readonly MountTargetDescription[],
): StorageCheck[] {
  const available = targets.filter((t) => t.LifeCycleState === 'available');
  const azs = [...new Set(availabilityZones)].sort();
  if (azs.length === 0) {
    return [
      {
        name: 'mount-targets',
        ok: available.length > 0,
        detail: `no Caddy AZs known; ${available.length} of ${targets.length} mount targets available`,
      },
    ];
  }
  return azs.map((az) => {
    const inAz = targets.filter((t) => t.AvailabilityZoneName === az);
    const good = inAz.find((t) => t.LifeCycleState === 'available');
    if (good) return { name: `mount-target:${az}`, ok: true, detail: `${good.MountTargetId} available` };
    const states = inAz.map((t) => `${t.MountTargetId} ${t.LifeCycleState}`).join(', ');
    return {
      name: `mount-target:${az}`,
      ok: false,
      detail: states ? `none available (${states})` : `no mount target in ${az}`,
    };
  });
}

/** Check names for the access point settings that are set. */
export function accessPointCheckNames(settings: EfsSettings): string[] {
  const names = ['access-point'];
  if (settings.posixUid !== undefined || settings.posixGid !== undefined) names.push('access-point-posix-user');
  if (settings.rootDirectory !== undefined) names.push('access-point-root-directory');
  return names;
}

/** `access-point` (exists, on this file system, available) plus the POSIX user and root directory when expected. */
export function checkAccessPoint(settings: EfsSettings, ap: AccessPointDescription | undefined): StorageCheck[] {
  const id = settings.accessPointId ?? '';
  const names = accessPointCheckNames(settings);
  if (!ap) return names.map((name) => ({ name, ok: false, detail: `access point ${id} not found` }));
  const state = ap.LifeCycleState ?? 'unknown';
  const sameFs = ap.FileSystemId === settings.fileSystemId;
  const checks: StorageCheck[] = [
    {
      name: 'access-point',
      ok: sameFs && state === 'available',
      detail: sameFs ? `${id} is ${state}` : `${id} belongs to ${ap.FileSystemId}, not ${settings.fileSystemId}`,
    },
  ];
  if (names.includes('access-point-posix-user')) {
    const uid = ap.PosixUser?.Uid;
    const gid = ap.PosixUser?.Gid;
    const ok =
      (settings.posixUid === undefined || uid === settings.posixUid) &&
      (settings.posixGid === undefined || gid === settings.posixGid);
    const want = `${settings.posixUid ?? '*'}:${settings.posixGid ?? '*'}`;
    const found = ap.PosixUser ? `${uid}:${gid}` : 'none';
    checks.push({ name: 'access-point-posix-user', ok, detail: `uid:gid ${found}, expected ${want}` });
  }
  if (settings.rootDirectory !== undefined) {
    const path = ap.RootDirectory?.Path ?? '/';
    checks.push({
      name: 'access-point-root-directory',
      ok: path === settings.rootDirectory,
      detail: `root ${path}, expected ${settings.rootDirectory}`,
    });
  }
  return checks;
}

/** `backups`: AWS Backup's automatic backups must be ENABLED (`undefined` status = no policy). */
export function checkBackups(status: string | undefined): StorageCheck[] {
  if (status === undefined) return [{ name: 'backups', ok: false, detail: 'no backup policy: automatic backups off' }];
  return [{ name: 'backups', ok: status === 'ENABLED', detail: `automatic backups ${status}` }];
}
