/** One named check of the shared certificate storage. */
export interface StorageCheck {
  /** Stable name, e.g. `file-system-encrypted`, `mount-target:us-east-1a`, `backups`. */
  name: string;
  ok: boolean;
  /** What was found, in words (never secrets). */
  detail: string;
}

/** The outcome of one storage probe. `ok` is true only when every check passed. */
export interface StorageReport {
  ok: boolean;
  checkedAt: Date;
  checks: StorageCheck[];
  /** Set when a call to the storage's API failed (the affected checks fail too). */
  error?: string;
}

/**
 * Checks the health of the storage Caddy shares its certificates on. Implementation:
 * `EfsStorageProbe` in `ecs/`. Never throws for a provider failure: it reports a failed check.
 */
export interface StorageProbe {
  /**
   * @param availabilityZones the AZs where Caddy nodes run (from membership); each needs a mount target.
   */
  probe(availabilityZones: readonly string[], signal?: AbortSignal): Promise<StorageReport>;
}

/** Test double: returns a copy of `report` and records the AZs of each call. */
export class FakeStorageProbe implements StorageProbe {
  readonly calls: string[][] = [];
  report: StorageReport;

  constructor(report?: StorageReport) {
    this.report = report ?? {
      ok: true,
      checkedAt: new Date(0),
      checks: [{ name: 'fake', ok: true, detail: 'fake storage is healthy' }],
    };
  }

  async probe(availabilityZones: readonly string[]): Promise<StorageReport> {
    this.calls.push([...availabilityZones]);
    return { ...this.report, checks: this.report.checks.map((c) => ({ ...c })) };
  }
}
