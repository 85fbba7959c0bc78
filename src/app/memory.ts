/**
 * Builds long-term memory from config: the store (Qdrant, pgvector at MEM0_DATABASE_URL, or the embedded SQLite
 * file), the embedder (optional: without one, memory works on full-text search alone), the memory LLM (MEM0_*; the
 * chat model when MEM0_PROVIDER has no key), the engine, the prompt slot and the background observer.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { dataPath } from '../config/index.js';
import type { MainDatabase } from '../db/index.js';
import type { MemorySlot, TurnObserver } from '../engine/index.js';
import type { JobQueue } from '../jobs/index.js';
import type { Llm } from '../llm/index.js';
import {
  type ConversationIndex,
  createConversationFinaliser,
  createConversationIndex,
  createConversationObserver,
  createMemoryEngine,
  createMemoryLlm,
  createOpenAICompatibleEmbedder,
  createPgvectorMemoryStore,
  createQdrantMemoryStore,
  createSqliteMemoryStore,
  type Embedder,
  feelingSections,
  type GraphStore,
  type MemoryEngine,
  type MemoryStore,
  type OpenAICompatibleEmbedderOptions,
} from '../memory/index.js';
import { createMemoryObserver } from '../memory/observer.js';
import { createMemorySlot } from '../memory/slot.js';
import { graphStoreFor } from './graph.js';
import { MemoryEvents, observeExtraction, observeFinalise, observeSlot } from './memory-events.js';

export interface MemorySetup {
  engine: MemoryEngine;
  store: MemoryStore;
  slot: MemorySlot;
  observer: TurnObserver;
  /** Conversation search over stored raw messages (the chat history tools). */
  conversation: ConversationIndex;
  /** Indexes each stored exchange for conversation search, in the background. */
  conversationObserver: TurnObserver;
  /** Graph memory when ENABLE_GRAPH_MEMORY is on and its store opened. */
  graph: GraphStore | undefined;
  /** What memory retrieved, extracted and stored (for the Discord log channel). */
  events: MemoryEvents;
  /** One line for logs and `clara doctor`: store, embedder, extraction model, graph. */
  description: string;
  close(): Promise<void>;
}

export interface BuildMemoryOptions {
  config: Config;
  db: MainDatabase;
  jobs: JobQueue;
  logger: Logger;
  /** The chat LLM, used for extraction when the memory LLM has no key. */
  chatLlm: Llm | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The store chosen by config, not yet opened. */
export function memoryStoreFor(
  config: Config,
  db: Pick<MainDatabase, 'sqlite'>,
): { store: MemoryStore; where: string; ownConnection?: BetterSqlite3.Database } {
  const dimension = config.EMBEDDING_DIMENSIONS;
  const table = config.MEM0_COLLECTION_NAME;
  if (config.QDRANT_URL) {
    return {
      store: createQdrantMemoryStore({
        url: config.QDRANT_URL,
        apiKey: config.QDRANT_API_KEY,
        dimension,
        collection: table,
      }),
      where: `Qdrant ${config.QDRANT_URL}`,
    };
  }
  if (config.MEM0_DATABASE_URL) {
    return {
      store: createPgvectorMemoryStore({ url: config.MEM0_DATABASE_URL, dimension, table }),
      where: 'PostgreSQL + pgvector (MEM0_DATABASE_URL)',
    };
  }
  if (db.sqlite)
    return { store: createSqliteMemoryStore({ db: db.sqlite, dimension }), where: 'SQLite (assistant.db)' };
  // The main database is PostgreSQL without pgvector: keep memories in their own SQLite file.
  const file = join(dataPath(config), 'memory.db');
  const own = new BetterSqlite3(file);
  own.pragma('journal_mode = WAL');
  own.pragma('busy_timeout = 5000');
  return {
    store: createSqliteMemoryStore({ db: own, dimension }),
    where: `SQLite ${file}`,
    ownConnection: own,
  };
}

/** `overrides`: e.g. no retries and a short timeout for a reachability check (`clara doctor`). */
export function embedderFor(
  config: Config,
  overrides: Pick<OpenAICompatibleEmbedderOptions, 'maxRetries' | 'timeoutMs'> = {},
): Embedder | undefined {
  const apiKey = config.EMBEDDING_API_KEY ?? config.OPENAI_API_KEY;
  if (!apiKey && !config.EMBEDDING_BASE_URL) return undefined;
  return createOpenAICompatibleEmbedder({
    apiKey: apiKey ?? '',
    baseUrl: config.EMBEDDING_BASE_URL,
    model: config.EMBEDDING_MODEL,
    dimension: config.EMBEDDING_DIMENSIONS,
    ...overrides,
  });
}

export async function buildMemory(options: BuildMemoryOptions): Promise<MemorySetup | undefined> {
  const { config, logger } = options;
  if (!config.MEMORY_ENABLED) return undefined;
  const log = logger.child({ name: 'memory' });
  const { store, where, ownConnection } = memoryStoreFor(config, options.db);
  try {
    await store.open();
  } catch (error) {
    ownConnection?.close();
    throw error;
  }
  const graphChoice = graphStoreFor(config, options.db);
  let graph: GraphStore | undefined;
  let graphLine = '';
  if (graphChoice) {
    try {
      await graphChoice.store.open();
      graph = graphChoice.store;
      graphLine = `; graph: ${graphChoice.where}`;
    } catch (error) {
      // Optional feature: Clara runs without relationships rather than not at all; doctor and the log say why.
      const reason = error instanceof Error ? error.message : String(error);
      log.error(
        { err: reason, store: graphChoice.where },
        'Graph memory could not be opened; running without it',
      );
      await graphChoice.store.close().catch(() => undefined);
      graphLine = `; graph: unavailable (${graphChoice.where}: ${reason})`;
    }
  }
  const embedder = embedderFor(config);
  const memoryLlm = createMemoryLlm(config as unknown as Env, {
    timeoutMs: config.LLM_TIMEOUT_SECONDS * 1_000,
  });
  let llm: Llm | undefined;
  let extraction: string;
  if (memoryLlm.llm) {
    llm = memoryLlm.llm;
    extraction = `${memoryLlm.provider} ${memoryLlm.model}`;
  } else if (options.chatLlm) {
    llm = options.chatLlm;
    extraction = `the chat model (${memoryLlm.reason})`;
  } else {
    extraction = `off (${memoryLlm.reason})`;
  }
  const agentId = config.BOT_NAME.toLowerCase();
  // Searches run before each reply: one quick attempt, then full-text search, rather than retrying for seconds.
  const searchEmbedder = embedder ? embedderFor(config, { maxRetries: 0, timeoutMs: 5_000 }) : undefined;
  const engine = createMemoryEngine({ store, embedder, searchEmbedder, llm, graph, logger: log });
  const events = new MemoryEvents();
  const slot = createMemorySlot({
    engine,
    agentId,
    tokenBudget: config.MEMORY_PROMPT_TOKENS,
    logger: log,
    extraSections: (scope, now) => feelingSections(engine, scope, now),
    graph,
  });
  const observer = createMemoryObserver({
    engine: observeExtraction(engine, events),
    jobs: options.jobs,
    repos: options.db.repos,
    agentId,
    delayMs: config.MEMORY_EXTRACTION_DELAY_SECONDS * 1_000,
    logger: log,
    finalise: observeFinalise(engine, events, (observed) =>
      createConversationFinaliser({ engine: observed, llm, botName: config.BOT_NAME, logger: log }),
    ),
  });
  const conversation = createConversationIndex({
    store,
    embedder,
    logger: log,
    timeZone: config.DEFAULT_TIMEZONE,
  });
  const conversationObserver = createConversationObserver({
    index: conversation,
    jobs: options.jobs,
    messages: options.db.repos.messages,
    botName: config.BOT_NAME,
    logger: log,
  });
  const description =
    `store: ${where}; embeddings: ${embedder ? `${embedder.model} (${embedder.dimension} dims)` : 'none (full-text search only; set OPENAI_API_KEY or EMBEDDING_BASE_URL)'}; ` +
    `extraction: ${extraction}${graphLine}`;
  log.info(description);
  return {
    engine,
    store,
    slot: observeSlot(slot, events),
    observer,
    conversation,
    conversationObserver,
    graph,
    events,
    description,
    async close() {
      await graph?.close();
      await store.close();
      ownConnection?.close();
    },
  };
}
