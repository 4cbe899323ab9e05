import type Database from 'better-sqlite3';
import type { EventSink } from './event-sink.ts';

/** A certificate as the inventory knows it. `notAfter` is epoch ms. */
export interface CertificateExpiry {
  hostname: string;
  notAfter: number;
  issuer?: string | null;
}

export interface CertificateEventsOptions {
  /** Warn when fewer than this many days are left (config `certExpiryWarnDays`). */
  warnDays: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;
/** Notices for certificates that expired this long ago are forgotten (a renewal has a new notAfter anyway). */
const FORGET_AFTER_MS = 90 * DAY_MS;

/**
 * Emits `certificate.expiring` once per certificate (hostname, notAfter) with fewer than `warnDays` days
 * left, expired ones included. What was sent is remembered in SQLite in the same transaction as the
 * event, so a restart does not send it again; a renewed certificate (new notAfter) is a new notice.
 */
export class CertificateExpiryNotifier {
  readonly #db: Database.Database;
  readonly #sink: EventSink;
  readonly #warnMs: number;
  readonly #warnDays: number;
  readonly #now: () => number;
  readonly #seen;
  readonly #remember;
  readonly #forget;

  constructor(db: Database.Database, sink: EventSink, options: CertificateEventsOptions) {
    this.#db = db;
    this.#sink = sink;
    this.#warnDays = options.warnDays;
    this.#warnMs = options.warnDays * DAY_MS;
    this.#now = options.now ?? Date.now;
    this.#seen = db.prepare<[string, number], number>(
      'SELECT 1 FROM certificate_notices WHERE hostname = ? AND not_after = ?',
    );
    this.#remember = db.prepare<[string, number, number, string]>(
      'INSERT INTO certificate_notices (hostname, not_after, notified_at, event_id) VALUES (?, ?, ?, ?)',
    );
    this.#forget = db.prepare<[number]>('DELETE FROM certificate_notices WHERE not_after < ?');
  }

  /** Checks a list of certificates (e.g. the inventory's scan); returns the hostnames newly notified. */
  check(certificates: readonly CertificateExpiry[]): string[] {
    const now = this.#now();
    const notified: string[] = [];
    this.#db
      .transaction(() => {
        for (const cert of certificates) {
          const leftMs = cert.notAfter - now;
          if (!Number.isFinite(cert.notAfter) || leftMs >= this.#warnMs) continue;
          if (this.#seen.get(cert.hostname, cert.notAfter) !== undefined) continue;
          const eventId = this.#sink.emit('certificate.expiring', {
            hostname: cert.hostname,
            not_after: new Date(cert.notAfter).toISOString(),
            days_left: Math.floor(leftMs / DAY_MS),
            expired: leftMs <= 0,
            issuer: cert.issuer ?? null,
            warn_days: this.#warnDays,
          });
          // The notice commits with the event (same transaction): sent once, even across restarts.
          this.#remember.run(cert.hostname, cert.notAfter, now, typeof eventId === 'string' ? eventId : '');
          notified.push(cert.hostname);
        }
        this.#forget.run(now - FORGET_AFTER_MS);
      })
      .immediate();
    return notified;
  }
}
