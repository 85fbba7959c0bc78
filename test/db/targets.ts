/** Opens a fresh main database of either dialect for the database tests. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { type DbLogger, type MainDatabase, openDatabase } from '../../src/db/index.js';
import { freshPostgresUrl, freshSqliteDir } from '../support/databases.js';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface FreshTarget {
  /** Options that open this same database again. */
  options: { url?: string; dataDir: string };
  cleanup(): Promise<void>;
}

/** Runs raw SQL on a target without Clara (e.g. to create the original Python tables before migrating). */
export async function execRaw(dialect: Dialect, target: FreshTarget, statements: string[]): Promise<void> {
  if (dialect === 'sqlite') {
    const sqlite = new BetterSqlite3(join(target.options.dataDir, 'assistant.db'));
    try {
      for (const statement of statements) sqlite.exec(statement);
    } finally {
      sqlite.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: target.options.url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new empty database (nothing opened yet). */
export async function freshTarget(dialect: Dialect): Promise<FreshTarget> {
  const dataDir = await freshSqliteDir();
  const url = dialect === 'postgres' ? await freshPostgresUrl() : undefined;
  return {
    options: url ? { url, dataDir } : { dataDir },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

export interface OpenTarget extends FreshTarget {
  db: MainDatabase;
}

/** A new database of `dialect`, opened and migrated. */
export async function openMigrated(dialect: Dialect, logger?: DbLogger): Promise<OpenTarget> {
  const target = await freshTarget(dialect);
  const db = await openDatabase({ ...target.options, logger });
  await db.migrate();
  return {
    ...target,
    db,
    async cleanup() {
      await db.close();
      await target.cleanup();
    },
  };
}

/** A logger that records every call, for assertions. */
export function recordingLogger(): DbLogger & {
  calls: { level: string; message: string; fields: object }[];
} {
  const calls: { level: string; message: string; fields: object }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      calls.push({ level, message, fields });
    };
  return { calls, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
