/**
 * Restoring a backup by name. SQLite backups are put in place of the database file (refused while another program
 * has it open; the old file is kept). PostgreSQL backups are plain SQL: by default this prints the steps
 * (download → gunzip → psql); with `runPsql` it feeds the backup to psql itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { backupKey, parseBackupName } from './names.js';
import { type PgToolsOptions, postgresTarget, restorePostgres } from './postgres.js';
import type { DatabaseBackupService } from './service.js';
import { restoreSqlite } from './sqlite.js';
import { BackupError } from './types.js';

export interface RestoreOptions {
  /** Backup file name as `clara backup list` shows it, e.g. `clara_20261124_030000.sqlite.gz`. */
  name: string;
  /** Confirms replacing an existing database file / running psql against a database. */
  yes?: boolean;
  /** PostgreSQL: run psql instead of printing the steps. */
  runPsql?: boolean;
  /** PostgreSQL: restore into this database instead of the configured one. */
  targetUrl?: string | undefined;
  /** SQLite: restore to this file instead of the configured one. */
  toFile?: string | undefined;
  pgTools?: PgToolsOptions;
  /** Time limit for psql (default 30 minutes). */
  psqlTimeoutMs?: number;
  now?: Date;
}

/** Copies a backup out of the destination (e.g. from S3) into `dir`; returns the file path. */
export async function downloadBackup(
  service: DatabaseBackupService,
  name: string,
  dir: string,
): Promise<string> {
  const { key } = await findBackup(service, name);
  const file = join(resolve(dir), basename(key));
  await service.store.download(key, file);
  return file;
}

/** Restores the backup; returns what was done, for the person to read. */
export async function restoreBackup(
  service: DatabaseBackupService,
  options: RestoreOptions,
): Promise<string> {
  const { key, parsed } = await findBackup(service, options.name);
  const source = service.source(parsed.database);

  if (parsed.format === 'sqlite') {
    const target = options.toFile
      ? resolve(options.toFile)
      : source.kind === 'sqlite'
        ? source.file
        : undefined;
    if (!target) {
      throw new BackupError(
        `${options.name} is a SQLite backup, but the ${parsed.database} database is not a SQLite file in this ` +
          'configuration. Give the file to restore into with --to <path>.',
      );
    }
    if (source.kind === 'sqlite' && source.connection && target === source.file) {
      throw new BackupError(
        'Clara has this database open in this process; stop Clara and restore from the CLI.',
      );
    }
    if (!options.yes) {
      throw new BackupError(
        `This replaces ${target} with ${options.name} (the current file is kept as ${target}.before-restore). ` +
          'Stop Clara, then run the command again with --yes.',
      );
    }
    return withDownload(service, key, async (file) => {
      const result = await restoreSqlite(file, target, options.now ?? new Date());
      return (
        `Restored ${options.name} to ${target} (${result.tables} tables).` +
        (result.keptAs ? ` The previous database is kept as ${result.keptAs}.` : '')
      );
    });
  }

  const target = options.targetUrl
    ? postgresTarget(options.targetUrl, '--target-url')
    : source.kind === 'postgres'
      ? source.target
      : undefined;
  if (!options.runPsql) return postgresSteps(service, key, options.name, target?.display);
  if (!target) {
    throw new BackupError(
      `${options.name} is a PostgreSQL backup, but the ${parsed.database} database is not PostgreSQL in this ` +
        'configuration. Name the database to restore into with --target-url postgresql://…',
    );
  }
  if (!options.yes) {
    throw new BackupError(
      `This runs the SQL of ${options.name} against ${target.display} (it must be an empty database). ` +
        'Run the command again with --yes.',
    );
  }
  return withDownload(service, key, async (file) => {
    await restorePostgres(target, file, {
      ...options.pgTools,
      timeoutMs: options.psqlTimeoutMs ?? 30 * 60 * 1000,
    });
    return `Restored ${options.name} into ${target.display}.`;
  });
}

async function findBackup(service: DatabaseBackupService, rawName: string) {
  const name = basename(rawName.trim());
  const parsed = parseBackupName(name);
  if (!parsed) {
    throw new BackupError(
      `"${rawName}" is not a backup name (expected e.g. clara_20261124_030000.sql.gz); see clara backup list.`,
    );
  }
  const known = await service.list(parsed.database, Number.MAX_SAFE_INTEGER);
  if (!known.some((entry) => entry.name === name)) {
    throw new BackupError(`There is no backup ${name} in ${service.destination}; see clara backup list.`);
  }
  return { key: backupKey(parsed.database, name), parsed };
}

async function withDownload<T>(
  service: DatabaseBackupService,
  key: string,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'clara-restore-'));
  try {
    const file = join(dir, basename(key));
    await service.store.download(key, file);
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function postgresSteps(
  service: DatabaseBackupService,
  key: string,
  name: string,
  targetDisplay: string | undefined,
): string {
  const store = service.store;
  const where = store.locate(key);
  const url = targetDisplay ?? 'postgresql://USER@HOST:5432/DATABASE';
  const download =
    store.kind === 'local'
      ? `   The backup is the file ${where}.`
      : `   clara backup restore ${name} --download .     (or any S3 client: ${where})`;
  return [
    `${name} is a plain SQL dump. Clara does not run it against a database unless you ask (--psql --yes).`,
    'To restore it by hand:',
    '1. Get the file:',
    download,
    '2. Make an empty database to restore into (the dump recreates every table):',
    '   createdb --host=HOST --username=USER NEW_DATABASE     (or dropdb + createdb to replace the old one)',
    '3. Feed it to psql (it asks for the password, or set PGPASSWORD):',
    `   gunzip -c ${name} | psql --single-transaction -v ON_ERROR_STOP=1 "${url}"`,
    '4. Point DATABASE_URL (clara) or MEM0_DATABASE_URL (mem0) at that database and start Clara.',
    'Or let Clara run step 3: clara backup restore NAME --psql --yes [--target-url postgresql://…]',
  ].join('\n');
}
