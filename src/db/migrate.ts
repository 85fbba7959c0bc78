/** Runs the main database's migrations with Kysely's Migrator, safely when several processes start at once. */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, type MigrationResult, Migrator } from 'kysely';
import { describeError } from './errors.js';
import { migrationProvider } from './migrations/index.js';
import type { DatabaseDialect } from './types.js';

/** Bookkeeping tables, named for Clara so another Kysely migrator in the same database cannot collide. */
export const MIGRATION_TABLE = 'clara_migration';
export const MIGRATION_LOCK_TABLE = 'clara_migration_lock';

/**
 * On PostgreSQL Kysely serialises migrators with an advisory lock. On SQLite it has no lock, so two processes
 * can collide (SQLITE_BUSY, or both recording the same migration); every migration is idempotent, so we retry.
 */
const SQLITE_ATTEMPTS = 20;

function isContention(error: unknown): boolean {
  const text = describeError(error);
  return (
    /SQLITE_BUSY|SQLITE_LOCKED|database is locked/.test(text) || text.includes(`${MIGRATION_TABLE}.name`)
  );
}

export async function runMigrations<T>(db: Kysely<T>, dialect: DatabaseDialect): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const applied: string[] = [];
  const attempts = dialect === 'sqlite' ? SQLITE_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const { error, results = [] } = await migrator.migrateToLatest();
    applied.push(...succeeded(results));
    if (error === undefined) return applied;
    if (attempt < attempts && isContention(error)) {
      await sleep(25 + Math.random() * 75);
      continue;
    }
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const state =
      dialect === 'postgres'
        ? 'Nothing was changed: the pending migrations run in one transaction.'
        : 'Migrations before it stay applied; later ones did not run.';
    throw new Error(
      `Database migration ${failed ?? '(setup)'} failed on ${dialect}: ${describeError(error)}. ${state} ` +
        'Fix the cause and start again; applied migrations are never repeated.',
      { cause: error },
    );
  }
}

const succeeded = (results: MigrationResult[]): string[] =>
  results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
