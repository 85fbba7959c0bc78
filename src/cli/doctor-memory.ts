/**
 * The memory part of `clara doctor`: the store (reachable, right vector size, how many memories USER_ID has), the
 * embedder (one tiny embedding request) and the extraction LLM (one tiny request), each with its fix.
 */
import { embedderFor, graphStoreFor } from '../app/index.js';
import { type Config, dataPath, llmSetupStatus } from '../config/index.js';
import { openDatabase } from '../db/index.js';
import { createMemoryLlm, DimensionMismatchError, graphScope } from '../memory/index.js';
import type { DoctorLine } from './doctor.js';
import { withCliMemory } from './memory-setup.js';

type Env = Readonly<Record<string, string | undefined>>;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const CHECK_TIMEOUT_MS = 15_000;

async function checkStore(config: Config): Promise<DoctorLine> {
  try {
    return await withCliMemory(
      config,
      async ({ engine, where }) => {
        const count = await engine.count({ userId: config.USER_ID }, {});
        return {
          mark: 'ok',
          area: 'Memory',
          detail: `${where}: ${count} current ${count === 1 ? 'memory' : 'memories'} for ${config.USER_ID}`,
        };
      },
      { withoutGraph: true },
    );
  } catch (error) {
    if (error instanceof DimensionMismatchError) {
      return {
        mark: 'fail',
        area: 'Memory',
        detail: `the store holds ${error.storeDimension}-dimensional vectors, but EMBEDDING_DIMENSIONS is ${error.configuredDimension}`,
        fix: `run \`clara memory reembed\` to re-embed every memory with ${config.EMBEDDING_MODEL}, or set EMBEDDING_DIMENSIONS=${error.storeDimension} and the model used before`,
      };
    }
    return {
      mark: 'fail',
      area: 'Memory',
      detail: message(error),
      fix: config.QDRANT_URL
        ? 'check QDRANT_URL / QDRANT_API_KEY and that Qdrant is running'
        : config.MEM0_DATABASE_URL
          ? 'check MEM0_DATABASE_URL, that PostgreSQL is running and has the pgvector extension'
          : 'check that DATA_DIR points to a writable folder',
    };
  }
}

async function checkEmbeddings(config: Config): Promise<DoctorLine> {
  const area = 'Memory embeddings';
  const embedder = embedderFor(config, { maxRetries: 0, timeoutMs: CHECK_TIMEOUT_MS });
  if (!embedder) {
    return {
      mark: 'warn',
      area,
      detail: 'none — full-text search only',
      fix: 'set OPENAI_API_KEY (text-embedding-3-small), or EMBEDDING_BASE_URL (+ EMBEDDING_MODEL, EMBEDDING_DIMENSIONS) for a local OpenAI-compatible server, for search by meaning',
    };
  }
  try {
    await embedder.embed(['clara doctor']);
    return { mark: 'ok', area, detail: `${embedder.model} (${embedder.dimension} dims) answered` };
  } catch (error) {
    return {
      mark: 'fail',
      area,
      detail: `${embedder.model}: ${message(error)}`,
      fix: 'memories are still stored and found by full-text search meanwhile',
    };
  }
}

async function checkExtraction(config: Config): Promise<DoctorLine> {
  const area = 'Memory extraction';
  const memory = createMemoryLlm(config as unknown as Env, { timeoutMs: CHECK_TIMEOUT_MS });
  if (!memory.llm) {
    const chat = llmSetupStatus(config);
    if (chat.ready) {
      return {
        mark: 'ok',
        area,
        detail: `uses the chat model (${chat.provider}); no separate MEM0_* model is set up`,
      };
    }
    return { mark: 'off', area, detail: 'off: no memory LLM and no chat LLM', fix: memory.reason };
  }
  try {
    const result = await memory.llm.complete({
      messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
      maxTokens: 5,
      purpose: 'doctor',
    });
    return {
      mark: 'ok',
      area,
      detail: `${memory.provider} ${result.model} answered (MEM0_PROVIDER / MEM0_MODEL)`,
    };
  } catch (error) {
    return {
      mark: 'fail',
      area,
      detail: `${memory.provider} ${memory.model}: ${message(error)}`,
      fix: 'check MEM0_API_KEY, MEM0_BASE_URL and MEM0_MODEL; until then nothing new is remembered',
    };
  }
}

async function checkGraph(config: Config): Promise<DoctorLine | undefined> {
  const area = 'Graph memory';
  if (!config.ENABLE_GRAPH_MEMORY) return undefined;
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: dataPath(config) });
  const chosen = graphStoreFor(config, db);
  try {
    if (!chosen) return undefined;
    await chosen.store.open();
    const relations = await chosen.store.all(graphScope({ userId: config.USER_ID }));
    const current = relations.filter((r) => r.validTo === null).length;
    return {
      mark: 'ok',
      area,
      detail: `${chosen.where}: ${current} current relations for ${config.USER_ID}`,
    };
  } catch (error) {
    return {
      mark: 'fail',
      area,
      detail: `${chosen?.where ?? config.GRAPH_STORE_PROVIDER}: ${message(error)}`,
      fix:
        config.GRAPH_STORE_PROVIDER === 'neo4j'
          ? 'check NEO4J_URL, NEO4J_USERNAME and NEO4J_PASSWORD and that Neo4j is running, or set GRAPH_STORE_PROVIDER=database'
          : config.GRAPH_STORE_PROVIDER === 'kuzu'
            ? 'run `npm install kuzu` in the Clara folder, or set GRAPH_STORE_PROVIDER=database'
            : 'run `clara db migrate`',
    };
  } finally {
    await chosen?.store.close().catch(() => {});
    await db.close();
  }
}

export async function memoryDoctorLines(config: Config): Promise<DoctorLine[]> {
  if (!config.MEMORY_ENABLED) {
    return [
      {
        mark: 'off',
        area: 'Memory',
        detail: 'disabled (MEMORY_ENABLED=false)',
        fix: 'set MEMORY_ENABLED=true so Clara remembers people across conversations',
      },
    ];
  }
  const graph = await checkGraph(config);
  return [
    await checkStore(config),
    await checkEmbeddings(config),
    await checkExtraction(config),
    ...(graph ? [graph] : []),
  ];
}
