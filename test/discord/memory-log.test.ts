/**
 * Memory events in the Discord log channel (spec §1.17): the embeds themselves, how the log mirror batches and paces
 * them with the log lines, and end to end — Clara's real memory (SQLite, embeddings and the memory LLM from the
 * fake) reporting a retrieval, an extraction, and the emotional context and topics of a conversation that ended.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LogMirror, type MirrorEmbed } from '../../src/adapters/discord/log-mirror.js';
import {
  EMOTIONAL_COLOUR,
  MEMORY_COLOUR,
  type MemoryLogEvent,
  memoryEmbed,
  TOPIC_COLOUR,
} from '../../src/adapters/discord/memory-embeds.js';
import { CHANNEL_IDS, type DiscordWorld, startDiscordWorld } from '../support/discord-bot.js';
import type { StoredMessage } from '../support/fake-discord.js';
import { type RecordedRequest, startFakeLlm } from '../support/fake-llm.js';
import { type MemoryRouter, memoryEnv, routeMemoryLlm } from '../support/memory-llm.js';

const ALICE = 'discord-123456789012345678';

describe('memory embeds', () => {
  it('renders the four memory events like the original, with the user footer and no pings', () => {
    const retrieval = memoryEmbed({
      type: 'retrieval',
      userId: ALICE,
      counts: { key: 1, user: 2, project: 1 },
      samples: ['Loves jasmine tea', 'Works at @everyone Inc '.repeat(5)],
    });
    expect(retrieval).toMatchObject({
      title: '🧠 Memory Retrieval (4 total)',
      color: MEMORY_COLOUR,
      footer: { text: 'user: 12345678' },
      fields: [
        { name: 'Key', value: '1', inline: true },
        { name: 'User', value: '2', inline: true },
        { name: 'Project', value: '1', inline: true },
      ],
    });
    const samples = retrieval.description?.split('\n') ?? [];
    expect(samples[0]).toBe('• Loves jasmine tea');
    expect(samples[1]).not.toContain('@everyone');
    expect(samples[1]?.length).toBeLessThanOrEqual(62);

    const changes = Array.from({ length: 7 }, (_, i) => ({ event: 'ADD' as const, text: `fact ${i}` }));
    const extracted = memoryEmbed({ type: 'extracted', userId: ALICE, source: 'personal', changes });
    expect(extracted.title).toBe('💾 Memory Extracted (7 new)');
    expect(extracted.description?.split('\n')).toEqual([
      ...changes.slice(0, 5).map((c) => `➕ ${c.text}`),
      '… and 2 more',
    ]);
    expect(extracted.fields).toEqual([{ name: 'Source', value: 'personal', inline: true }]);

    const emotional = memoryEmbed({
      type: 'emotional',
      userId: ALICE,
      arc: 'improving',
      energy: 'positive',
      channel: '#general',
      text: 'Conversation about tea.',
    });
    expect(emotional).toMatchObject({ title: '💭 Emotional Context Stored', color: EMOTIONAL_COLOUR });
    expect(emotional.fields?.map((f) => f.value)).toEqual(['📈 improving', '😊 positive', '#general']);

    const topics = memoryEmbed({
      type: 'topics',
      userId: ALICE,
      topics: [
        { topic: 'jasmine tea', topicType: 'entity', weight: 'light' },
        { topic: 'job search', topicType: 'theme', weight: 'heavy' },
      ],
    });
    expect(topics).toMatchObject({ title: '🏷️ Topics Extracted (2)', color: TOPIC_COLOUR });
    expect(topics.description).toBe('🔵 👤 **jasmine tea** (light)\n🔴 💭 **job search** (heavy)');
  });

  it('the log mirror sends embeds up to 10 per message, in order with the log lines, paced the same way', async () => {
    const event: MemoryLogEvent = { type: 'topics', userId: ALICE, topics: [] };
    vi.useFakeTimers({ now: new Date('2026-11-20T09:05:07Z') });
    try {
      const sent: Array<{ item: string | MirrorEmbed[]; at: number }> = [];
      const mirror = new LogMirror({
        level: 'info',
        send: async (content) => void sent.push({ item: content, at: Date.now() }),
        sendEmbeds: async (embeds) => void sent.push({ item: embeds, at: Date.now() }),
      });
      mirror.lifecycle({ kind: 'reconnected' });
      for (let i = 0; i < 12; i++) mirror.embed({ ...memoryEmbed(event), title: `embed ${i}` });
      mirror.lifecycle({ kind: 'resumed' });
      await vi.runAllTimersAsync();
      expect(sent.map(({ item }) => (typeof item === 'string' ? item : item.map((e) => e.title)))).toEqual([
        '🔄 **Clara reconnected**',
        Array.from({ length: 10 }, (_, i) => `embed ${i}`),
        ['embed 10', 'embed 11'],
        '🔄 **Clara resumed**',
      ]);
      // One message per 1.2 s, embeds or not.
      const gaps = sent.slice(1).map((s, i) => s.at - (sent[i]?.at ?? 0));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1200);
    } finally {
      vi.useRealTimers();
    }

    // Memory events are info-level: a mirror at LOG_LEVEL=warning leaves them out.
    const quiet: unknown[] = [];
    const warnOnly = new LogMirror({
      level: 'warning',
      intervalMs: 0,
      send: async (c) => void quiet.push(c),
      sendEmbeds: async (e) => void quiet.push(e),
    });
    warnOnly.embed(memoryEmbed(event));
    await warnOnly.flush();
    expect(quiet).toEqual([]);
  });
});

const TOPIC_PROMPT = 'Pick out what this conversation was about';
const firstSystem = (request: RecordedRequest) => String(request.body?.messages?.[0]?.content ?? '');
const isTopicRequest = (request: RecordedRequest) => firstSystem(request).startsWith(TOPIC_PROMPT);

describe('memory events in the Discord log channel', () => {
  let w: DiscordWorld;
  let router: MemoryRouter;
  let offsetMs = 0;
  const embedsIn = (m: StoredMessage) => m.embeds as MirrorEmbed[];
  const logEmbed = (title: RegExp) =>
    w.fake.waitFor(
      `a log-channel embed ${title}`,
      () =>
        w.fake
          .messages(CHANNEL_IDS.logs)
          .flatMap(embedsIn)
          .find((e) => title.test(e.title)),
      15_000,
    );

  beforeAll(async () => {
    const llm = await startFakeLlm({ chunkDelayMs: 1 });
    w = await startDiscordWorld({
      llm,
      now: () => new Date(Date.now() + offsetMs),
      env: memoryEnv(llm, {
        DISCORD_LOG_CHANNEL_ID: CHANNEL_IDS.logs,
        LOG_LEVEL: 'info',
        SESSION_IDLE_MINUTES: '30',
      }),
    });
    router = routeMemoryLlm(w.llm);
    await w.app.memory?.engine.add(
      { userId: `discord-${w.aliceId}`, agentId: 'clara' },
      'Loves jasmine tea',
      {
        isKey: true,
      },
    );
  });
  afterAll(async () => {
    await w?.close();
  });

  it('reports what a reply retrieved and what the extraction stored', async () => {
    router.chat('Jasmine, of course.');
    router.extraction(JSON.stringify({ memories: [{ text: 'Drinks tea every afternoon', event: 'ADD' }] }));
    const dm = w.fake.dmChannel(w.aliceId);
    w.fake.userSays(dm, w.aliceId, 'which tea do I like? I am so happy I drink some every afternoon');
    await w.fake.waitForMessage(dm, (m) => m.content === 'Jasmine, of course.');

    const retrieval = await logEmbed(/Memory Retrieval/);
    expect(retrieval).toMatchObject({
      title: '🧠 Memory Retrieval (1 total)',
      description: '• Loves jasmine tea',
      color: MEMORY_COLOUR,
      footer: { text: `user: ${w.aliceId.slice(0, 8)}` },
    });
    expect(retrieval.fields?.find((f) => f.name === 'Key')?.value).toBe('1');

    const extracted = await logEmbed(/Memory Extracted/);
    expect(extracted).toMatchObject({
      title: '💾 Memory Extracted (1 new)',
      description: '➕ Drinks tea every afternoon',
      fields: [{ name: 'Source', value: 'personal', inline: true }],
    });
  });

  it('reports the emotional context and topics stored when the conversation ends', async () => {
    const topics = JSON.stringify({
      topics: [
        {
          topic: 'jasmine tea',
          topic_type: 'entity',
          context_snippet: 'they drink jasmine tea every afternoon and it makes them happy',
          emotional_weight: 'light',
        },
      ],
    });
    // The ended session's summary, its topics (both in the background) and the reply come in any order.
    const answer = (request: RecordedRequest) =>
      isTopicRequest(request)
        ? topics
        : firstSystem(request).startsWith('Summarize this conversation')
          ? 'They talked about tea.'
          : 'Welcome back!';
    router.chat(answer, answer, answer);
    // Past SESSION_IDLE_MINUTES: the next message starts a new session and the old one is finalised.
    offsetMs = 2 * 3_600_000;
    const dm = w.fake.dmChannel(w.aliceId);
    w.fake.userSays(dm, w.aliceId, 'hello again');
    await w.fake.waitForMessage(dm, (m) => m.content === 'Welcome back!');

    const topicEmbed = await logEmbed(/Topics Extracted/);
    expect(topicEmbed).toMatchObject({
      title: '🏷️ Topics Extracted (1)',
      description: '🔵 👤 **jasmine tea** (light)',
      color: TOPIC_COLOUR,
    });
    const emotional = await logEmbed(/Emotional Context Stored/);
    expect(emotional.color).toBe(EMOTIONAL_COLOUR);
    expect(emotional.fields?.find((f) => f.name === 'Where')?.value).toBe('DM');
    expect(emotional.description).toMatch(/jasmine tea/);
    expect(w.llm.chatRequests().some(isTopicRequest)).toBe(true);
  });
});
