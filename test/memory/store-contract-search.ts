/** Contract: vector search (cosine order, filters pushed into the search) and full-text search. */
import { describe, expect, it } from 'vitest';
import type { MemoryFilter } from '../../src/memory/index.js';
import type { ContractContext } from './store-contract.js';
import { atCosine, BASE_TIME, hitTexts, put, record, userA, vec } from './store-contract-fixtures.js';

const axis0 = vec([1]);

export function describeSearchContract(ctx: ContractContext): void {
  describe('vector search', () => {
    it('orders by cosine similarity, best first, with ranks and scores', async () => {
      for (const cos of [0.5, 1, 0, 0.8]) await put(ctx.store, record(userA, `cos ${cos}`), atCosine(cos));
      await put(ctx.store, record(userA, 'no vector'), null);
      const hits = await ctx.store.vectorSearch(userA, axis0, 3, {});
      expect(hitTexts(hits)).toEqual(['cos 1', 'cos 0.8', 'cos 0.5']);
      expect(hits.map((h) => h.rank)).toEqual([1, 2, 3]);
      for (const [i, cos] of [1, 0.8, 0.5].entries()) expect(hits[i]?.score).toBeCloseTo(cos, 4);
      expect(hitTexts(await ctx.store.vectorSearch(userA, axis0, 10, {}))).toEqual([
        'cos 1',
        'cos 0.8',
        'cos 0.5',
        'cos 0',
      ]);
    });

    it('applies kinds, excludeKinds, isKey, since and metadata inside the search', async () => {
      await put(ctx.store, record(userA, 'nearest turn', { kind: 'message', minutes: 0 }), atCosine(0.99));
      await put(ctx.store, record(userA, 'key fact', { isKey: true, minutes: 1 }), atCosine(0.9));
      await put(
        ctx.store,
        record(userA, 'tagged fact', { metadata: { topic: 'jazz' }, minutes: 2 }),
        atCosine(0.8),
      );
      await put(ctx.store, record(userA, 'plain fact', { minutes: 3 }), atCosine(0.7));
      const search = async (filter: MemoryFilter) =>
        hitTexts(await ctx.store.vectorSearch(userA, axis0, 2, filter));
      expect(await search({ kinds: ['fact'] })).toEqual(['key fact', 'tagged fact']);
      expect(await search({ kinds: ['message', 'fact'] })).toEqual(['nearest turn', 'key fact']);
      expect(await search({ excludeKinds: ['message'] })).toEqual(['key fact', 'tagged fact']);
      expect(await search({ isKey: false, excludeKinds: ['message'] })).toEqual([
        'tagged fact',
        'plain fact',
      ]);
      expect(await search({ isKey: true })).toEqual(['key fact']);
      expect(await search({ since: new Date(BASE_TIME + 2 * 60_000) })).toEqual([
        'tagged fact',
        'plain fact',
      ]);
      expect(await search({ metadata: { topic: 'jazz' } })).toEqual(['tagged fact']);
      expect(await search({ metadata: { topic: 'rock' } })).toEqual([]);
    });

    it('finds farther matches when every nearest neighbour is filtered out', async () => {
      for (let i = 0; i < 150; i++) {
        const busy = record(userA, `busy turn ${i}`, { kind: 'message', metadata: { channel: 'busy' } });
        await put(ctx.store, busy, vec([1, 0.0005 * i]));
      }
      for (const cos of [0.1, 0.3, 0.2]) {
        await put(
          ctx.store,
          record(userA, `quiet ${cos}`, { metadata: { channel: 'quiet' } }),
          atCosine(cos),
        );
      }
      const expected = ['quiet 0.3', 'quiet 0.2'];
      const search = async (filter: MemoryFilter) =>
        hitTexts(await ctx.store.vectorSearch(userA, axis0, 2, filter));
      expect(await search({ metadata: { channel: 'quiet' } })).toEqual(expected);
      expect(await search({ kinds: ['fact'] })).toEqual(expected);
      expect(await search({ excludeKinds: ['message'] })).toEqual(expected);
      expect(await search({ metadata: { channel: 'quiet' }, kinds: ['fact'] })).toEqual(expected);
      expect(await ctx.store.vectorSearch(userA, axis0, 5, { metadata: { channel: 'quiet' } })).toHaveLength(
        3,
      );
    });
  });

  describe('text search', () => {
    it('ranks by relevance and leaves out non-matching memories', async () => {
      await put(ctx.store, record(userA, 'Bought a green bicycle'));
      await put(ctx.store, record(userA, 'Prefers black coffee'));
      await put(ctx.store, record(userA, 'Drinks green tea every morning, tea with honey'));
      const hits = await ctx.store.textSearch(userA, 'green tea', 10, {});
      expect(hitTexts(hits)).toEqual([
        'Drinks green tea every morning, tea with honey',
        'Bought a green bicycle',
      ]);
      expect(hits.map((h) => h.rank)).toEqual([1, 2]);
      expect((hits[0]?.score ?? 0) > (hits[1]?.score ?? 0)).toBe(true);
      expect(await ctx.store.textSearch(userA, 'green', 1, {})).toHaveLength(1);
    });

    it('treats search syntax in the query as plain words', async () => {
      await put(ctx.store, record(userA, 'Drinks green tea'));
      const hostile = [
        '"unbalanced quote',
        'tea*',
        'green OR',
        'OR AND NOT',
        '-tea',
        'NEAR(green tea',
        'NEAR(green tea, 2)',
        '((( ]] {} ^tea',
        'body: tea',
        '{ukey body}: x',
        "it's O'Brien's tea; DROP TABLE memories; --",
        '\\ % _ ? ! @ # $ & | ~ ` =',
        '',
        '   ',
      ];
      for (const query of hostile) {
        await expect(ctx.store.textSearch(userA, query, 5, {}), query).resolves.toBeInstanceOf(Array);
      }
      expect(hitTexts(await ctx.store.textSearch(userA, '"green" -tea* OR NEAR(', 5, {}))).toEqual([
        'Drinks green tea',
      ]);
      expect(await ctx.store.textSearch(userA, '!!! ???', 5, {})).toEqual([]);
    });

    it('matches accented text by its unaccented form and the reverse', async () => {
      await put(ctx.store, record(userA, 'Lives in São Paulo and loves crème brûlée'));
      await put(ctx.store, record(userA, 'Visited the cafe in Zurich'));
      await put(ctx.store, record(userA, 'Habla español con su abuela en Málaga'));
      expect(hitTexts(await ctx.store.textSearch(userA, 'sao paulo', 5, {}))).toEqual([
        'Lives in São Paulo and loves crème brûlée',
      ]);
      expect(hitTexts(await ctx.store.textSearch(userA, 'creme brulee', 5, {}))).toHaveLength(1);
      expect(hitTexts(await ctx.store.textSearch(userA, 'Café Zürich', 5, {}))).toEqual([
        'Visited the cafe in Zurich',
      ]);
      expect(hitTexts(await ctx.store.textSearch(userA, 'ESPAÑOL malaga', 5, {}))).toEqual([
        'Habla español con su abuela en Málaga',
      ]);
    });

    it('matches simple inflections (light stemming)', async () => {
      await put(ctx.store, record(userA, 'I run every morning'));
      await put(ctx.store, record(userA, 'She runs marathons'));
      await put(ctx.store, record(userA, 'Went hiking in the Alps'));
      expect(hitTexts(await ctx.store.textSearch(userA, 'running', 5, {}))).toContain('I run every morning');
      expect(hitTexts(await ctx.store.textSearch(userA, 'run', 5, {})).sort()).toEqual([
        'I run every morning',
        'She runs marathons',
      ]);
      expect(hitTexts(await ctx.store.textSearch(userA, 'hikes', 5, {}))).toEqual([
        'Went hiking in the Alps',
      ]);
    });

    it('applies filters inside the text search', async () => {
      await put(ctx.store, record(userA, 'jazz turn', { kind: 'message', minutes: 0 }));
      await put(
        ctx.store,
        record(userA, 'jazz key fact', { isKey: true, minutes: 1, metadata: { mood: 'happy' } }),
      );
      await put(ctx.store, record(userA, 'jazz fact', { minutes: 2 }));
      const search = async (filter: MemoryFilter) =>
        hitTexts(await ctx.store.textSearch(userA, 'jazz', 10, filter)).sort();
      expect(await search({ kinds: ['message'] })).toEqual(['jazz turn']);
      expect(await search({ excludeKinds: ['message'] })).toEqual(['jazz fact', 'jazz key fact']);
      expect(await search({ isKey: true })).toEqual(['jazz key fact']);
      expect(await search({ since: new Date(BASE_TIME + 2 * 60_000) })).toEqual(['jazz fact']);
      expect(await search({ metadata: { mood: 'happy' } })).toEqual(['jazz key fact']);
    });

    it('finds memories stored without an embedding by text only', async () => {
      await put(ctx.store, record(userA, 'Allergic to peanuts'), null);
      expect(hitTexts(await ctx.store.textSearch(userA, 'peanuts allergy', 5, {}))).toEqual([
        'Allergic to peanuts',
      ]);
      expect(await ctx.store.vectorSearch(userA, axis0, 5, {})).toEqual([]);
      expect(await ctx.store.count(userA, {})).toBe(1);
    });
  });
}
