/**
 * The memory engine's search, add/update/delete and fault handling on real parts (SQLite store, embedder through
 * the `openai` SDK against the fake LLM).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryScope } from '../../src/memory/index.js';
import { useFakeLlm } from '../support/hooks.js';
import { type Harness, promptInput, startHarness } from './engine-harness.js';

const fake = useFakeLlm();
const embeddingCalls = () => fake.current.requests.filter((r) => r.protocol === 'embeddings').length;

describe('memory engine: search, add, faults', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(fake.current);
  });
  afterEach(async () => {
    await h.close();
  });

  it('fuses vector and full-text rankings and returns provenance and validity', async () => {
    await h.engine.add({ userId: 'u1' }, 'Plays the cello in an amateur orchestra', {
      sourceMessageIds: [7],
    });
    await h.engine.add({ userId: 'u1' }, 'Favourite food is ramen');
    fake.current.reset();
    const hits = await h.engine.search({ userId: 'u1' }, 'cello orchestra');
    expect(hits[0]?.memory.text).toBe('Plays the cello in an amateur orchestra');
    expect(hits[0]).toMatchObject({ vectorRank: 1, textRank: 1 });
    expect(hits[0]?.score).toBeCloseTo(2 / 61, 12);
    expect(hits[0]?.memory.sourceMessageIds).toEqual([7]);
    expect(hits[0]?.memory.validTo).toBeNull();
    expect(embeddingCalls()).toBe(1);
    expect(fake.current.chatRequests()).toHaveLength(0);
  });

  it('parallel searches for the same text share one embedding call', async () => {
    await h.engine.add({ userId: 'u1', projectId: 'p1' }, 'Project deadline is in June');
    fake.current.reset();
    const query = 'when is the deadline?';
    await Promise.all([
      h.engine.search({ userId: 'u1' }, query),
      h.engine.search({ userId: 'u1', projectId: 'p1' }, query),
      h.engine.search({ userId: 'u2' }, query),
    ]);
    expect(embeddingCalls()).toBe(1);
  });

  it('five concurrent identical adds yield one memory', async () => {
    const scope = { userId: 'u1', agentId: 'clara' };
    const changes = await Promise.all(
      Array.from({ length: 5 }, () => h.engine.add(scope, 'Likes green tea', { isKey: false })),
    );
    expect(changes.filter((c) => c.event === 'ADD')).toHaveLength(1);
    expect(new Set(changes.map((c) => c.memory.id)).size).toBe(1);
    expect(await h.engine.count(scope)).toBe(1);
  });

  it('update supersedes with a new embedding; delete ends; forget removes every version', async () => {
    const scope = { userId: 'u1' };
    const { memory } = await h.engine.add(scope, 'Works as a teacher', { isKey: true });
    fake.current.reset();
    const change = await h.engine.update(scope, memory.id, 'Works as a school principal');
    expect(embeddingCalls()).toBe(1);
    expect(change?.memory).toMatchObject({
      text: 'Works as a school principal',
      isKey: true,
      supersedes: memory.id,
    });
    expect(change?.previous).toMatchObject({ id: memory.id, supersededBy: change?.memory.id });
    expect((await h.engine.search(scope, 'principal'))[0]).toMatchObject({ vectorRank: 1 });
    expect(await h.engine.update(scope, memory.id, 'again')).toBeUndefined();
    expect(await h.engine.delete(scope, change!.memory.id)).toBe(true);
    expect(await h.engine.list(scope)).toEqual([]);
    expect(await h.engine.history(scope, memory.id)).toHaveLength(2);
    expect(await h.engine.forget(scope, memory.id)).toBe(2);
    expect(await h.engine.history(scope, memory.id)).toEqual([]);
  });

  it('embedder down (HTTP 500): memories are stored text-only, found by full-text search, warnings logged', async () => {
    // add, extraction search, extracted facts, search: four embedding requests fail.
    fake.current.scriptEmbeddings(...Array.from({ length: 4 }, () => ({ status: 500 })));
    const scope = { userId: 'u1' };
    const added = await h.engine.add(scope, 'Runs a bakery in Porto');
    expect(added.event).toBe('ADD');
    fake.current.script(
      JSON.stringify({ memories: [{ text: 'Bakes sourdough every Sunday', event: 'ADD' }] }),
    );
    const extracted = await h.engine.extract(scope, [
      { role: 'user', content: 'I bake sourdough every Sunday.', id: 9 },
    ]);
    expect(extracted.map((c) => c.memory.text)).toEqual(['Bakes sourdough every Sunday']);
    const hits = await h.engine.search(scope, 'bakery Porto');
    expect(hits.map((hit) => hit.memory.text)).toEqual(['Runs a bakery in Porto']);
    expect(hits[0]?.vectorRank).toBeUndefined();
    expect(hits[0]?.textRank).toBe(1);
    expect(h.warnings().length).toBeGreaterThanOrEqual(3);
    expect(h.warnings().every((w) => /Embedding failed/.test(w.msg))).toBe(true);
    // The service is back: the query is embedded again, and the text-only memory is still found.
    const warnings = h.warnings().length;
    const later = await h.engine.search(scope, 'sourdough');
    expect(later.map((hit) => [hit.memory.text, hit.vectorRank, hit.textRank])).toEqual([
      ['Bakes sourdough every Sunday', undefined, 1],
    ]);
    expect(h.warnings()).toHaveLength(warnings);
  });

  it('works with zero setup: no embedder → full-text search only, no embedding requests', async () => {
    const bare = await startHarness(fake.current, { embedder: false });
    try {
      await bare.engine.add({ userId: 'u1' }, 'Grows tomatoes on the balcony');
      const hits = await bare.engine.search({ userId: 'u1' }, 'tomatoes');
      expect(hits.map((hit) => hit.memory.text)).toEqual(['Grows tomatoes on the balcony']);
      expect(embeddingCalls()).toBe(0);
    } finally {
      await bare.close();
    }
  });
});

describe('memory engine: isolation between users and projects', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(fake.current);
  });
  afterEach(async () => {
    await h.close();
  });

  const alice: MemoryScope = { userId: 'discord-1', agentId: 'clara' };
  const bob: MemoryScope = { userId: 'discord-2', agentId: 'clara' };

  it('a user never sees another user’s memories, in search, list, get or the extraction prompt', async () => {
    const secret = await h.engine.add(alice, 'Alice has a secret garden in Kyoto');
    await h.engine.add(bob, 'Bob has a garden shed');
    const bobHits = await h.engine.search(bob, 'secret garden Kyoto');
    expect(bobHits.map((hit) => hit.memory.text)).toEqual(['Bob has a garden shed']);
    expect(await h.engine.get(bob, secret.memory.id)).toBeUndefined();
    expect((await h.engine.list(bob)).map((m) => m.userId)).toEqual(['discord-2']);
    expect(await h.engine.update(bob, secret.memory.id, 'stolen')).toBeUndefined();
    expect(await h.engine.delete(bob, secret.memory.id)).toBe(false);

    fake.current.script(JSON.stringify({ memories: [] }));
    await h.engine.extract(bob, [{ role: 'user', content: 'Tell me about the secret garden in Kyoto' }]);
    const prompt = promptInput(fake.current.chatRequests()[0]?.body);
    expect(prompt).toContain('Bob has a garden shed');
    expect(prompt).not.toContain('Alice has');
  });

  it('a project scope reads only that project; the user scope reads all of them', async () => {
    await h.engine.add({ ...alice, projectId: 'novel' }, 'The novel is set in Lagos');
    await h.engine.add({ ...alice, projectId: 'thesis' }, 'The thesis is set in Lagos archives');
    const novel = await h.engine.search({ ...alice, projectId: 'novel' }, 'Lagos');
    expect(novel.map((hit) => hit.memory.text)).toEqual(['The novel is set in Lagos']);
    const all = await h.engine.search(alice, 'Lagos');
    expect(all).toHaveLength(2);
  });
});
