/** Opens the embedded SQLite database file `<dataDir>/assistant.db` with the pragmas Clara relies on. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { DatabaseConnectionError, describeError } from './errors.js';

export const SQLITE_FILE_NAME = 'assistant.db';

export function openSqliteFile(dataDir: string): BetterSqlite3.Database {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new DatabaseConnectionError(
      `Cannot create the data directory ${dir} for the SQLite database: ${describeError(error)}. ` +
        'Check DATA_DIR and its permissions, or set DATABASE_URL to use PostgreSQL.',
    );
  }
  const file = join(dir, SQLITE_FILE_NAME);
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    loadVectorExtension(sqlite);
    return sqlite;
  } catch (error) {
    sqlite?.close();
    throw new DatabaseConnectionError(
      `Cannot open the SQLite database ${file}: ${describeError(error)}. ` +
        'Check that the file is a SQLite database and that DATA_DIR is writable.',
    );
  }
}

/**
 * The embedded memory store keeps vec0 tables in this file; SQLite cannot even list the schema of a file that has
 * them unless sqlite-vec is loaded, so it is loaded on every connection. Where the extension is unavailable for the
 * platform the memory store reports it when it opens.
 */
function loadVectorExtension(sqlite: BetterSqlite3.Database): void {
  try {
    sqliteVec.load(sqlite);
  } catch {
    // reported by the memory store
  }
}
