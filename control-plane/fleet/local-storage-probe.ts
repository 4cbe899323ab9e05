import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageCheck, StorageProbe, StorageReport } from './storage-probe.ts';

/**
 * Checks a certificate storage root the daemon can reach as a directory (local fleets, or the EFS
 * mount inside the daemon's container): it exists, the daemon can write there (removal deletes
 * certificate files), and the file system has room. Never throws.
 */
export class LocalStorageProbe implements StorageProbe {
  readonly #root: string;
  readonly #minFreeBytes: number;

  constructor(root: string, minFreeBytes = 100 * 1024 * 1024) {
    this.#root = root;
    this.#minFreeBytes = minFreeBytes;
  }

  async probe(): Promise<StorageReport> {
    const checks: StorageCheck[] = [];
    try {
      await mkdir(this.#root, { recursive: true });
      const s = await stat(this.#root);
      checks.push({
        name: 'storage-root',
        ok: s.isDirectory(),
        detail: s.isDirectory() ? `${this.#root} is a directory` : `${this.#root} is not a directory`,
      });
    } catch (err) {
      checks.push({
        name: 'storage-root',
        ok: false,
        detail: `cannot use ${this.#root}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      });
    }
    const probe = join(this.#root, `.caddy-fleet-probe-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
      checks.push({ name: 'writable', ok: true, detail: 'the daemon can create and delete files here' });
    } catch (err) {
      checks.push({
        name: 'writable',
        ok: false,
        detail: `cannot write: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      });
    }
    try {
      const fs = await statfs(this.#root);
      const free = fs.bavail * fs.bsize;
      checks.push({
        name: 'free-space',
        ok: free >= this.#minFreeBytes,
        detail: `${Math.round(free / 1024 / 1024)} MiB free`,
      });
    } catch {
      checks.push({ name: 'free-space', ok: false, detail: 'could not read file system statistics' });
    }
    return { ok: checks.every((c) => c.ok), checkedAt: new Date(), checks };
  }
}
