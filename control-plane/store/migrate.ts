import { readdirSync, readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { AppError } from '../errors.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** The numbered SQL files in `migrations/` (`NNN-name.sql`), in order. Numbers must be 1..n without gaps. */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  return files.map((file, i) => {
    const version = Number(file.slice(0, 3));
    if (version !== i + 1) throw new Error(`migration ${file}: expected number ${i + 1}`);
    return { version, name: file.slice(4, -4), sql: readFileSync(new URL(file, dir), 'utf8') };
  });
}

/**
 * Applies pending migrations, each in its own transaction, tracking progress in `user_version`.
 * Forward-only: a database whose schema is newer than this code is refused, never touched.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  if (from > latest) {
    throw new AppError(
      'STORE_UNAVAILABLE',
      `database schema version ${from} is newer than this caddy-fleet understands (${latest}); refusing to open it`,
      { details: { schemaVersion: from, supportedVersion: latest } },
    );
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, latest) };
}
