/**
 * mem0's side: the `mem0ai` npm package's OSS `Memory` (installed in bench/mem0-compare/node_modules only), with its
 * OpenAI LLM and OpenAI embedder pointed at the fake, its default local vector store (`memory`: a better-sqlite3
 * file, here in the temp dir), SQLite history in the temp dir, and telemetry off (`MEM0_TELEMETRY=false`, read when
 * the module loads, so it is set before the dynamic import; `MEM0_DIR` keeps its notice/ID file out of $HOME).
 *
 * The package is imported by a computed specifier so the root project type-checks without it installed; the small
 * part of its API used here is declared below.
 */
import { join } from 'node:path';
import {
  DUMMY_KEY,
  EMBEDDING_DIMENSIONS,
  EMBEDDING_MODEL,
  MEMORY_MODEL,
  type MemorySystem,
} from './system.js';

interface Mem0Item {
  id: string;
  memory: string;
}

interface Mem0Memory {
  add(
    messages: { role: string; content: string }[],
    options: { userId: string },
  ): Promise<{ results: unknown[] }>;
  search(
    query: string,
    options: { topK?: number; filters: { user_id: string } },
  ): Promise<{ results: Mem0Item[] }>;
  getAll(options: { topK?: number; filters: { user_id: string } }): Promise<{ results: Mem0Item[] }>;
}

interface Mem0Module {
  Memory: new (config: Record<string, unknown>) => Mem0Memory;
}

export const MEM0_PACKAGE = 'mem0ai/oss';

export async function loadMem0(dir: string): Promise<Mem0Module> {
  process.env.MEM0_TELEMETRY = 'false';
  process.env.MEM0_DIR = join(dir, 'mem0-home');
  const specifier: string = MEM0_PACKAGE;
  return (await import(specifier)) as Mem0Module;
}

export async function startMem0(mem0: Mem0Module, llmBaseUrl: string, dir: string): Promise<MemorySystem> {
  const memory = new mem0.Memory({
    version: 'v1.1',
    embedder: {
      provider: 'openai',
      config: {
        apiKey: DUMMY_KEY,
        baseURL: llmBaseUrl,
        model: EMBEDDING_MODEL,
        embeddingDims: EMBEDDING_DIMENSIONS,
      },
    },
    vectorStore: {
      provider: 'memory',
      config: {
        collectionName: 'memories',
        dimension: EMBEDDING_DIMENSIONS,
        dbPath: join(dir, 'mem0-vector_store.db'),
      },
    },
    llm: { provider: 'openai', config: { apiKey: DUMMY_KEY, baseURL: llmBaseUrl, model: MEMORY_MODEL } },
    historyStore: { provider: 'sqlite', config: { historyDbPath: join(dir, 'mem0-history.db') } },
  });
  return {
    name: 'mem0',
    async add(userId, exchange) {
      await memory.add(
        exchange.map((m) => ({ role: m.role, content: m.content })),
        { userId },
      );
    },
    async search(userId, query, limit) {
      const found = await memory.search(query, { topK: limit, filters: { user_id: userId } });
      return found.results.map((item) => item.memory);
    },
    async list(userId) {
      return (await memory.getAll({ topK: 100_000, filters: { user_id: userId } })).results.map(
        (m) => m.memory,
      );
    },
    async close() {
      // mem0's OSS Memory has no close(); its SQLite files live in the temp dir that the caller removes.
    },
  };
}
