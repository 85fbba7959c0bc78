/**
 * LoCoMo retrieval benchmark for conversation search.
 *
 *   npm run bench:locomo                               # the five conversations in bench/data/locomo
 *   npm run bench:locomo -- bench/data/locomo/conv-26.json
 *
 * Each conversation is stored as one conversation's history in a fresh SQLite main database (with the embedded
 * memory store in the same file) and indexed by Clara's conversation index. Then every question except category
 * 5 (adversarial) is searched three ways — full text only, vector only, hybrid — for the top 20, and a hit at k is
 * counted when any evidence turn is among the first k results. Each way goes through the same conversation ranking
 * (answers after questions, session context, named speakers: src/memory/conversation/rank.ts); questions without
 * usable evidence ids (2 of 762) are not scored. Shared photos are stored as Clara stores an image turn, their
 * caption (`blip_caption`) appended as `[Image: …]`.
 *
 * Embeddings: the fake LLM's deterministic embeddings (a hashed bag of words, no meaning) by default; a real
 * OpenAI-compatible embedder when EMBEDDING_BASE_URL or OPENAI_API_KEY (EMBEDDING_API_KEY, EMBEDDING_MODEL,
 * EMBEDDING_DIMENSIONS) are set. The last line printed is one JSON object with every number.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/index.js';
import {
  type ConversationSearchMode,
  createConversationIndex,
  createOpenAICompatibleEmbedder,
  createSqliteMemoryStore,
  type Embedder,
  searchConversation,
} from '../src/memory/index.js';
import { startFakeLlm } from '../test/support/fake-llm.js';
import { ingestConversation, type LocomoConversation, loadConversation } from './locomo-data.js';
import { type Recall, RecallCounter, renderTable } from './locomo-report.js';

const MODES: ConversationSearchMode[] = ['fulltext', 'vector', 'hybrid'];
const TOP = 20;
const DATA_DIR = join(import.meta.dirname, 'data', 'locomo');

async function embedderFromEnv(): Promise<{ embedder: Embedder; name: string; close: () => Promise<void> }> {
  const env = process.env;
  const apiKey = env.EMBEDDING_API_KEY ?? env.OPENAI_API_KEY;
  const dimension = Number(env.EMBEDDING_DIMENSIONS ?? 1536);
  if (apiKey || env.EMBEDDING_BASE_URL) {
    const model = env.EMBEDDING_MODEL ?? 'text-embedding-3-small';
    const embedder = createOpenAICompatibleEmbedder({
      apiKey: apiKey ?? '',
      baseUrl: env.EMBEDDING_BASE_URL,
      model,
      dimension,
    });
    return { embedder, name: model, close: async () => {} };
  }
  const fake = await startFakeLlm({ zeroLatency: true });
  const embedder = createOpenAICompatibleEmbedder({
    apiKey: 'fake',
    baseUrl: fake.openaiBaseUrl,
    model: 'fake-embedding',
    dimension,
  });
  return { embedder, name: 'fake-deterministic (hashed bag of words)', close: () => fake.close() };
}

async function runConversation(
  conversation: LocomoConversation,
  embedder: Embedder,
  counters: Record<ConversationSearchMode, RecallCounter>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'clara-locomo-'));
  const db = await openDatabase({ dataDir: dir });
  try {
    await db.migrate();
    if (!db.sqlite) throw new Error('The benchmark needs the SQLite main database.');
    const store = createSqliteMemoryStore({ db: db.sqlite, dimension: embedder.dimension });
    await store.open();
    const index = createConversationIndex({ store, embedder });
    const conversationId = `locomo-${conversation.name}`;
    const started = performance.now();
    const { messageOf, messages } = await ingestConversation(db, index, conversationId, conversation);
    const ingestMs = performance.now() - started;
    let asked = 0;
    for (const q of conversation.questions) {
      if (q.category === 5) continue;
      const wanted = new Set(q.evidence.map((id) => messageOf.get(id)).filter((id) => id !== undefined));
      if (wanted.size === 0) continue; // no usable evidence: cannot be scored
      asked++;
      for (const mode of MODES) {
        const hits = await searchConversation(index, conversationId, q.question, { limit: TOP, mode });
        const rank = hits.findIndex((hit) => wanted.has(hit.messageId));
        counters[mode].add(q.category, rank < 0 ? undefined : rank + 1);
      }
    }
    console.log(
      `${conversation.name}: ${messages} turns in ${conversation.sessions.length} sessions indexed in ` +
        `${(ingestMs / 1000).toFixed(1)} s; ${asked} questions`,
    );
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const files =
    args.length > 0
      ? args
      : (await readdir(DATA_DIR))
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(DATA_DIR, f));
  const { embedder, name, close } = await embedderFromEnv();
  const counters = Object.fromEntries(MODES.map((m) => [m, new RecallCounter()])) as Record<
    ConversationSearchMode,
    RecallCounter
  >;
  try {
    for (const file of files) await runConversation(await loadConversation(file), embedder, counters);
  } finally {
    await close();
  }
  const results = Object.fromEntries(MODES.map((m) => [m, counters[m].result()])) as Record<
    ConversationSearchMode,
    Recall
  >;
  console.log(renderTable(results));
  console.log(
    JSON.stringify({
      embedder: name,
      questions: counters.hybrid.questions,
      fulltext: results.fulltext,
      vector: results.vector,
      hybrid: results.hybrid,
    }),
  );
}

await main();
