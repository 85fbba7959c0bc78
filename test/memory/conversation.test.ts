/**
 * Conversation search end to end on real parts: messages in a SQLite main database, turns indexed into the memory
 * store on the same file, embeddings through the real `openai` SDK against the fake LLM, the chat history tools
 * through the real ToolRegistry, and the background indexing job on the in-process queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletedTurn } from '../../src/engine/index.js';
import { InProcessJobQueue } from '../../src/jobs/index.js';
import {
  createConversationObserver,
  MEMORY_KINDS,
  searchConversation,
  VARIANTS,
} from '../../src/memory/index.js';
import { registerBuiltinTools, type ToolContext, ToolRegistry } from '../../src/tools/index.js';
import { useFakeLlm } from '../support/hooks.js';
import { BOT, type ConversationHarness, startConversationHarness } from './conversation-harness.js';

const fake = useFakeLlm();
const CHANNEL = 'discord-channel-100';
const OTHER = 'discord-channel-200';
const NOW = new Date('2023-06-01T12:00:00Z');
let h: ConversationHarness;

beforeAll(async () => {
  h = await startConversationHarness(fake.current, () => NOW);
  await h.addSession(CHANNEL, new Date('2023-05-08T14:00:00Z'), [
    { content: '[Caroline]: I went to a LGBTQ support group yesterday and it was so powerful.' },
    { content: '[Melanie]: That is wonderful! What did you research afterwards?' },
    { content: '[Caroline]: Adoption agencies, it has been a dream to have a family.' },
    { content: '[Melanie]: We watched three movies with the kids last night.' },
    { content: '[Caroline]: Guess what I finally bought this weekend!' },
    { content: '[Melanie]: Tell me everything!' },
    { content: '[Caroline]: A bright red kayak for the lake.' },
  ]);
  await h.addSession(CHANNEL, new Date('2023-05-20T09:00:00Z'), [
    { content: '[Melanie]: I ran a charity race for mental health on Sunday.' },
    { role: 'assistant', content: 'Congratulations on the race, Melanie!' },
  ]);
  await h.addSession(OTHER, new Date('2023-05-08T14:00:00Z'), [
    { content: '[Bob]: My kayak is blue and I paddle on the lake every morning.' },
    { content: `[Bob]: ${'A very long story about paddling. '.repeat(12)}` },
  ]);
  await h.indexAll(CHANNEL);
  await h.indexAll(OTHER);
});

afterAll(async () => {
  await h?.close();
});

const texts = async (query: string, conversationId = CHANNEL, mode?: 'fulltext' | 'vector') =>
  (await searchConversation(h.index, conversationId, query, { limit: 10, ...(mode ? { mode } : {}) })).map(
    (hit) => hit.text,
  );

describe('indexing conversation turns', () => {
  it('stores each turn once per record variant, and re-running indexes nothing new', async () => {
    const scope = { userId: CHANNEL };
    const before = await h.store.count(scope, { kinds: [MEMORY_KINDS.message] });
    expect(before).toBe(9 * VARIANTS.length);
    const again = await h.indexAll(CHANNEL);
    expect(again).toEqual({ indexed: 0, refreshed: 0, skipped: 9 });
    expect(await h.store.count(scope, { kinds: [MEMORY_KINDS.message] })).toBe(before);
    const [record] = await h.store.list(
      scope,
      { kinds: [MEMORY_KINDS.message] },
      { limit: 1, order: 'oldest' },
    );
    expect(record?.metadata).toMatchObject({
      role: 'user',
      speaker: 'Caroline',
      at: '2023-05-08T14:00:00.000Z',
    });
    expect(record?.agentId).toBeNull();
    expect(record?.sourceMessageIds).toEqual([record?.metadata.message_id]);
  });

  it('re-indexes the turns before a new message so their context includes it', async () => {
    const conversation = 'web-late';
    const [first] = await h.addSession(conversation, new Date('2023-05-01T10:00:00Z'), [
      { content: 'Do you remember the name of that bakery?' },
      { role: 'assistant', content: 'I do not, tell me again?' },
    ]);
    expect(await h.indexAll(conversation, 'Sam')).toEqual({ indexed: 2, refreshed: 0, skipped: 0 });
    await h.db.repos.messages.add({
      sessionId: first!.sessionId,
      userId: conversation,
      role: 'user',
      content: 'It was called Crumbwell, near the station.',
      createdAt: new Date('2023-05-01T10:05:00Z'),
    });
    expect(await h.indexAll(conversation, 'Sam')).toEqual({ indexed: 1, refreshed: 2, skipped: 0 });
    expect(await h.store.count({ userId: conversation }, {})).toBe(3 * VARIANTS.length);
    const hits = await searchConversation(h.index, conversation, 'Crumbwell', { mode: 'fulltext' });
    expect(hits.map((hit) => hit.speaker)).toEqual(['Sam', BOT, 'Sam']);
  });
});

describe('searching a conversation', () => {
  it('finds a turn by another form of its words (light and Porter stemming)', async () => {
    expect((await texts('watching', CHANNEL, 'fulltext'))[0]).toContain('We watched three movies');
    expect((await texts('movie', CHANNEL, 'fulltext'))[0]).toContain('We watched three movies');
  });

  it("finds a turn by its neighbours' words", async () => {
    const found = await texts('kayak', CHANNEL, 'fulltext');
    expect(found[0]).toBe('A bright red kayak for the lake.');
    expect(found).toContain('Tell me everything!');
  });

  it('finds turns by their date, and relative dates by the day they mean', async () => {
    const hits = await searchConversation(h.index, CHANNEL, 'What happened on 20 May 2023?', { limit: 2 });
    expect(hits.map((hit) => hit.at.toISOString().slice(0, 10))).toEqual(['2023-05-20', '2023-05-20']);
    const yesterday = await texts('support group on May 7th, 2023');
    expect(yesterday[0]).toContain('support group yesterday');
  });

  it('returns hits with speaker, role, time and message id', async () => {
    const [hit] = await searchConversation(h.index, CHANNEL, 'congratulations', { limit: 1 });
    expect(hit).toMatchObject({
      role: 'assistant',
      speaker: BOT,
      text: 'Congratulations on the race, Melanie!',
    });
    expect(hit?.at).toEqual(new Date('2023-05-20T09:01:00Z'));
    expect(hit?.textMatch).toBe(true);
    expect(Number.isInteger(hit?.messageId)).toBe(true);
  });

  it("never returns another conversation's turns, in any mode", async () => {
    for (const mode of ['fulltext', 'vector', 'hybrid'] as const) {
      const mine = await searchConversation(h.index, CHANNEL, 'kayak lake paddle blue', { mode, limit: 50 });
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.some((hit) => hit.speaker === 'Bob')).toBe(false);
      const theirs = await searchConversation(h.index, OTHER, 'bright red kayak lake', { mode, limit: 50 });
      expect(theirs.map((hit) => hit.speaker)).toEqual(['Bob', 'Bob'].slice(0, theirs.length));
    }
  });

  it('filters by speaker and by time', async () => {
    const mel = await searchConversation(h.index, CHANNEL, 'kayak', { speaker: 'MEL' });
    expect(mel[0]?.text).toBe('Tell me everything!');
    expect(new Set(mel.map((hit) => hit.speaker))).toEqual(new Set(['Melanie']));
    const since = await searchConversation(h.index, CHANNEL, 'race kayak', { since: new Date('2023-05-10') });
    expect(since.every((hit) => hit.at >= new Date('2023-05-10'))).toBe(true);
    expect(since.length).toBeGreaterThan(0);
  });
});

describe('chat history tools', () => {
  const registry = new ToolRegistry();
  const context: ToolContext = {
    userId: 'discord-1',
    conversationId: CHANNEL,
    sessionId: 'session',
    platform: 'discord',
    isAdmin: false,
  };
  const run = (name: string, args: unknown, ctx: ToolContext = context) =>
    registry.execute({ name, arguments: JSON.stringify(args) }, ctx);

  beforeAll(() => {
    registerBuiltinTools(registry, {
      chatHistory: {
        conversation: h.index,
        messages: h.db.repos.messages,
        botName: BOT,
        timeZone: 'UTC',
        now: () => NOW,
      },
    });
  });

  it('search_chat_history returns formatted lines from the current conversation only', async () => {
    const result = await run('search_chat_history', { query: 'kayak' });
    expect(result.isError).toBeUndefined();
    expect(result.content).toMatch(/^Found \d+ message\(s\) matching 'kayak'/);
    expect(result.content).toContain('[2023-05-08 14:06] Caroline: A bright red kayak for the lake.');
    expect(result.content).not.toContain('Bob');
    const other = await run('search_chat_history', { query: 'kayak' }, { ...context, conversationId: OTHER });
    expect(other.content).toContain('[2023-05-08 14:00] Bob: My kayak is blue');
    expect(other.content).not.toContain('Caroline');
    const long = other.content.split('\n').find((l) => l.includes('very long story'));
    expect(long?.endsWith('…')).toBe(true);
    expect(long?.length).toBeLessThanOrEqual('[2023-05-08 14:01] Bob: '.length + 201);
  });

  it('search_chat_history filters by person and says when nothing matches', async () => {
    const mel = await run('search_chat_history', { query: 'kayak', from_user: 'melanie' });
    expect(mel.content).toContain("from 'melanie'");
    expect(mel.content).not.toContain('Caroline:');
    const none = await run('search_chat_history', { query: 'zeppelin' });
    // The vector ranking always has nearest neighbours; they are labelled, never called matches.
    expect(none.content).toMatch(/^No messages found matching 'zeppelin'\.\n\nClosest in meaning/);
    const empty = await run(
      'search_chat_history',
      { query: 'zeppelin' },
      { ...context, conversationId: 'web-nobody' },
    );
    expect(empty.content).toBe("No messages found matching 'zeppelin'");
  });

  it('search_chat_history refuses a missing or empty query with a clear error', async () => {
    for (const args of [{}, { query: '   ' }]) {
      const result = await run('search_chat_history', args);
      expect(result.isError).toBe(true);
      expect(result.content).toMatch(/search_chat_history: query: query is required/);
    }
  });

  it('get_chat_history lists the latest messages oldest first, with filters', async () => {
    const all = await run('get_chat_history', {});
    const lines = all.content.split('\n').filter((l) => l.startsWith('['));
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe(
      '[2023-05-08 14:00] Caroline: I went to a LGBTQ support group yesterday and it was so powerful.',
    );
    expect(lines[8]).toBe('[2023-05-20 09:01] Clara: Congratulations on the race, Melanie!');
    const older = await run('get_chat_history', { before_hours: 24 * 15 });
    expect(older.content).toContain('(older than 360 hours)');
    expect(older.content).not.toContain('charity race');
    const caroline = await run('get_chat_history', { user_filter: 'caro' });
    expect(caroline.content.split('\n').filter((l) => l.startsWith('['))).toHaveLength(4);
    const empty = await run('get_chat_history', {}, { ...context, conversationId: 'discord-channel-404' });
    expect(empty.content).toBe('No messages found in this conversation.');
  });

  it('search falls back to a substring scan when memory is off', async () => {
    const plain = new ToolRegistry();
    registerBuiltinTools(plain, {
      chatHistory: { messages: h.db.repos.messages, botName: BOT, timeZone: 'UTC' },
    });
    const result = await plain.execute(
      { name: 'search_chat_history', arguments: '{"query":"red kayak"}' },
      context,
    );
    expect(result.content).toContain('[2023-05-08 14:06] Caroline: A bright red kayak for the lake.');
  });
});

describe('background indexing', () => {
  it('indexes each stored exchange in a job, one per conversation at a time', async () => {
    const jobs = new InProcessJobQueue();
    const observer = createConversationObserver({
      index: h.index,
      jobs,
      messages: h.db.repos.messages,
      botName: BOT,
    });
    const conversation = 'discord-dm-42';
    const [user, reply] = await h.addSession(conversation, new Date('2023-05-30T08:00:00Z'), [
      { content: 'My sister Priya moves to Lisbon next month.' },
      { role: 'assistant', content: 'Lisbon is lovely! Is she excited?' },
    ]);
    const turn = {
      message: { conversationId: conversation, displayName: 'Ana' },
      userMessageId: user!.id,
      assistantMessageId: reply!.id,
    } as unknown as CompletedTurn;
    observer.onTurnComplete?.(turn);
    observer.onTurnComplete?.(turn);
    expect(await h.store.count({ userId: conversation }, {})).toBe(0);
    jobs.start();
    await jobs.idle();
    expect(jobs.stats()).toMatchObject({ completed: 1, failed: 0 });
    const hits = await searchConversation(h.index, conversation, 'Where is Priya moving?');
    expect(hits[0]).toMatchObject({ speaker: 'Ana', text: 'My sister Priya moves to Lisbon next month.' });
    await jobs.stop();
  });
});
