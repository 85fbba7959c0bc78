/**
 * Clara's side: `createMemoryEngine` on the embedded SQLite store (a temp better-sqlite3 file with sqlite-vec and
 * FTS5), the OpenAI-compatible embedder and the memory LLM, both pointed at the fake.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import {
  createMemoryEngine,
  createMemoryLlm,
  createOpenAICompatibleEmbedder,
  createSqliteMemoryStore,
} from '../../src/memory/index.js';
import {
  DUMMY_KEY,
  EMBEDDING_DIMENSIONS,
  EMBEDDING_MODEL,
  MEMORY_MODEL,
  type MemorySystem,
} from './system.js';

export async function startClara(llmBaseUrl: string, dir: string): Promise<MemorySystem> {
  const db = new Database(join(dir, 'clara.db'));
  db.pragma('journal_mode = WAL');
  const store = createSqliteMemoryStore({ db, dimension: EMBEDDING_DIMENSIONS });
  await store.open();
  const setup = createMemoryLlm({
    MEM0_PROVIDER: 'openai',
    MEM0_MODEL: MEMORY_MODEL,
    MEM0_API_KEY: DUMMY_KEY,
    MEM0_BASE_URL: llmBaseUrl,
  });
  if (!setup.llm) throw new Error(`Clara's memory LLM could not be built: ${setup.reason}`);
  const engine = createMemoryEngine({
    store,
    embedder: createOpenAICompatibleEmbedder({
      apiKey: DUMMY_KEY,
      baseUrl: llmBaseUrl,
      model: EMBEDDING_MODEL,
      dimension: EMBEDDING_DIMENSIONS,
    }),
    llm: setup.llm,
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
  return {
    name: 'clara',
    async add(userId, exchange) {
      await engine.extract({ userId }, exchange);
    },
    async search(userId, query, limit) {
      return (await engine.search({ userId }, query, { limit })).map((hit) => hit.memory.text);
    },
    async list(userId) {
      return (await engine.list({ userId }, {}, { limit: 100_000 })).map((memory) => memory.text);
    },
    async close() {
      await store.close();
      db.close();
    },
  };
}
