/**
 * Conversation search on real parts: a fresh SQLite main database (messages, sessions) with the embedded memory
 * store on the same connection, and the OpenAI-compatible embedder against the fake LLM (or none).
 */
import { rm } from 'node:fs/promises';
import { type MainDatabase, type MessageRow, openDatabase } from '../../src/db/index.js';
import {
  type ConversationIndex,
  createConversationIndex,
  createOpenAICompatibleEmbedder,
  createSqliteMemoryStore,
  indexConversationTurns,
  type MemoryStore,
  turnsFromMessages,
} from '../../src/memory/index.js';
import { freshSqliteDir } from '../support/databases.js';
import type { FakeLlm } from '../support/fake-llm.js';

export const BOT = 'Clara';

export interface ConversationHarness {
  db: MainDatabase;
  store: MemoryStore;
  index: ConversationIndex;
  /** Stores messages as one new session of `conversationId`, one minute apart from `start`. */
  addSession(
    conversationId: string,
    start: Date,
    messages: readonly { role?: 'user' | 'assistant'; content: string }[],
  ): Promise<MessageRow[]>;
  /** Indexes every stored message of the conversation. */
  indexAll(conversationId: string, userName?: string): ReturnType<typeof indexConversationTurns>;
  close(): Promise<void>;
}

export async function startConversationHarness(
  fake: FakeLlm | undefined,
  now = () => new Date('2023-06-01T12:00:00Z'),
): Promise<ConversationHarness> {
  const dir = await freshSqliteDir('clara-conversation-');
  const db = await openDatabase({ dataDir: dir });
  await db.migrate();
  if (!db.sqlite) throw new Error('expected the SQLite main database');
  const store = createSqliteMemoryStore({ db: db.sqlite, dimension: 64 });
  await store.open();
  const embedder = fake
    ? createOpenAICompatibleEmbedder({
        apiKey: 'sk-embedding',
        baseUrl: fake.openaiBaseUrl,
        model: 'text-embedding-3-small',
        dimension: 64,
        maxRetries: 0,
      })
    : undefined;
  const index = createConversationIndex({ store, embedder, now });
  return {
    db,
    store,
    index,
    async addSession(conversationId, start, messages) {
      const project = await db.repos.projects.ensure(conversationId, 'Default Project');
      const session = await db.repos.sessions.create({
        projectId: project.id,
        userId: conversationId,
        title: null,
        startedAt: start,
      });
      const rows: MessageRow[] = [];
      for (const [i, m] of messages.entries()) {
        rows.push(
          await db.repos.messages.add({
            sessionId: session.id,
            userId: conversationId,
            role: m.role ?? 'user',
            content: m.content,
            createdAt: new Date(start.getTime() + i * 60_000),
          }),
        );
      }
      return rows;
    },
    async indexAll(conversationId, userName) {
      const rows = await db.repos.messages.byConversation(conversationId, { limit: 10_000 });
      return indexConversationTurns(
        index,
        conversationId,
        turnsFromMessages(rows, { assistant: BOT, user: userName }),
      );
    },
    async close() {
      await store.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
