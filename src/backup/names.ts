/**
 * Backup names and keys: `backups/<db>/<db>_<YYYYMMDD_HHMMSS>.sql.gz` (PostgreSQL, plain SQL) or `.sqlite.gz`
 * (an embedded SQLite file). Timestamps are UTC.
 */
import type { BackupDatabaseName } from './types.js';

export const BACKUP_PREFIX = 'backups';

export type BackupFormat = 'sql' | 'sqlite';

const NAME = /^(clara|mem0)_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})\.(sql|sqlite)\.gz$/;

export interface ParsedBackupName {
  database: BackupDatabaseName;
  createdAt: Date;
  format: BackupFormat;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatStamp(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

export function backupName(database: BackupDatabaseName, format: BackupFormat, at: Date): string {
  return `${database}_${formatStamp(at)}.${format}.gz`;
}

/** The database, time and format of a name this module wrote; undefined for anything else. */
export function parseBackupName(name: string): ParsedBackupName | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [, database, y, mo, d, h, mi, s, format] = match;
  const createdAt = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!));
  if (Number.isNaN(createdAt.getTime()) || formatStamp(createdAt) !== `${y}${mo}${d}_${h}${mi}${s}`) {
    return undefined;
  }
  return { database: database as BackupDatabaseName, createdAt, format: format as BackupFormat };
}

export function databasePrefix(database: BackupDatabaseName): string {
  return `${BACKUP_PREFIX}/${database}/`;
}

export function backupKey(database: BackupDatabaseName, name: string): string {
  return `${databasePrefix(database)}${name}`;
}
