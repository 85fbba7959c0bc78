/**
 * Long-term memory for the `clara memory …` commands: the same store and embedder the app builds from config
 * (`memoryStoreFor`, `embedderFor`), the main database for the shared SQLite connection, and a logger that writes
 * warnings to stderr. Everything is closed by `close()`.
 */
import { embedderFor, graphStoreFor, memoryStoreFor } from '../app/index.js';
import { type Config, dataPath, secretValues } from '../config/index.js';
import { type MainDatabase, openDatabase } from '../db/index.js';
import {
  createMemoryEngine,
  DimensionMismatchError,
  type Embedder,
  type GraphStore,
  type MemoryEngine,
  type MemoryStore,
} from '../memory/index.js';
import { type ClaraLogger, createLogger } from '../observability/index.js';

export interface CliMemory {
  config: Config;
  db: MainDatabase;
  store: MemoryStore;
  engine: MemoryEngine;
  embedder: Embedder | undefined;
  /** Graph memory, when ENABLE_GRAPH_MEMORY is on (a store that cannot be opened fails the command). */
  graph: GraphStore | undefined;
  /** Where the memories live (no secrets). */
  where: string;
  log: ClaraLogger;
  close(): Promise<void>;
}

export interface OpenCliMemoryOptions {
  /**
   * Open a store built for another vector size at its own size instead of refusing (`clara memory reembed`
   * then rebuilds it for the configured size).
   */
  acceptStoredDimension?: boolean;
  /** Leave graph memory closed even when it is enabled (`clara doctor` checks it on its own). */
  withoutGraph?: boolean;
}

export function cliLogger(config: Config): ClaraLogger {
  const verbose = ['debug', 'trace'].includes(config.LOG_LEVEL);
  return createLogger({
    level: verbose ? config.LOG_LEVEL : 'warn',
    pretty: process.stderr.isTTY === true,
    logDir: null,
    secrets: secretValues(config),
    destination: process.stderr,
  });
}

async function openStore(
  config: Config,
  db: MainDatabase,
  acceptStoredDimension: boolean,
): Promise<{ store: MemoryStore; where: string; closeOwn: () => void }> {
  const chosen = memoryStoreFor(config, db);
  const closeOwn = () => chosen.ownConnection?.close();
  try {
    await chosen.store.open();
    return { store: chosen.store, where: chosen.where, closeOwn };
  } catch (error) {
    await chosen.store.close().catch(() => {});
    closeOwn();
    if (!(error instanceof DimensionMismatchError) || !acceptStoredDimension) throw error;
    const stored = memoryStoreFor({ ...config, EMBEDDING_DIMENSIONS: error.storeDimension }, db);
    try {
      await stored.store.open();
    } catch (again) {
      stored.ownConnection?.close();
      throw again;
    }
    return { store: stored.store, where: stored.where, closeOwn: () => stored.ownConnection?.close() };
  }
}

export async function openCliMemory(config: Config, options: OpenCliMemoryOptions = {}): Promise<CliMemory> {
  const log = cliLogger(config);
  let db: MainDatabase | undefined;
  try {
    db = await openDatabase({
      url: config.DATABASE_URL,
      dataDir: dataPath(config),
      logger: log.logger.child({ name: 'db' }),
    });
    const { store, where, closeOwn } = await openStore(config, db, options.acceptStoredDimension === true);
    const graph = options.withoutGraph ? undefined : graphStoreFor(config, db)?.store;
    try {
      await graph?.open();
    } catch (error) {
      await graph?.close().catch(() => {});
      await store.close();
      closeOwn();
      throw error;
    }
    const embedder = embedderFor(config);
    const engine = createMemoryEngine({
      store,
      embedder,
      graph,
      logger: log.logger.child({ name: 'memory' }),
    });
    const database = db;
    return {
      config,
      db: database,
      store,
      engine,
      embedder,
      graph,
      where,
      log,
      async close() {
        await graph?.close();
        await store.close();
        closeOwn();
        await database.close();
        await log.close();
      },
    };
  } catch (error) {
    await db?.close();
    await log.close();
    throw error;
  }
}

/** Runs `action` with the memory open, closing everything afterwards (also on failure). */
export async function withCliMemory<T>(
  config: Config,
  action: (memory: CliMemory) => Promise<T>,
  options: OpenCliMemoryOptions = {},
): Promise<T> {
  const memory = await openCliMemory(config, options);
  try {
    return await action(memory);
  } finally {
    await memory.close();
  }
}
