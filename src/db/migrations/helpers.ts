/** Small helpers shared by the migrations: dialect-specific column types and idempotence checks. */
import { type ColumnDataType, type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../types.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type.
export type AnyDb = Kysely<any>;

/** A migration written for one dialect (the provider builds the set for the open database). */
export type DialectMigration = (dialect: DatabaseDialect) => { up(db: AnyDb): Promise<void> };

/** SQLAlchemy's DateTime: DATETIME (text) on SQLite, `timestamp without time zone` on PostgreSQL. */
export function timestampType(dialect: DatabaseDialect): ColumnDataType {
  return dialect === 'postgres' ? 'timestamp' : 'datetime';
}

/** A double-precision number column. */
export function doubleType(dialect: DatabaseDialect): ColumnDataType {
  return dialect === 'postgres' ? 'double precision' : 'real';
}

export async function columnExists(
  db: AnyDb,
  dialect: DatabaseDialect,
  table: string,
  column: string,
): Promise<boolean> {
  const query =
    dialect === 'postgres'
      ? sql<{ found: number }>`select 1 as found from information_schema.columns
          where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`
      : sql<{ found: number }>`select 1 as found from pragma_table_info(${table}) where name = ${column}`;
  const { rows } = await query.execute(db);
  return rows.length > 0;
}

/**
 * Runs `fn` in a transaction. On PostgreSQL Kysely's migrator already wraps all pending migrations in one;
 * on SQLite it does not (its adapter reports no transactional DDL, although SQLite has it), so we open one.
 */
export async function inTransaction(db: AnyDb, fn: (trx: AnyDb) => Promise<void>): Promise<void> {
  if (db.isTransaction) {
    await fn(db);
    return;
  }
  await db.transaction().execute(fn);
}
