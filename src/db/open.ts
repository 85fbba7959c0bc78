/**
 * Opens the main database: PostgreSQL when `url` starts with `postgres`, otherwise the SQLite file
 * `<dataDir>/assistant.db` (spec §10.1). Connectivity is checked before returning; migrations run on `migrate()`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { redactUrl } from '../config/redact.js';
import { type DbLogger, silentLogger } from './logger.js';
import { runMigrations } from './migrate.js';
import { checkPostgres, createPostgresPool, normalisePostgresUrl } from './postgres-pool.js';
import { createRepositories } from './repositories/index.js';
import type { DatabaseSchema } from './schema.js';
import { openSqliteFile, SQLITE_FILE_NAME } from './sqlite-file.js';
import { withStatementCache } from './statement-cache.js';
import type { Database, DatabaseDialect } from './types.js';

export interface OpenDatabaseOptions {
  /** `DATABASE_URL`; PostgreSQL when it starts with `postgres`, otherwise ignored (SQLite). */
  url?: string | undefined;
  /** `DATA_DIR`: where the SQLite file lives. */
  dataDir: string;
  logger?: DbLogger | undefined;
}

/** An open main database, plus its Kysely instance (raw queries, e.g. in tests and `clara db` commands). */
export interface MainDatabase extends Database {
  readonly kysely: Kysely<DatabaseSchema>;
  /**
   * The SQLite connection itself (SQLite only), for modules that keep their own tables in the same file (the
   * embedded memory store). Share it rather than opening the file again: two connections in one process block
   * each other.
   */
  readonly sqlite?: BetterSqlite3.Database;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return (url ?? '').trim().startsWith('postgres');
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<MainDatabase> {
  const logger = options.logger ?? silentLogger;
  if (isPostgresUrl(options.url)) {
    const url = normalisePostgresUrl(options.url.trim());
    const pool = createPostgresPool(url, logger);
    try {
      await checkPostgres(pool, url);
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    logger.info({ url: redactUrl(url) }, 'Connected to PostgreSQL');
    return buildDatabase(
      new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }),
      'postgres',
      logger,
    );
  }
  if (options.url) {
    logger.info(
      { url: redactUrl(options.url) },
      'DATABASE_URL is not a PostgreSQL URL; using SQLite in DATA_DIR',
    );
  }
  const sqlite = openSqliteFile(options.dataDir);
  logger.info({ file: sqlite.name }, `Opened SQLite database ${SQLITE_FILE_NAME}`);
  return buildDatabase(
    new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
    'sqlite',
    logger,
    sqlite,
  );
}

function buildDatabase(
  kysely: Kysely<DatabaseSchema>,
  dialect: DatabaseDialect,
  logger: DbLogger,
  sqlite?: BetterSqlite3.Database,
): MainDatabase {
  let closed = false;
  return {
    dialect,
    kysely,
    ...(sqlite ? { sqlite } : {}),
    repos: createRepositories({ db: kysely, dialect }),
    async migrate() {
      const applied = await runMigrations(kysely, dialect);
      if (applied.length > 0) logger.info({ applied, dialect }, 'Database migrations applied');
      else logger.debug({ dialect }, 'Database schema is up to date');
      return applied;
    },
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}
