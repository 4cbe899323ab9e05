import {
  type AccessPointDescription,
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  type EFSClient,
  type MountTargetDescription,
} from '@aws-sdk/client-efs';
import type { StorageCheck, StorageProbe, StorageReport } from '../control-plane/fleet/storage-probe.ts';
import { callAws, MAX_PAGES } from './aws-call.ts';
import {
  accessPointCheckNames,
  checkAccessPoint,
  checkBackups,
  checkFileSystem,
  checkMountTargets,
  mountTargetCheckNames,
} from './efs-checks.ts';
import type { EfsSettings } from './settings.ts';

/** What {@link EfsStorageProbe} needs; build the client with `createEfsClient(region)`. */
export interface EfsStorageProbeDeps {
  settings: EfsSettings;
  client: EFSClient;
  /** Clock for `checkedAt`; defaults to the system clock. */
  now?: () => Date;
}

/**
 * Checks the EFS file system holding Caddy's certificates: available and encrypted, an available
 * mount target in every AZ where Caddy runs, the access point's POSIX user and root directory,
 * and automatic backups. The four API calls run in parallel; one that fails fails its own checks
 * (detail = the error) and sets `error`, the others still report. Never throws.
 */
export class EfsStorageProbe implements StorageProbe {
  readonly #deps: EfsStorageProbeDeps;

  constructor(deps: EfsStorageProbeDeps) {
    this.#deps = deps;
  }

  async probe(availabilityZones: readonly string[], signal?: AbortSignal): Promise<StorageReport> {
    const { settings, client } = this.#deps;
    const opts = { abortSignal: signal };
    const fsId = settings.fileSystemId;
    const errors: string[] = [];
    const guard = async (names: string[], run: () => Promise<StorageCheck[]>): Promise<StorageCheck[]> => {
      try {
        return await run();
      } catch (err) {
        const detail = (err as Error).message;
        errors.push(detail);
        return names.map((name) => ({ name, ok: false, detail }));
      }
    };

    const groups = await Promise.all([
      guard(['file-system-available', 'file-system-encrypted'], async () => {
        const out = await callAws('EFS DescribeFileSystems', () =>
          client.send(new DescribeFileSystemsCommand({ FileSystemId: fsId }), opts),
        );
        return checkFileSystem(
          fsId,
          out.FileSystems?.find((f) => f.FileSystemId === fsId),
        );
      }),
      guard(mountTargetCheckNames(availabilityZones), async () =>
        checkMountTargets(availabilityZones, await this.#mountTargets(signal)),
      ),
      settings.accessPointId === undefined
        ? Promise.resolve([])
        : guard(accessPointCheckNames(settings), async () => {
            const out = await callAws('EFS DescribeAccessPoints', () =>
              client.send(new DescribeAccessPointsCommand({ AccessPointId: settings.accessPointId }), opts),
            );
            const ap: AccessPointDescription | undefined = out.AccessPoints?.[0];
            return checkAccessPoint(settings, ap);
          }),
      guard(['backups'], async () => checkBackups(await this.#backupStatus(signal))),
    ]);

    const checks = groups.flat();
    const report: StorageReport = { ok: checks.every((c) => c.ok), checkedAt: this.#now(), checks };
    if (errors.length > 0) report.error = errors.join('; ');
    return report;
  }

  async #mountTargets(signal: AbortSignal | undefined): Promise<MountTargetDescription[]> {
    const targets: MountTargetDescription[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await callAws('EFS DescribeMountTargets', () =>
        this.#deps.client.send(
          new DescribeMountTargetsCommand({ FileSystemId: this.#deps.settings.fileSystemId, Marker: marker }),
          { abortSignal: signal },
        ),
      );
      targets.push(...(out.MountTargets ?? []));
      marker = out.NextMarker;
      if (!marker) break;
    }
    return targets;
  }

  /** The policy's status, or undefined when the file system has no backup policy (EFS answers PolicyNotFound). */
  async #backupStatus(signal: AbortSignal | undefined): Promise<string | undefined> {
    try {
      const out = await this.#deps.client.send(
        new DescribeBackupPolicyCommand({ FileSystemId: this.#deps.settings.fileSystemId }),
        { abortSignal: signal },
      );
      return out.BackupPolicy?.Status ?? undefined;
    } catch (err) {
      if ((err as Error).name === 'PolicyNotFound') return undefined;
      return callAws('EFS DescribeBackupPolicy', () => Promise.reject(err));
    }
  }

  #now(): Date {
    return this.#deps.now ? this.#deps.now() : new Date();
  }
}
