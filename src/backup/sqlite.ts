/**
 * Embedded SQLite backups: a consistent online copy with `VACUUM INTO` (readers and writers keep going), gzip
 * level 9; and restores that put a backup in place of the file, keeping the old one.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { formatStamp } from './names.js';
import { BackupError } from './types.js';

function loadVec(db: BetterSqlite3.Database): void {
  try {
    sqliteVec.load(db);
  } catch {
    // Without it the vec0 tables are still copied page by page; only querying them would need it.
  }
}

/**
 * Copies the database to `outFile` (gzip). `connection`: the app's own open connection to that file (shared
 * rather than opening a second one in the same process); otherwise the file is opened read-only for the copy.
 */
export async function dumpSqlite(options: {
  file: string;
  connection?: BetterSqlite3.Database | undefined;
  outFile: string;
  workDir: string;
}): Promise<void> {
  const copy = join(options.workDir, 'copy.sqlite');
  let own: BetterSqlite3.Database | undefined;
  try {
    // The app's connection cannot VACUUM while one of its transactions is open; a reader of its own can.
    let db = options.connection?.inTransaction ? undefined : options.connection;
    if (!db) {
      if (!existsSync(options.file)) {
        throw new BackupError(
          `There is no database at ${options.file} yet (Clara creates it on first start). Check DATA_DIR.`,
        );
      }
      own = new BetterSqlite3(options.file, { readonly: true, fileMustExist: true });
      own.pragma('busy_timeout = 5000');
      loadVec(own);
      db = own;
    }
    db.prepare('VACUUM INTO ?').run(copy);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`Could not copy the SQLite database ${options.file}: ${(error as Error).message}`);
  } finally {
    own?.close();
  }
  try {
    await pipeline(createReadStream(copy), createGzip({ level: 9 }), createWriteStream(options.outFile));
  } finally {
    await rm(copy, { force: true });
  }
}

/** True when another connection (e.g. a running Clara) has the file open. */
function inUse(file: string): boolean {
  const db = new BetterSqlite3(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
      throw error;
    }
    // Fold any write-ahead log into the file, so the copy kept aside is complete on its own.
    db.exec('COMMIT');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return false;
  } finally {
    db.close();
  }
}

export interface SqliteRestoreResult {
  /** Where the replaced database was kept, when there was one. */
  keptAs?: string;
  tables: number;
}

/**
 * Replaces `target` with the gzip'd SQLite backup. Refuses while another program has the file open; the old
 * file is kept as `<target>.before-restore` (or with a time suffix when that exists already).
 */
export async function restoreSqlite(gzFile: string, target: string, now: Date): Promise<SqliteRestoreResult> {
  const incoming = `${target}.restoring`;
  await rm(incoming, { force: true });
  try {
    await pipeline(createReadStream(gzFile), createGunzip(), createWriteStream(incoming));
  } catch (error) {
    await rm(incoming, { force: true });
    throw new BackupError(`The backup is not a readable gzip file: ${(error as Error).message}`);
  }
  let tables: number;
  try {
    tables = checkSqliteFile(incoming);
  } catch (error) {
    await rm(incoming, { force: true });
    throw error;
  }
  let keptAs: string | undefined;
  if (existsSync(target)) {
    if (inUse(target)) {
      await rm(incoming, { force: true });
      throw new BackupError(
        `${target} is open in another program (is Clara running?). Stop Clara, then run the restore again.`,
      );
    }
    keptAs = `${target}.before-restore`;
    if (existsSync(keptAs)) keptAs = `${target}.before-restore-${formatStamp(now)}`;
    await rename(target, keptAs);
    for (const suffix of ['-wal', '-shm']) await rm(`${target}${suffix}`, { force: true });
  }
  await rename(incoming, target);
  return { ...(keptAs ? { keptAs } : {}), tables };
}

/** Checks that the file is an intact SQLite database; returns its number of tables. */
function checkSqliteFile(file: string): number {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    loadVec(db);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check says: ${String(check)}`);
    return (db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number })
      .n;
  } catch (error) {
    throw new BackupError(`The backup is not an intact SQLite database: ${(error as Error).message}`);
  } finally {
    db?.close();
  }
}
