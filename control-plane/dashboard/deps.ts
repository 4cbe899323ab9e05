import type { Logger } from '../log.ts';
import type { FleetView } from '../reconciler/fleet-view.ts';
import type { DomainRepo } from '../store/domain-repo.ts';

/** One stored certificate as the dashboard shows it. Times are epoch ms; null when unknown or unparseable. */
export interface CertRow {
  hostname: string;
  /** Issuer common name (or organization), null when unparseable. */
  issuer: string | null;
  notBefore: number | null;
  notAfter: number | null;
  /** Fractional days until `notAfter`; negative once expired. */
  daysLeft: number | null;
  /** `valid`, `expiring`, `expired`, `orphaned`, `unparseable` (the inventory's statuses). */
  status: string;
  /** Why the certificate could not be read, when it could not. */
  error: string | null;
}

/**
 * What the certificates page needs: plain data, so any inventory can be adapted to it.
 *
 * @example
 * { scannedAt: 1700000000000, total: 3, minDaysLeft: 12.5, soonest: [...], missing: { total: 1, sample: ['a.example'] },
 *   failing: [...], orphaned: [...] }
 */
export interface CertificateSummary {
  /** When the storage was read (epoch ms). */
  scannedAt: number;
  total: number;
  /** Least days left on a certificate in use; null when there is none. */
  minDaysLeft: number | null;
  /** Certificates in use, soonest `notAfter` first (a few). */
  soonest: CertRow[];
  /** Servable domains with no stored certificate: `total` and the first few names. */
  missing: { total: number; sample: string[] };
  /** Certificates of existing domains that are expired, expiring or unreadable. */
  failing: CertRow[];
  /** Certificates in storage for domains that no longer exist (or are not servable). */
  orphaned: CertRow[];
}

/** The certificate inventory, narrowed to what the dashboard reads and the one thing it changes. */
export interface DashboardCertificates {
  summary(): Promise<CertificateSummary>;
  /** Stored certificates of one hostname (usually zero or one). */
  forDomain(hostname: string): Promise<CertRow[]>;
  /**
   * Deletes the stored certificate files of an orphaned hostname. Must refuse (CERTIFICATE_IN_USE) when
   * the hostname is a servable domain, and CERTIFICATE_NOT_FOUND when nothing is stored for it.
   */
  deleteOrphan(hostname: string): Promise<{ removed: string[] }>;
}

/** One minute of ask answers; `minute` is the epoch ms at its start. */
export interface AskMinuteRow {
  minute: number;
  allowed: number;
  denied: number;
}

/** Ask activity: the last hour per minute (oldest first) and the most denied names. */
export interface AskActivitySnapshot {
  perMinute: AskMinuteRow[];
  topDenied: { name: string; count: number }[];
}

/** Fleet-wide facts shown above the node table (all optional). */
export interface FleetMeta {
  /** Desired-config generation. */
  generation?: number;
  /** True when membership is the last known list because discovery failed. */
  stale?: boolean;
  /** Why discovery failed, when stale. */
  error?: string;
  /** The latest check of the shared certificate storage (EFS on AWS, the directory locally). */
  storage?: { kind: string; ok: boolean; checkedAt: number; failing: { name: string; detail: string }[] };
}

/** Everything `createDashboard` needs. Capabilities are narrow interfaces; tests pass fakes or real SQLite. */
export interface DashboardDeps {
  /** API tokens that may sign in (the same set the REST API accepts). */
  apiTokens: readonly string[];
  fleet: FleetView;
  fleetMeta?: () => FleetMeta;
  domains: Pick<DomainRepo, 'list' | 'get' | 'events' | 'countByStatus'>;
  certificates: DashboardCertificates;
  askActivity: () => AskActivitySnapshot;
  /** Where the dashboard is mounted, for links and the cookie path. Default `/dashboard`. */
  basePath?: string;
  /** A session unused for this long ends (ms). Default 12 h. */
  sessionIdleMs?: number;
  /** Most sessions kept at once; the least recently used goes first. Default 1,000. */
  maxSessions?: number;
  /** How often `/events` samples the fleet view (ms). Default 1,000. */
  eventsPollMs?: number;
  /** An event stream is closed after this long; the browser reconnects (ms). Default 10 min. */
  eventsMaxMs?: number;
  /** Most event streams open at once. Default 50. */
  maxEventStreams?: number;
  /** Logs failed requests (5xx) with their stack; default silent. */
  logger?: Logger;
  now?: () => number;
}
