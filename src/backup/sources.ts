/** What each backup database (`clara`, `mem0`) is: a PostgreSQL URL, an embedded SQLite file, or nothing. */
import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { BackupFormat } from './names.js';
import type { PostgresTarget } from './postgres.js';

export type DatabaseSource =
  | { kind: 'postgres'; target: PostgresTarget }
  | {
      kind: 'sqlite';
      file: string;
      /** The app's open connection to this file, when it has one. */
      connection?: BetterSqlite3.Database | undefined;
      /** Backed up by default only when the file exists (e.g. memory.db beside a PostgreSQL main database). */
      optional?: boolean;
    }
  | { kind: 'none'; reason: string };

export function formatOf(source: DatabaseSource): BackupFormat {
  return source.kind === 'sqlite' ? 'sqlite' : 'sql';
}

/** Whether the source is set up to be backed up (an optional SQLite file only once it exists). */
export function isConfigured(source: DatabaseSource): boolean {
  if (source.kind === 'none') return false;
  if (source.kind === 'sqlite' && source.optional)
    return Boolean(source.connection) || existsSync(source.file);
  return true;
}

export function notConfiguredReason(name: string, source: DatabaseSource): string {
  if (source.kind === 'none') return source.reason;
  if (source.kind === 'sqlite') return `${name}: there is no database file at ${source.file}.`;
  return `${name} is not configured.`;
}
