/**
 * The memory store's own `pg` pool on `MEM0_DATABASE_URL`: a dropped connection never crashes the process, and a
 * query (or a whole transaction) that fails because its connection died is retried once on a fresh connection —
 * so the store keeps working across a PostgreSQL restart.
 */
import pg from 'pg';
import { redactUrl, scrubSecrets } from '../../config/index.js';
import type { DbLogger } from '../../db/index.js';

export type StoreLogger = DbLogger;

const ignore = (): void => {};
export const silentStoreLogger: StoreLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Socket errors and the server's "connection is going away" SQLSTATEs (class 08, 57P01–57P03). */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTCONN',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const CONNECTION_ERROR_MESSAGES = [
  'connection terminated',
  'connection error',
  'not queryable',
  'client was closed',
  'socket hang up',
];

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  const message = error.message.toLowerCase();
  return CONNECTION_ERROR_MESSAGES.some((text) => message.includes(text));
}

export function describePgError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describePgError))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || error.name;
    return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}

export interface MemoryPgOptions {
  url: string;
  logger: StoreLogger;
  /** Pool size (default 5). */
  max?: number;
  /** Pause before the single retry after a connection error (default 100 ms). */
  retryDelayMs?: number;
}

export type Queryable = Pick<pg.PoolClient, 'query'>;

export class MemoryPg {
  readonly pool: pg.Pool;
  readonly where: string;
  private readonly logger: StoreLogger;
  private readonly retryDelayMs: number;
  private readonly secrets: string[];

  constructor(options: MemoryPgOptions) {
    this.logger = options.logger;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.where = redactUrl(options.url);
    this.secrets = passwordsOf(options.url);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 5,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client whose connection drops reports here; without a listener the process would crash.
    this.pool.on('error', (error) => {
      this.logger.warn(
        { err: this.describe(error) },
        'Memory store: PostgreSQL connection lost; the pool replaces it on next use',
      );
    });
    // A checked-out client between queries reports on itself; keep that from crashing the process too.
    this.pool.on('connect', (client) => {
      client.on('error', (error) => {
        this.logger.debug({ err: this.describe(error) }, 'Memory store: PostgreSQL client error');
      });
    });
  }

  /** A password-free description of a driver error. */
  describe(error: unknown): string {
    return scrubSecrets(describePgError(error), this.secrets);
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values: readonly unknown[] = [],
  ): Promise<R[]> {
    return this.withRetry(async () => (await this.pool.query<R>(text, values as unknown[])).rows);
  }

  /** Runs `fn` in one transaction on one connection; the whole transaction is retried once on a connection error. */
  async transaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    return this.withRetry(async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('begin');
        const result = await fn(client);
        await client.query('commit');
        return result;
      } catch (error) {
        broken = isConnectionError(error);
        if (!broken) await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        // A broken client is destroyed instead of going back to the pool.
        client.release(broken ? true : undefined);
      }
    });
  }

  async end(): Promise<void> {
    await this.pool.end();
  }

  private async withRetry<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      this.logger.warn(
        { err: this.describe(error) },
        'Memory store: PostgreSQL connection failed; retrying once on a new connection',
      );
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      try {
        return await run();
      } catch (again) {
        if (!isConnectionError(again)) throw again;
        throw new Error(
          `Cannot reach the memory database at ${this.where} (MEM0_DATABASE_URL): ${this.describe(again)}. ` +
            'Is that PostgreSQL server running and reachable from here?',
          { cause: again },
        );
      }
    }
  }
}

function passwordsOf(url: string): string[] {
  try {
    const raw = new URL(url).password;
    return raw ? [decodeURIComponent(raw), raw] : [];
  } catch {
    return [];
  }
}
