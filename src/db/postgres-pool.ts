/** A `pg` pool for the main database: naive-UTC timestamp parsing, error handling, connectivity check. */
import pg from 'pg';
import { redactUrl, scrubSecrets } from '../config/redact.js';
import { parseNaiveUtc } from './codec.js';
import { DatabaseConnectionError, describeError } from './errors.js';
import type { DbLogger } from './logger.js';

const TIMESTAMP_OID = 1114; // timestamp without time zone

/** Type parsers for this pool only (no global `pg.types` change): naive timestamps are UTC. */
const poolTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMP_OID && format !== 'binary') return (text: string) => parseNaiveUtc(text);
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * `postgres://` → `postgresql://` (the original did the same for SQLAlchemy); a SQLAlchemy driver suffix
 * (`postgresql+psycopg2://`) from an old `.env` is dropped, as `pg` does not understand it.
 */
export function normalisePostgresUrl(url: string): string {
  return url.replace(/^postgres(?:ql)?(?:\+\w+)?:\/\//i, 'postgresql://');
}

export function createPostgresPool(url: string, logger: DbLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    types: poolTypes,
  });
  // A dropped idle connection is reported here; without a listener it would crash the process.
  pool.on('error', (error) => {
    logger.warn(
      { err: describeError(error) },
      'PostgreSQL connection lost; the pool replaces it on next use',
    );
  });
  // A client that is checked out but between queries reports its errors on itself; keep those from crashing too.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      logger.debug({ err: describeError(error) }, 'PostgreSQL client error');
    });
  });
  return pool;
}

function passwordOf(url: string): string[] {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password, new URL(url).password] : [];
  } catch {
    return [];
  }
}

/** Fails with a clear, password-free error when the database cannot be reached. */
export async function checkPostgres(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (error) {
    const reason = scrubSecrets(describeError(error), passwordOf(url));
    throw new DatabaseConnectionError(
      `Cannot connect to the PostgreSQL database at ${redactUrl(url)}: ${reason}. ` +
        'Is the PostgreSQL server running and reachable from here, and is DATABASE_URL right ' +
        '(host, port, user, password, database name)?',
    );
  }
}
