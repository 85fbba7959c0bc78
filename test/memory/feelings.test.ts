/**
 * Feelings and topics through the real memory engine and the real SQLite store (sqlite-vec + FTS5, sharing the
 * main database's connection), with the fake LLM speaking the OpenAI protocol for topic extraction and embeddings.
 */
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MainDatabase, type MessageRow, openDatabase } from '../../src/db/index.js';
import type { ConversationEnvironment } from '../../src/domain/index.js';
import { createLlm, type Llm } from '../../src/llm/index.js';
import {
  createConversationFinaliser,
  createMemoryEngine,
  createOpenAICompatibleEmbedder,
  feelingSections,
  finaliseConversation,
  MEMORY_KINDS,
  type MemoryEngine,
  type MemoryScope,
  type MemoryStore,
} from '../../src/memory/index.js';
import { createSqliteMemoryStore } from '../../src/memory/stores/sqlite.js';
import { freshSqliteDir } from '../support/databases.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { captureStream } from '../support/log-capture.js';

const DIM = 64;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-03-20T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const ana: MemoryScope = { userId: 'discord-111', agentId: 'clara' };
const bo: MemoryScope = { userId: 'discord-222', agentId: 'clara' };
const DM: ConversationEnvironment = { kind: 'dm' };
const GENERAL: ConversationEnvironment = { kind: 'channel', channelId: '42', channelName: 'general' };

const topicsAnswer = (...topics: [string, string, string][]) =>
  JSON.stringify({
    topics: topics.map(([topic, weight, snippet]) => ({
      topic,
      topic_type: 'entity',
      context_snippet: snippet,
      emotional_weight: weight,
    })),
  });

const llmFake = useFakeLlm();

describe('feelings and topics on the SQLite memory store', () => {
  let fake: FakeLlm;
  let dir: string;
  let db: MainDatabase;
  let store: MemoryStore;
  let engine: MemoryEngine;
  let llm: Llm;
  let clock: Date;
  let logs: ReturnType<typeof captureStream>;

  beforeEach(async () => {
    fake = llmFake.current;
    clock = NOW;
    dir = await freshSqliteDir();
    db = await openDatabase({ dataDir: dir });
    await db.migrate();
    if (!db.sqlite) throw new Error('expected the SQLite main database');
    store = createSqliteMemoryStore({ db: db.sqlite, dimension: DIM });
    await store.open();
    logs = captureStream();
    const logger = pino({ level: 'debug' }, logs.stream);
    llm = createLlm({
      primary: {
        name: 'openrouter',
        apiKey: 'sk-test',
        baseUrl: fake.openaiBaseUrl,
        models: { base: 'fake-model' },
      },
      maxRetries: 0,
    });
    const embedder = createOpenAICompatibleEmbedder({
      apiKey: 'sk-test',
      baseUrl: fake.openaiBaseUrl,
      model: 'text-embedding-3-small',
      dimension: DIM,
    });
    engine = createMemoryEngine({ store, embedder, llm, logger, now: () => clock });
  });

  afterEach(async () => {
    await store.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A stored session of `turns` (user text, assistant text), one minute apart, ending at `end`. */
  async function storedSession(owner: string, turns: [string, string][], end: Date): Promise<MessageRow[]> {
    const project = await db.repos.projects.ensure(owner, 'Default Project');
    const session = await db.repos.sessions.create({ projectId: project.id, userId: owner, title: 'chat' });
    const count = turns.length * 2;
    let i = 0;
    for (const [user, assistant] of turns) {
      for (const [role, content] of [
        ['user', user],
        ['assistant', assistant],
      ] as const) {
        const createdAt = new Date(end.getTime() - (count - 1 - i) * 60_000);
        await db.repos.messages.add({ sessionId: session.id, userId: owner, role, content, createdAt });
        i++;
      }
    }
    return db.repos.messages.recent(session.id, 200);
  }

  async function addOrdinaryMemories(
    scope: MemoryScope,
    n: number,
    newest: Date,
    batch: string,
  ): Promise<void> {
    for (let i = 0; i < n; i++) {
      clock = new Date(newest.getTime() - i * 60_000);
      await engine.add(scope, `Ordinary fact ${batch}-${i}: likes item ${i} of collection ${batch}`);
    }
    clock = NOW;
  }

  it('finds an emotional context among 200 ordinary memories (the original listed 6 and missed it)', async () => {
    await addOrdinaryMemories(ana, 100, ago(4 * HOUR), 'older');
    const messages = await storedSession(
      'discord-dm-111',
      [
        ['I finished the garden fence today, it is nice', 'That sounds lovely.'],
        ['The fence is ok I guess', 'It counts!'],
        ['I feel a bit down', 'What is on your mind?'],
        ['I am worried about my sister', 'Tell me more.'],
        ['my sister is upset with me', 'That sounds hard.'],
        ['my sister is a bit annoyed with me', 'Unfortunately these things take time. I am here.'],
      ],
      ago(3 * HOUR),
    );
    fake.script(topicsAnswer(['sister', 'heavy', 'Sister is angry with them and they feel awful about it']));
    await createConversationFinaliserFor(engine, llm)(
      {
        sessionId: messages[0]!.sessionId,
        conversationId: 'discord-dm-111',
        userId: ana.userId,
        environment: DM,
      },
      ana,
      messages,
    );
    await addOrdinaryMemories(ana, 100, ago(HOUR), 'newer');

    expect(await engine.count(ana, {})).toBe(202);
    const arbitrarySix = await engine.list(ana, {}, { limit: 6 });
    expect(arbitrarySix.some((m) => m.kind === MEMORY_KINDS.emotionalContext)).toBe(false);

    const sections = await feelingSections(engine, ana, NOW);
    const emotional = sections.find((s) => s.title === 'RECENT EMOTIONAL CONTEXT');
    expect(emotional?.lines).toEqual([
      '[DM, 3h ago] Conversation about sister (2026-03-20 09:00 UTC): they started light and grew more stressed, ' +
        'and it ended on a concerned note.',
    ]);

    const [stored] = await engine.list(ana, { kinds: [MEMORY_KINDS.emotionalContext] }, { limit: 5 });
    expect(stored?.agentId).toBe('clara');
    expect(stored?.metadata).toMatchObject({
      channel_id: 'discord-dm-111',
      channel_name: 'DM',
      is_dm: true,
      emotional_arc: 'declining',
      energy_level: 'concerned',
      starting_sentiment: expect.any(Number),
      ending_sentiment: expect.any(Number),
      timestamp: '2026-03-20T09:00:00.000Z',
    });
    expect(stored?.metadata.starting_sentiment as number).toBeGreaterThan(0.3);
    expect(stored?.metadata.ending_sentiment as number).toBeLessThan(-0.3);

    const prompt = JSON.stringify(fake.chatRequests()[0]?.body.messages);
    expect(prompt).toContain('User: I finished the garden fence today');
    expect(prompt).toContain('Clara: Unfortunately these things take time');
  });

  it('scores only the ended session: the message that ended it belongs to the next conversation', async () => {
    const ended = await storedSession(
      'discord-dm-111',
      [
        ['This is terrible and I hate it.', 'I understand.'],
        ['I am so stressed about my exam tomorrow', 'Noted.'],
      ],
      ago(2 * HOUR),
    );
    // The message that triggered finalisation is stored in the new session and never scored with the old one.
    await storedSession('discord-dm-111', [['I love this so much!', 'Yay']], NOW);
    const result = await finaliseConversation({
      engine,
      scope: ana,
      messages: ended,
      channel: { id: 'discord-dm-111', name: 'DM', isDm: true },
      sessionId: ended[0]!.sessionId,
    });
    expect(result.sentiments).toEqual([-0.7783, -0.4005]);
    expect(result.emotionalContext?.metadata.ending_sentiment).toBe(-0.4005);
    expect(fake.chatRequests()).toHaveLength(0); // no LLM given → no topic extraction
  });

  it('shows topics mentioned in two sessions under RECURRING TOPICS, and a retried job stores nothing twice', async () => {
    const finalise = createConversationFinaliserFor(engine, llm);
    const first = await storedSession(
      'discord-dm-111',
      [['My sister called about her surgery next week, I am worried', 'I am sorry, that is a lot to carry.']],
      ago(3 * DAY),
    );
    fake.script(
      topicsAnswer(
        ['sister', 'moderate', 'Sister has surgery next week and they are worried'],
        ['surgery', 'heavy', 'The upcoming surgery of their sister'],
      ),
    );
    await finalise(
      { sessionId: first[0]!.sessionId, conversationId: 'c', userId: ana.userId, environment: DM },
      ana,
      first,
    );

    const second = await storedSession(
      'discord-dm-111',
      [['The surgery went fine and my sister is home, such a relief', 'That is great news, I am so glad!']],
      ago(1 * DAY),
    );
    const endedSecond = {
      sessionId: second[0]!.sessionId,
      conversationId: 'c',
      userId: ana.userId,
      environment: DM,
    };
    fake.script(
      topicsAnswer(
        ['Sister', 'heavy', 'Sister is home after a successful surgery'],
        ['chess', 'light', 'They started learning chess openings this week'],
      ),
    );
    await finalise(endedSecond, ana, second);
    // A retry of the same job: no LLM call, no new memories.
    await finalise(endedSecond, ana, second);
    expect(fake.chatRequests()).toHaveLength(2);
    expect(await engine.count(ana, { kinds: [MEMORY_KINDS.topicMention] })).toBe(4);
    expect(await engine.count(ana, { kinds: [MEMORY_KINDS.emotionalContext] })).toBe(2);

    const sections = await feelingSections(engine, ana, NOW);
    expect(sections.find((s) => s.title === 'RECURRING TOPICS')?.lines).toEqual([
      'sister: mentioned 2 times recently',
    ]);
    const emotional = sections.find((s) => s.title === 'RECENT EMOTIONAL CONTEXT')?.lines ?? [];
    expect(emotional[0]).toMatch(/^\[DM, yesterday\] Conversation about sister and chess \(/);
    expect(emotional[1]).toMatch(/^\[DM, 3 days ago\] Conversation about sister and surgery \(/);
  });

  it('never shows another person’s feelings or topics, nor another persona’s', async () => {
    for (const [i, when] of [2 * DAY, DAY].entries()) {
      const messages = await storedSession(
        'discord-dm-222',
        [[`I hate my landlord, the rent went up again ${i}`, 'I am sorry, that is a real problem.']],
        ago(when),
      );
      fake.script(topicsAnswer(['landlord', 'heavy', `Landlord raised the rent again, time ${i}`]));
      await createConversationFinaliserFor(engine, llm)(
        {
          sessionId: messages[0]!.sessionId,
          conversationId: 'discord-dm-222',
          userId: bo.userId,
          environment: DM,
        },
        bo,
        messages,
      );
    }
    const nova: MemoryScope = { userId: ana.userId, agentId: 'nova' };
    const novaMessages = await storedSession(
      'discord-dm-111',
      [['I hate mondays so much, everything went wrong', 'Sorry to hear that.']],
      ago(HOUR),
    );
    await finaliseConversation({
      engine,
      scope: nova,
      messages: novaMessages,
      channel: { id: 'discord-dm-111', name: 'DM', isDm: true },
    });

    const boSections = await feelingSections(engine, bo, NOW);
    expect(boSections.map((s) => s.title)).toEqual(['RECENT EMOTIONAL CONTEXT', 'RECURRING TOPICS']);
    expect(boSections[1]?.lines).toEqual(['landlord: mentioned 2 times recently']);
    expect(await feelingSections(engine, ana, NOW)).toEqual([]);
    const novaRecords = await engine.list(nova, { kinds: [MEMORY_KINDS.emotionalContext] }, { limit: 5 });
    expect(novaRecords.map((r) => r.agentId)).toEqual(['nova']);
    expect((await feelingSections(engine, nova, NOW)).map((s) => s.title)).toEqual([
      'RECENT EMOTIONAL CONTEXT',
    ]);
  });

  it('in a shared channel scores only the speaker’s messages, and stores nothing without their name', async () => {
    const messages = await storedSession(
      'discord-channel-42',
      [
        ['[Ana]: I love this so much, what a wonderful day!', 'Glad to hear it, Ana!'],
        ['[Bo]: This is terrible and I hate it.', 'Sorry, Bo.'],
        ['[Ana]: Thanks, that really helped a lot :)', 'Happy to help!'],
      ],
      ago(2 * HOUR),
    );
    const ended = {
      sessionId: messages[0]!.sessionId,
      conversationId: 'discord-channel-42',
      environment: GENERAL,
    };
    const finalise = createConversationFinaliser({
      engine,
      botName: 'Clara',
      logger: pino({ level: 'silent' }),
    });
    await finalise({ ...ended, userId: ana.userId }, ana, messages);
    expect(await engine.count(ana, {})).toBe(0);

    const result = await finaliseConversation({
      engine,
      scope: ana,
      messages,
      channel: { id: '42', name: 'general', isDm: false },
      speakerName: 'Ana',
    });
    expect(result.sentiments).toHaveLength(2);
    expect(result.sentiments.every((s) => s > 0.3)).toBe(true);
    const sections = await feelingSections(engine, ana, NOW);
    expect(sections[0]?.lines[0]).toMatch(/^\[#general, 2h ago\] Conversation about general things/);
  });

  it('stores the emotional context when the topic answer is not JSON, and says so in the log', async () => {
    const messages = await storedSession(
      'discord-dm-111',
      [['My cat Miso knocked over the plant again, so annoying', 'Cats! Sorry about the plant.']],
      ago(HOUR),
    );
    fake.script('I could not find any topics worth noting in this conversation.');
    const result = await finaliseConversation({
      engine,
      llm,
      scope: ana,
      messages,
      channel: { id: 'discord-dm-111', name: 'DM', isDm: true },
      logger: pino({ level: 'debug' }, logs.stream),
    });
    expect(result.topics).toEqual([]);
    expect(result.emotionalContext?.kind).toBe(MEMORY_KINDS.emotionalContext);
    expect(logs.text()).toContain('Topic extraction: the memory model answered without the expected JSON');
  });

  it('skips topic extraction for a conversation shorter than 50 characters', async () => {
    const messages = await storedSession('discord-dm-111', [['hi', 'Hello!']], ago(HOUR));
    const result = await finaliseConversation({
      engine,
      llm,
      scope: ana,
      messages,
      channel: { id: 'discord-dm-111', name: 'DM', isDm: true },
    });
    expect(fake.chatRequests()).toHaveLength(0);
    expect(result.emotionalContext?.text).toContain('general things');
  });
});

function createConversationFinaliserFor(engine: MemoryEngine, llm: Llm) {
  return createConversationFinaliser({ engine, llm, botName: 'Clara', now: () => NOW });
}
