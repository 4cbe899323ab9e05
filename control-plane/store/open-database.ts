import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { loadMigrations, migrate } from './migrate.ts';

export interface OpenDatabaseOptions {
  /** Busy timeout in ms; kept short so a stuck writer surfaces as an error, not a hang. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the daemon's SQLite file with the durability settings every write relies on:
 * WAL, `synchronous=FULL` (an acknowledged commit survives power loss and `kill -9`), foreign keys on,
 * a short busy timeout; then applies pending migrations.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: options.readonly ?? false });
  } catch (err) {
    throw new AppError('STORE_UNAVAILABLE', `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 200}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db, loadMigrations());
    return db;
  } catch (err) {
    db.close();
    if (err instanceof AppError) throw err;
    throw new AppError('STORE_UNAVAILABLE', `cannot prepare database ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
