/** Contract: supersession, invalidation, history, hard delete, re-embedding and the dimension check. */
import { describe, expect, it } from 'vitest';
import { DimensionMismatchError } from '../../src/memory/index.js';
import type { ContractContext } from './store-contract.js';
import {
  BASE_TIME,
  DIM,
  hitTexts,
  put,
  record,
  texts,
  userA,
  userB,
  vec,
} from './store-contract-fixtures.js';

const later = (minutes: number) => new Date(BASE_TIME + minutes * 60_000 + 7);

export function describeVersionContract(ctx: ContractContext): void {
  describe('supersede and invalidate', () => {
    it('supersede ends the old version, links both ways and keeps only the new one current', async () => {
      const old = await put(ctx.store, record(userA, 'Lives in Berlin'), vec([1, 0]));
      const next = record(userA, 'Lives in Munich', { minutes: 5 });
      const at = later(5);
      const stored = await ctx.store.supersede(userA, old.id, next, vec([0, 1]), at);
      expect(stored).toEqual({ ...next, supersedes: old.id });
      expect(await ctx.store.get(userA, old.id)).toMatchObject({ validTo: at, supersededBy: next.id });
      expect((await ctx.store.get(userA, old.id))?.validTo?.getTime()).toBe(at.getTime());
      expect(texts(await ctx.store.list(userA, {}, { limit: 10 }))).toEqual(['Lives in Munich']);
      expect(texts(await ctx.store.list(userA, { includeInvalid: true }, { limit: 10 })).sort()).toEqual([
        'Lives in Berlin',
        'Lives in Munich',
      ]);
      expect(await ctx.store.count(userA, {})).toBe(1);
      expect(await ctx.store.count(userA, { includeInvalid: true })).toBe(2);
      expect(hitTexts(await ctx.store.vectorSearch(userA, vec([1, 0]), 10, {}))).toEqual(['Lives in Munich']);
      expect(
        hitTexts(await ctx.store.vectorSearch(userA, vec([1, 0]), 10, { includeInvalid: true })),
      ).toEqual(['Lives in Berlin', 'Lives in Munich']);
      expect(hitTexts(await ctx.store.textSearch(userA, 'lives berlin', 10, {}))).toEqual([
        'Lives in Munich',
      ]);
      expect(hitTexts(await ctx.store.textSearch(userA, 'berlin', 10, { includeInvalid: true }))).toEqual([
        'Lives in Berlin',
      ]);
      // A version that is no longer current cannot be superseded again.
      expect(
        await ctx.store.supersede(userA, old.id, record(userA, 'Lives in Rome'), null, at),
      ).toBeUndefined();
      expect(await ctx.store.supersede(userA, 'no-such-id', record(userA, 'x'), null, at)).toBeUndefined();
    });

    it('history returns the whole chain oldest first from any version', async () => {
      const v1 = await put(ctx.store, record(userA, 'Has one cat'));
      const v2 = record(userA, 'Has two cats', { minutes: 1 });
      const v3 = record(userA, 'Has three cats', { minutes: 2 });
      await ctx.store.supersede(userA, v1.id, v2, null, later(1));
      await ctx.store.supersede(userA, v2.id, v3, null, later(2));
      await put(ctx.store, record(userA, 'Unrelated memory'));
      const expected = ['Has one cat', 'Has two cats', 'Has three cats'];
      for (const id of [v1.id, v2.id, v3.id])
        expect(texts(await ctx.store.history(userA, id))).toEqual(expected);
      const chain = await ctx.store.history(userA, v2.id);
      expect(chain.map((m) => [m.supersedes, m.supersededBy])).toEqual([
        [null, v2.id],
        [v1.id, v3.id],
        [v2.id, null],
      ]);
      expect(await ctx.store.history(userA, 'no-such-id')).toEqual([]);
    });

    it('invalidate ends a current memory once, without a successor', async () => {
      const memory = await put(ctx.store, record(userA, 'Is vegetarian'), vec([1]));
      const at = later(3);
      expect(await ctx.store.invalidate(userA, memory.id, at)).toBe(true);
      const ended = await ctx.store.get(userA, memory.id);
      expect(ended?.validTo?.getTime()).toBe(at.getTime());
      expect(ended?.supersededBy).toBeNull();
      expect(await ctx.store.list(userA, {}, { limit: 10 })).toEqual([]);
      expect(await ctx.store.vectorSearch(userA, vec([1]), 10, {})).toEqual([]);
      expect(await ctx.store.textSearch(userA, 'vegetarian', 10, {})).toEqual([]);
      expect(texts(await ctx.store.list(userA, { includeInvalid: true }, { limit: 10 }))).toEqual([
        'Is vegetarian',
      ]);
      expect(await ctx.store.invalidate(userA, memory.id, later(4))).toBe(false);
      expect(await ctx.store.invalidate(userA, 'no-such-id', at)).toBe(false);
    });
  });

  describe('forget (hard delete)', () => {
    it('removes one memory with every version of its chain from every index', async () => {
      const v1 = await put(ctx.store, record(userA, 'Drives a red car'), vec([1, 0]));
      const v2 = record(userA, 'Drives a blue car', { minutes: 1 });
      await ctx.store.supersede(userA, v1.id, v2, vec([1, 0.1]), later(1));
      const keep = await put(ctx.store, record(userA, 'Rides a bike'), vec([0, 1]));
      expect(await ctx.store.forget(userA, v1.id)).toBe(2);
      expect(await ctx.store.get(userA, v1.id)).toBeUndefined();
      expect(await ctx.store.get(userA, v2.id)).toBeUndefined();
      expect(await ctx.store.history(userA, v2.id)).toEqual([]);
      expect(texts(await ctx.store.list(userA, { includeInvalid: true }, { limit: 10 }))).toEqual([
        keep.text,
      ]);
      const near = await ctx.store.vectorSearch(userA, vec([1, 0]), 10, { includeInvalid: true });
      expect(hitTexts(near)).toEqual([keep.text]);
      expect(await ctx.store.textSearch(userA, 'drives car', 10, { includeInvalid: true })).toEqual([]);
      expect(await ctx.store.forget(userA, v1.id)).toBe(0);
    });

    it('removes a whole scope and nothing outside it', async () => {
      await put(ctx.store, record(userA, 'one'), vec([1]));
      const ended = await put(ctx.store, record(userA, 'two'));
      await ctx.store.invalidate(userA, ended.id, later(1));
      await put(ctx.store, record({ ...userA, projectId: 'p1' }, 'three'), vec([1]));
      await put(ctx.store, record(userB, 'one'), vec([1]));
      expect(await ctx.store.forget({ ...userA, projectId: 'p1' })).toBe(1);
      expect(await ctx.store.count(userA, { includeInvalid: true })).toBe(2);
      expect(await ctx.store.forget(userA)).toBe(2);
      expect(await ctx.store.count(userA, { includeInvalid: true })).toBe(0);
      expect(await ctx.store.vectorSearch(userA, vec([1]), 10, { includeInvalid: true })).toEqual([]);
      expect(await ctx.store.textSearch(userA, 'one two three', 10, { includeInvalid: true })).toEqual([]);
      expect(texts(await ctx.store.list(userB, {}, { limit: 10 }))).toEqual(['one']);
      expect(await ctx.store.vectorSearch(userB, vec([1]), 10, {})).toHaveLength(1);
    });
  });

  describe('dimension', () => {
    it('reembed rebuilds every vector at the new size; blank texts get none', async () => {
      const axes: Record<string, number> = { alpha: 0, beta: 1, gamma: 2 };
      for (const text of Object.keys(axes)) await put(ctx.store, record(userA, text), vec([1, 1, 1]));
      await put(ctx.store, record(userB, 'gamma'), vec([1]));
      await put(ctx.store, record(userA, ' '), null);
      const progress: [number, number][] = [];
      const embedded: string[] = [];
      const count = await ctx.store.reembed(
        async (batch) => {
          embedded.push(...batch);
          return batch.map((text) => vec([0, 0, 0, 0].with(axes[text] ?? 3, 1), 4));
        },
        4,
        (done, total) => progress.push([done, total]),
      );
      expect(count).toBe(4);
      expect(embedded.sort()).toEqual(['alpha', 'beta', 'gamma', 'gamma']);
      expect(progress.at(-1)).toEqual([4, 4]);
      expect(ctx.store.dimension).toBe(4);
      expect(hitTexts(await ctx.store.vectorSearch(userA, vec([0, 1, 0, 0], 4), 1, {}))).toEqual(['beta']);
      expect(await ctx.store.vectorSearch(userA, vec([0, 1, 0, 0], 4), 10, {})).toHaveLength(3);
      await ctx.store.insert(record(userA, 'delta'), vec([0, 0, 0, 1], 4));
      expect(hitTexts(await ctx.store.vectorSearch(userA, vec([0, 0, 0, 1], 4), 1, {}))).toEqual(['delta']);
      const reopened = await ctx.reopen(4);
      await reopened.open();
      expect(await reopened.count(userA, {})).toBe(5);
    });

    it(`refuses to open storage built for another dimension, naming \`clara memory reembed\``, async () => {
      await put(ctx.store, record(userA, 'anything'), vec([1]));
      const wrong = await ctx.reopen(DIM * 2);
      const failure = await wrong.open().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DimensionMismatchError);
      expect(String((failure as Error).message)).toContain('clara memory reembed');
      expect(failure).toMatchObject({ storeDimension: DIM, configuredDimension: DIM * 2 });
      const same = await ctx.reopen(DIM);
      await same.open();
      expect(await same.count(userA, {})).toBe(1);
    });
  });
}
