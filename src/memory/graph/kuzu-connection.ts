/**
 * Embedded Kuzu (the optional `kuzu` package): loaded with a dynamic import so Clara runs without it, one database
 * and one connection per store, every operation run one at a time, and every QueryResult closed (Kuzu crashes the
 * process at exit when a result outlives its connection).
 */

/** The part of the `kuzu` package used here (kept local so Clara builds without the package installed). */
type KuzuValue = unknown;
interface KuzuQueryResult {
  getAll(): Promise<Record<string, KuzuValue>[]>;
  close(): void;
}
interface KuzuPreparedStatement {
  isSuccess(): boolean;
  getErrorMessage(): string;
}
interface KuzuDatabase {
  init(): Promise<void>;
  close(): Promise<void>;
}
interface KuzuConnection {
  init(): Promise<void>;
  prepare(statement: string): Promise<KuzuPreparedStatement>;
  execute(
    statement: KuzuPreparedStatement,
    params?: Record<string, KuzuValue>,
  ): Promise<KuzuQueryResult | KuzuQueryResult[]>;
  query(statement: string): Promise<KuzuQueryResult | KuzuQueryResult[]>;
  close(): Promise<void>;
}
interface KuzuModule {
  Database: new (path: string, bufferManagerSize?: number) => KuzuDatabase;
  Connection: new (database: KuzuDatabase) => KuzuConnection;
}

export type Row = Record<string, unknown>;

export interface KuzuSession {
  /** Runs a parameterised statement and returns its rows (the result is closed before returning). */
  run(statement: string, params?: Record<string, unknown>): Promise<Row[]>;
  /** Runs `work` alone, inside one write transaction (rolled back when it throws); `work` uses `run` only. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `work` alone (no other operation of this store interleaves). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const KUZU_INSTALL_HINT =
  'GRAPH_STORE_PROVIDER=kuzu needs the optional package kuzu, which is not installed: run `npm install kuzu` in ' +
  "Clara's folder (about 550 MB), or set GRAPH_STORE_PROVIDER=database to keep the graph in the main database.";

/** Imports the package by name (a variable, so TypeScript does not need its types). */
export async function loadKuzu(packageName: string): Promise<KuzuModule> {
  let loaded: { default?: KuzuModule } & Partial<KuzuModule>;
  try {
    loaded = (await import(packageName)) as typeof loaded;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(KUZU_INSTALL_HINT, { cause: error });
    }
    throw new Error(`Could not load the kuzu package: ${(error as Error).message}`, { cause: error });
  }
  const kuzu = loaded.default ?? (loaded as KuzuModule);
  if (typeof kuzu.Database !== 'function' || typeof kuzu.Connection !== 'function') {
    throw new Error(`The package "${packageName}" is not Kuzu (no Database / Connection exports).`);
  }
  return kuzu;
}

async function collect(result: KuzuQueryResult | KuzuQueryResult[]): Promise<Row[]> {
  const results = Array.isArray(result) ? result : [result];
  try {
    const last = results.at(-1);
    return last ? ((await last.getAll()) as Row[]) : [];
  } finally {
    for (const each of results) each.close();
  }
}

export async function openKuzu(
  kuzu: KuzuModule,
  path: string,
  bufferPoolBytes: number,
): Promise<KuzuSession> {
  const database = new kuzu.Database(path, bufferPoolBytes);
  await database.init();
  const connection = new kuzu.Connection(database);
  await connection.init();
  let tail: Promise<unknown> = Promise.resolve();

  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };

  async function run(statement: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    const prepared = await connection.prepare(statement);
    if (!prepared.isSuccess()) {
      throw new Error(`Kuzu rejected a graph query: ${prepared.getErrorMessage()}`);
    }
    return collect(await connection.execute(prepared, params));
  }

  return {
    run,
    exclusive,
    transaction: (work) =>
      exclusive(async () => {
        await collect(await connection.query('BEGIN TRANSACTION'));
        try {
          const value = await work();
          await collect(await connection.query('COMMIT'));
          return value;
        } catch (error) {
          await connection
            .query('ROLLBACK')
            .then(collect)
            .catch(() => undefined);
          throw error;
        }
      }),
    async close() {
      await exclusive(async () => {
        await connection.close();
        await database.close();
      });
    },
  };
}
