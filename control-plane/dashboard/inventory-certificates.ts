import { relative } from 'node:path';
import { removeCertificates } from '../certificates/cert-storage.ts';
import type { CertificateInventory, InventoryEntry } from '../certificates/certificate-inventory.ts';
import { AppError } from '../errors.ts';
import { isServable } from '../store/domain.ts';
import type { DomainRepo } from '../store/domain-repo.ts';
import type { CertRow, DashboardCertificates } from './deps.ts';

export interface InventoryCertificatesOptions {
  inventory: CertificateInventory;
  /** Caddy's `file_system` storage root. */
  storageRoot: string;
  domains: Pick<DomainRepo, 'askStatus'>;
  /** Longest failing and orphaned lists shown (default 200). */
  listLimit?: number;
}

function toRow(e: InventoryEntry): CertRow {
  return {
    hostname: e.hostname,
    issuer: e.info ? (e.info.issuer.commonName ?? e.info.issuer.organization) : null,
    notBefore: e.info?.notBefore ?? null,
    notAfter: e.info?.notAfter ?? null,
    daysLeft: e.daysLeft,
    status: e.status,
    error: e.error ? `${e.error.code}: ${e.error.message}` : null,
  };
}

const servable = (e: InventoryEntry) => e.domainStatus !== null && isServable(e.domainStatus);

/**
 * Adapts the real {@link CertificateInventory} to the dashboard's {@link DashboardCertificates}.
 * An unreadable certificate counts as failing when its domain is servable and as orphaned otherwise.
 *
 * @example
 * certificates: inventoryCertificates({ inventory, storageRoot: config.caddy.storageRoot, domains: store.domains })
 */
export function inventoryCertificates(o: InventoryCertificatesOptions): DashboardCertificates {
  const limit = o.listLimit ?? 200;
  return {
    async summary() {
      const [s, entries] = await Promise.all([o.inventory.summary(), o.inventory.entries()]);
      const failing: CertRow[] = [];
      const orphaned: CertRow[] = [];
      for (const e of entries) {
        const isFailing =
          e.status === 'expired' || e.status === 'expiring' || (e.status === 'unparseable' && servable(e));
        const isOrphan = e.status === 'orphaned' || (e.status === 'unparseable' && !servable(e));
        if (isFailing && failing.length < limit) failing.push(toRow(e));
        if (isOrphan && orphaned.length < limit) orphaned.push(toRow(e));
      }
      return {
        scannedAt: s.scannedAt,
        total: s.total,
        minDaysLeft: s.minDaysLeft,
        soonest: s.soonestExpiring.map(toRow),
        missing: { total: s.missing.total, sample: s.missing.hostnames.slice(0, 50) },
        failing,
        orphaned,
      };
    },
    async forDomain(hostname) {
      return (await o.inventory.forDomain(hostname)).map(toRow);
    },
    async deleteOrphan(hostname) {
      const name = hostname.toLowerCase();
      const status = o.domains.askStatus(name);
      if (status !== undefined && isServable(status)) {
        throw new AppError(
          'CERTIFICATE_IN_USE',
          `${name} is an ${status} domain; only orphaned certificates can be deleted`,
        );
      }
      const removed = await removeCertificates(o.storageRoot, name);
      o.inventory.invalidate();
      if (removed.length === 0) throw new AppError('CERTIFICATE_NOT_FOUND', `no certificate stored for ${name}`);
      return { removed: removed.map((dir) => relative(o.storageRoot, dir)) };
    },
  };
}
