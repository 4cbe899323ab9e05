import type Database from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { DomainRepo } from './domain-repo.ts';
import { openDatabase } from './open-database.ts';

/** The daemon's state: one SQLite file, one writer (this process). */
export interface Store {
  readonly db: Database.Database;
  readonly domains: DomainRepo;
  /** Throws STORE_UNAVAILABLE unless the database answers a query. */
  checkReady(): void;
  close(): void;
}

export interface OpenStoreOptions {
  now?: () => number;
  busyTimeoutMs?: number;
}

/** Opens the store on a file (migrating it) and prepares every repository. */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const db = openDatabase(path, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs });
  const domains = new DomainRepo(db, options.now);
  const ping = db.prepare('SELECT 1');
  return {
    db,
    domains,
    checkReady() {
      try {
        ping.get();
      } catch (err) {
        throw new AppError('STORE_UNAVAILABLE', 'database is not usable', { cause: err, retryable: true });
      }
    },
    close() {
      if (db.open) db.close();
    },
  };
}
