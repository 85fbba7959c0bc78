/**
 * The memory engine on real parts: SQLite store (better-sqlite3 temp file, sqlite-vec, FTS5), the embedder and
 * the memory LLM through the real `openai` SDK against the fake LLM (scripted JSON answers).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeMessage, MemoryScope } from '../../src/memory/index.js';
import type { RecordedRequest } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { type Harness, MEMORY_MODEL, numberOf, promptInput, startHarness } from './engine-harness.js';

const fake = useFakeLlm();
const ana: MemoryScope = { userId: 'discord-1001', agentId: 'clara' };
const json = (memories: unknown[]) => JSON.stringify({ memories });
const embeddingCalls = () => fake.current.requests.filter((r) => r.protocol === 'embeddings').length;

function exchange(userText: string, firstId: number): ExchangeMessage[] {
  return [
    { role: 'user', content: userText, id: firstId },
    { role: 'assistant', content: 'Good to know, thanks for telling me!', id: firstId + 1 },
  ];
}

describe('memory engine: extraction', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(fake.current);
  });
  afterEach(async () => {
    await h.close();
  });

  it('adds facts about the user with provenance, in one LLM call with MEM0_MODEL', async () => {
    fake.current.script(
      json([
        { text: 'Lives in Berlin', is_key: true, event: 'ADD' },
        { text: 'Has a cat named Miso', is_key: false, event: 'ADD' },
      ]),
    );
    const changes = await h.engine.extract(ana, exchange('I live in Berlin with my cat Miso.', 11), {
      channel: 'dm',
    });
    expect(changes.map((c) => [c.event, c.memory.text, c.memory.isKey])).toEqual([
      ['ADD', 'Lives in Berlin', true],
      ['ADD', 'Has a cat named Miso', false],
    ]);
    for (const change of changes) {
      expect(change.memory.sourceMessageIds).toEqual([11, 12]);
      expect(change.memory).toMatchObject({
        userId: ana.userId,
        agentId: 'clara',
        kind: 'fact',
        validTo: null,
      });
      expect(change.memory.metadata).toEqual({ channel: 'dm' });
    }
    const chat = fake.current.chatRequests();
    expect(chat).toHaveLength(1);
    expect(chat[0]?.body.model).toBe(MEMORY_MODEL);
    expect(promptInput(chat[0]?.body)).toContain('Existing memories:\n(none)');
    expect(promptInput(chat[0]?.body)).toContain('User: I live in Berlin with my cat Miso.');
    // One embedding of the user text (similar-memory search) + one batch for the new facts.
    expect(embeddingCalls()).toBe(2);
    expect((await h.engine.search(ana, 'Berlin'))[0]?.memory.text).toBe('Lives in Berlin');
  });

  it('a contradiction UPDATEs: the old memory ends (validTo, supersededBy), search finds only the new one', async () => {
    fake.current.script(json([{ text: 'Lives in Berlin', is_key: true, event: 'ADD' }]));
    const [berlin] = await h.engine.extract(ana, exchange('I live in Berlin.', 1));
    h.advance(86_400_000);
    fake.current.script((request: RecordedRequest) => {
      const n = numberOf(promptInput(request.body), 'Lives in Berlin');
      return json([{ text: 'Lives in Munich', event: 'UPDATE', target: n }]);
    });
    const changes = await h.engine.extract(ana, exchange('I moved to Munich last month.', 3));
    expect(changes).toHaveLength(1);
    const [update] = changes;
    expect(update?.event).toBe('UPDATE');
    expect(update?.memory).toMatchObject({
      text: 'Lives in Munich',
      isKey: true,
      supersedes: berlin?.memory.id,
    });
    expect(update?.memory.sourceMessageIds).toEqual([3, 4]);
    expect(update?.previous?.id).toBe(berlin?.memory.id);

    const old = await h.engine.get(ana, berlin!.memory.id);
    expect(old?.text).toBe('Lives in Berlin');
    expect(old?.validTo).toEqual(new Date('2025-03-02T10:00:00Z'));
    expect(old?.supersededBy).toBe(update?.memory.id);

    await h.engine.add(ana, 'Enjoys hiking in the Alps');
    const found = (await h.engine.search(ana, 'where does the user live: Berlin or Munich?')).map(
      (hit) => hit.memory.text,
    );
    expect(found[0]).toBe('Lives in Munich');
    expect(found).not.toContain('Lives in Berlin');
    const withEnded = await h.engine.search(ana, 'lives Berlin', { filter: { includeInvalid: true } });
    expect(withEnded.map((hit) => hit.memory.text)).toContain('Lives in Berlin');
    const history = await h.engine.history(ana, update!.memory.id);
    expect(history.map((m) => m.text)).toEqual(['Lives in Berlin', 'Lives in Munich']);
    expect((await h.engine.list(ana, { isKey: true })).map((m) => m.text)).toEqual(['Lives in Munich']);
  });

  it('key memories are always shown, so an update sharing no word with the old fact is still caught', async () => {
    await h.close();
    h = await startHarness(fake.current, { embedder: false });
    await h.engine.add(ana, 'Lives in Berlin', { isKey: true });
    for (let i = 0; i < 12; i++) await h.engine.add(ana, `Big fan of news podcast number ${i}`);
    fake.current.script((request: RecordedRequest) => {
      const input = promptInput(request.body);
      // The full-text search for the message finds the podcasts, not Berlin: the key memory is added to the list.
      expect(input).toContain('Big fan of news podcast');
      const n = numberOf(input, 'Lives in Berlin');
      return json([{ text: 'Lives in Munich', event: 'UPDATE', target: n }]);
    });
    const [update] = await h.engine.extract(ana, exchange('Big news: I moved to Munich!', 1));
    expect(update).toMatchObject({ event: 'UPDATE', memory: { text: 'Lives in Munich', isKey: true } });
    expect((await h.engine.list(ana, { isKey: true })).map((m) => m.text)).toEqual(['Lives in Munich']);
  });

  it('DELETE ends a memory (kept in history); NONE changes nothing', async () => {
    const cat = await h.engine.add(ana, 'Has a cat named Miso');
    await h.engine.add(ana, 'Enjoys hiking');
    fake.current.script((request: RecordedRequest) =>
      json([{ event: 'DELETE', target: numberOf(promptInput(request.body), 'Has a cat') }]),
    );
    const deleted = await h.engine.extract(ana, exchange('Sadly my cat Miso passed away last week.', 20));
    expect(deleted.map((c) => [c.event, c.memory.id])).toEqual([['DELETE', cat.memory.id]]);
    expect((await h.engine.get(ana, cat.memory.id))?.validTo).not.toBeNull();
    expect((await h.engine.search(ana, 'cat Miso')).map((hit) => hit.memory.text)).toEqual(['Enjoys hiking']);
    expect(await h.engine.history(ana, cat.memory.id)).toHaveLength(1);

    fake.current.script((request: RecordedRequest) =>
      json([
        {
          text: 'Enjoys hiking',
          event: 'NONE',
          target: numberOf(promptInput(request.body), 'Enjoys hiking'),
        },
      ]),
    );
    expect(await h.engine.extract(ana, exchange('I went hiking again, I love it.', 22))).toEqual([]);
    expect(await h.engine.count(ana)).toBe(1);
  });

  it('extractions in one scope run one after another: the second sees what the first stored', async () => {
    fake.current.script(
      json([{ text: 'Lives in Berlin', is_key: true, event: 'ADD' }]),
      (request: RecordedRequest) =>
        json([
          {
            text: 'Lives in Berlin',
            event: 'NONE',
            target: numberOf(promptInput(request.body), 'Lives in Berlin'),
          },
        ]),
    );
    const [first, second] = await Promise.all([
      h.engine.extract(ana, exchange('I live in Berlin.', 1)),
      h.engine.extract(ana, exchange('Berlin is where I live, yes.', 3)),
    ]);
    expect(first?.map((c) => c.event)).toEqual(['ADD']);
    expect(second).toEqual([]);
    expect(await h.engine.count(ana)).toBe(1);
  });

  it('invalid JSON is retried once with a corrective message, then applied', async () => {
    fake.current.script(
      'Here are the facts: {"memories": [{"text": "Is allergic to peanuts", "event": "ADD"',
      '```json\n{"memories": [{"text": "Is allergic to peanuts", "is_key": true, "event": "ADD"},]}\n```',
    );
    const changes = await h.engine.extract(ana, exchange('Careful, I am allergic to peanuts.', 30));
    expect(changes.map((c) => [c.memory.text, c.memory.isKey])).toEqual([['Is allergic to peanuts', true]]);
    const chat = fake.current.chatRequests();
    expect(chat).toHaveLength(2);
    const retry = chat[1]?.body.messages as { role: string; content: string }[];
    expect(retry.at(-2)?.role).toBe('assistant');
    expect(retry.at(-1)?.content).toMatch(/could not be used \(no JSON object found\)/);
    expect(h.warnings()).toEqual([]);
  });

  it('invalid JSON twice: nothing stored, a warning with a sample is logged, nothing thrown', async () => {
    fake.current.script('I am not sure what to remember.', '{"memories": "none"}');
    const changes = await h.engine.extract(ana, exchange('My birthday is on 4 May.', 40));
    expect(changes).toEqual([]);
    expect(fake.current.chatRequests()).toHaveLength(2);
    expect(await h.engine.count(ana)).toBe(0);
    const [warning] = h.warnings();
    expect(warning?.msg).toMatch(/gave up.*MEM0_MODEL/);
    expect(warning?.sample).toBe('{"memories": "none"}');
  });

  it('an UPDATE naming a memory that was not shown keeps the fact as an ADD', async () => {
    fake.current.script(json([{ text: 'Speaks Portuguese', event: 'UPDATE', target: 7 }]));
    const changes = await h.engine.extract(ana, exchange('I speak Portuguese fluently.', 50));
    expect(changes.map((c) => [c.event, c.memory.text])).toEqual([['ADD', 'Speaks Portuguese']]);
    expect(h.warnings()[0]?.msg).toMatch(/memory number that was not shown/);
  });

  it('without an LLM extraction returns nothing and logs one debug line', async () => {
    const bare = await startHarness(fake.current, { llm: false });
    try {
      expect(await bare.engine.extract(ana, exchange('I live in Lisbon.', 60))).toEqual([]);
      expect(bare.logs().filter((l) => /no memory LLM/.test(l.msg))).toHaveLength(1);
      expect(fake.current.requests).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });
});
