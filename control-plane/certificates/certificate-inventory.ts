import { isServable } from '../store/domain.ts';
import type { DomainRepo } from '../store/domain-repo.ts';
import { DOMAIN_STATUSES, type DomainStatus } from '../types.ts';
import { type ScanOptions, type StoredCertificate, scanCertificates } from './cert-storage.ts';
import {
  CERTIFICATE_STATUSES,
  type CertificateStatus,
  classifyCertificate,
  DEFAULT_EXPIRING_RATIO,
  daysLeft,
} from './certificate-status.ts';

/** A stored certificate judged against the domains as they are now. */
export interface InventoryEntry extends StoredCertificate {
  status: CertificateStatus;
  /** Status of the domain with this hostname, null when there is none. */
  domainStatus: DomainStatus | null;
  /** Null when unparseable. */
  daysLeft: number | null;
}

export interface CertificateSummary {
  /** When the storage was read (epoch ms). */
  scannedAt: number;
  total: number;
  byStatus: Record<CertificateStatus, number>;
  /** Least days left on a certificate in use (not orphaned, parseable); negative once expired; null when none. */
  minDaysLeft: number | null;
  /** Certificates in use, soonest `notAfter` first. */
  soonestExpiring: InventoryEntry[];
  /** Servable domains without any stored certificate: normal until the first handshake for the name. */
  missing: { total: number; hostnames: string[] };
}

export interface CertificateInventoryOptions {
  storageRoot: string;
  domains: Pick<DomainRepo, 'askStatus' | 'list' | 'countByStatus'>;
  now?: () => number;
  /** A scan older than this is redone on the next read (default 60 s). */
  maxAgeMs?: number;
  expiringRatio?: number;
  scanOptions?: ScanOptions;
}

interface Scan {
  at: number;
  /** Sorted by hostname, then issuer key. */
  certs: StoredCertificate[];
  byHostname: Map<string, StoredCertificate[]>;
}

const MISSING_PAGE = 1_000;

/**
 * Caddy's stored certificates, read at most once per `maxAgeMs` (concurrent readers share one scan)
 * and classified on every call against the live domain statuses (the in-memory ask index).
 */
export class CertificateInventory {
  readonly #options: CertificateInventoryOptions;
  readonly #now: () => number;
  #scan: Scan | undefined;
  #inFlight: Promise<Scan> | undefined;
  #last: Scan | undefined;
  /** Bumped by `invalidate()`, so a scan that started before it is not cached. */
  #epoch = 0;

  constructor(options: CertificateInventoryOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Forgets the cached scan: the next read rescans (call after deleting certificate files). */
  invalidate(): void {
    this.#scan = undefined;
    this.#inFlight = undefined;
    this.#epoch++;
  }

  /** Every stored certificate, classified at `now`, sorted by hostname then issuer key. */
  async entries(now: number = this.#now()): Promise<InventoryEntry[]> {
    const scan = await this.#current();
    return scan.certs.map((c) => this.#judge(c, now));
  }

  /** The certificates stored for one hostname (one per issuer folder; usually zero or one). */
  async forDomain(hostname: string, now: number = this.#now()): Promise<InventoryEntry[]> {
    const scan = await this.#current();
    return (scan.byHostname.get(hostname) ?? []).map((c) => this.#judge(c, now));
  }

  /** Counts, the soonest expiring `soonest` (default 10), and up to `missingLimit` (default 100) missing names. */
  async summary(
    now: number = this.#now(),
    options: { soonest?: number; missingLimit?: number } = {},
  ): Promise<CertificateSummary> {
    const scan = await this.#current();
    const top = options.soonest ?? 10;
    const byStatus = Object.fromEntries(CERTIFICATE_STATUSES.map((s) => [s, 0])) as Record<CertificateStatus, number>;
    // Keep the `top` smallest notAfter in order: one pass, entries built only for candidates.
    const soonest: InventoryEntry[] = [];
    let minNotAfter = Number.POSITIVE_INFINITY;
    for (const cert of scan.certs) {
      const status = this.#status(cert, now);
      byStatus[status]++;
      if (status === 'orphaned' || status === 'unparseable') continue;
      const notAfter = cert.info!.notAfter;
      if (notAfter < minNotAfter) minNotAfter = notAfter;
      if (top === 0) continue;
      if (soonest.length === top && notAfter >= soonest[top - 1]!.info!.notAfter) continue;
      let i = soonest.length;
      while (i > 0 && soonest[i - 1]!.info!.notAfter > notAfter) i--;
      soonest.splice(i, 0, this.#judge(cert, now));
      if (soonest.length > top) soonest.pop();
    }
    return {
      scannedAt: scan.at,
      total: scan.certs.length,
      byStatus,
      minDaysLeft: minNotAfter === Number.POSITIVE_INFINITY ? null : (minNotAfter - now) / 86_400_000,
      soonestExpiring: soonest,
      missing: this.#missing(scan.byHostname, options.missingLimit ?? 100),
    };
  }

  #status(cert: StoredCertificate, now: number): CertificateStatus {
    const domainStatus = this.#options.domains.askStatus(cert.hostname);
    return classifyCertificate(cert.info, domainStatus, now, this.#options.expiringRatio ?? DEFAULT_EXPIRING_RATIO);
  }

  #judge(cert: StoredCertificate, now: number): InventoryEntry {
    return {
      ...cert,
      status: this.#status(cert, now),
      domainStatus: this.#options.domains.askStatus(cert.hostname) ?? null,
      daysLeft: cert.info ? daysLeft(cert.info, now) : null,
    };
  }

  /**
   * The total comes from counts (domains per status, stored names that are servable), with no pass
   * over the table; names are then listed page by page only until `limit` are found.
   */
  #missing(stored: ReadonlyMap<string, unknown>, limit: number): { total: number; hostnames: string[] } {
    const { domains } = this.#options;
    const servable = DOMAIN_STATUSES.filter(isServable);
    const counts = domains.countByStatus();
    let total = servable.reduce((sum, status) => sum + counts[status], 0);
    for (const hostname of stored.keys()) {
      const status = domains.askStatus(hostname);
      if (status !== undefined && isServable(status)) total--;
    }
    const hostnames: string[] = [];
    for (const status of servable) {
      let after: string | undefined;
      while (hostnames.length < Math.min(limit, total)) {
        const page = domains.list({ status, limit: MISSING_PAGE, ...(after === undefined ? {} : { after }) });
        for (const d of page) if (!stored.has(d.hostname) && hostnames.length < limit) hostnames.push(d.hostname);
        if (page.length < MISSING_PAGE) break;
        after = page[page.length - 1]!.hostname;
      }
    }
    return { total, hostnames };
  }

  async #current(): Promise<Scan> {
    const maxAge = this.#options.maxAgeMs ?? 60_000;
    if (this.#scan && this.#now() - this.#scan.at <= maxAge) return this.#scan;
    if (this.#inFlight) return this.#inFlight;
    const scanning = this.#rescan(this.#epoch).finally(() => {
      if (this.#inFlight === scanning) this.#inFlight = undefined;
    });
    this.#inFlight = scanning;
    return scanning;
  }

  async #rescan(epoch: number): Promise<Scan> {
    const at = this.#now();
    // The last scan survives invalidate() as a parse cache: unchanged files are not parsed again.
    const certs = await scanCertificates(this.#options.storageRoot, {
      ...this.#options.scanOptions,
      ...(this.#last ? { previous: this.#last.certs } : {}),
    });
    certs.sort((a, b) => compare(a.hostname, b.hostname) || compare(a.issuerKey, b.issuerKey));
    const byHostname = new Map<string, StoredCertificate[]>();
    for (const c of certs) {
      const list = byHostname.get(c.hostname);
      if (list) list.push(c);
      else byHostname.set(c.hostname, [c]);
    }
    const scan = { at, certs, byHostname };
    this.#last = scan;
    if (epoch === this.#epoch) this.#scan = scan;
    return scan;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
