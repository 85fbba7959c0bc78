/**
 * The contract every MemoryStore backend must pass (SQLite + sqlite-vec, pgvector, Qdrant). Written against the
 * `MemoryStore` interface only. Usage, in a backend's test file:
 *
 *   describeMemoryStoreContract('sqlite', async (dimension) => ({ store, reopen, cleanup }));
 *
 * `makeStore` runs before EACH test and must return fresh, empty storage (see `StoreFixture`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/memory/index.js';
import {
  BASE_TIME,
  DIM,
  type MakeStore,
  put,
  record,
  type StoreFixture,
  texts,
  userA,
  userB,
  vec,
} from './store-contract-fixtures.js';
import { describeScopeContract } from './store-contract-scope.js';
import { describeSearchContract } from './store-contract-search.js';
import { describeVersionContract } from './store-contract-versions.js';

export type { MakeStore, StoreFixture } from './store-contract-fixtures.js';

export interface ContractContext {
  /** The opened store of the current test. */
  readonly store: MemoryStore;
  /** Opens (and closes after the test) another store over the same storage. */
  reopen(dimension: number): Promise<MemoryStore>;
}

export function describeMemoryStoreContract(name: string, makeStore: MakeStore): void {
  describe(`MemoryStore contract: ${name}`, () => {
    let fixture: StoreFixture | undefined;
    const extra: MemoryStore[] = [];
    beforeEach(async () => {
      fixture = await makeStore(DIM);
      await fixture.store.open();
    });
    afterEach(async () => {
      for (const store of extra.splice(0)) await store.close();
      await fixture?.store.close();
      await fixture?.cleanup();
      fixture = undefined;
    });
    const ctx: ContractContext = {
      get store() {
        if (!fixture) throw new Error('the contract store exists only inside a test');
        return fixture.store;
      },
      async reopen(dimension) {
        if (!fixture) throw new Error('the contract store exists only inside a test');
        const store = await fixture.reopen(dimension);
        extra.push(store);
        return store;
      },
    };

    describeRecordContract(ctx);
    describeScopeContract(ctx);
    describeVersionContract(ctx);
    describeSearchContract(ctx);
  });
}

function describeRecordContract(ctx: ContractContext): void {
  describe('records', () => {
    it('reports its kind and dimension, and open() is idempotent', async () => {
      expect(['sqlite', 'pgvector', 'qdrant']).toContain(ctx.store.kind);
      expect(ctx.store.dimension).toBe(DIM);
      await ctx.store.open();
      expect(await ctx.store.count(userA, {})).toBe(0);
    });

    it('round-trips every field exactly (dates to the millisecond, metadata, provenance)', async () => {
      const scope = { userId: 'discord-111', projectId: 'proj-1', agentId: 'clara' };
      const input = record(scope, 'Lives in Zürich — loves “fondue” 🧀', {
        kind: 'emotional_context',
        isKey: true,
        metadata: {
          channel: 'général',
          count: 3,
          ratio: 0.25,
          dm: false,
          nested: { list: [1, 'two', null] },
        },
        sourceMessageIds: [7, 42, 1_000_000],
        createdAt: new Date(BASE_TIME + 1),
        updatedAt: new Date(BASE_TIME + 2),
        validFrom: new Date(BASE_TIME - 999),
      });
      const stored = await ctx.store.insert(input, vec([1, 2, 3]));
      expect(stored.created).toBe(true);
      expect(stored.record).toEqual(input);
      const read = await ctx.store.get(scope, input.id);
      expect(read).toEqual(input);
      expect(read?.createdAt).toBeInstanceOf(Date);
      expect(read?.createdAt.getTime()).toBe(BASE_TIME + 1);
      expect(read?.validFrom.getTime()).toBe(BASE_TIME - 999);
      expect(await ctx.store.list(scope, {}, { limit: 10 })).toEqual([input]);
      expect(await ctx.store.count(scope, {})).toBe(1);
      expect(await ctx.store.get(scope, 'no-such-id')).toBeUndefined();
    });

    it('lists newest first by default, oldest first on request, with limit and offset', async () => {
      for (const [i, text] of ['first', 'second', 'third', 'fourth'].entries()) {
        await put(ctx.store, record(userA, text, { minutes: i }));
      }
      expect(texts(await ctx.store.list(userA, {}, { limit: 10 }))).toEqual([
        'fourth',
        'third',
        'second',
        'first',
      ]);
      expect(texts(await ctx.store.list(userA, {}, { limit: 10, order: 'oldest' }))).toEqual([
        'first',
        'second',
        'third',
        'fourth',
      ]);
      expect(texts(await ctx.store.list(userA, {}, { limit: 2, offset: 1 }))).toEqual(['third', 'second']);
      expect(await ctx.store.count(userA, {})).toBe(4);
    });

    it('filters list and count by kinds, excludeKinds, isKey, since and metadata', async () => {
      await put(ctx.store, record(userA, 'a fact', { minutes: 0, metadata: { channel: 'x' } }));
      await put(
        ctx.store,
        record(userA, 'a key fact', { minutes: 1, isKey: true, metadata: { channel: 'y' } }),
      );
      await put(
        ctx.store,
        record(userA, 'a turn', { minutes: 2, kind: 'message', metadata: { channel: 'x' } }),
      );
      const list = async (filter: Parameters<MemoryStore['list']>[1]) =>
        texts(await ctx.store.list(userA, filter, { limit: 10, order: 'oldest' }));
      expect(await list({ kinds: ['message'] })).toEqual(['a turn']);
      expect(await list({ excludeKinds: ['message'] })).toEqual(['a fact', 'a key fact']);
      expect(await list({ isKey: true })).toEqual(['a key fact']);
      expect(await list({ isKey: false })).toEqual(['a fact', 'a turn']);
      expect(await list({ since: new Date(BASE_TIME + 60_000) })).toEqual(['a key fact', 'a turn']);
      expect(await list({ metadata: { channel: 'x' } })).toEqual(['a fact', 'a turn']);
      expect(await list({ metadata: { channel: 'x' }, kinds: ['fact'] })).toEqual(['a fact']);
      expect(await ctx.store.count(userA, { metadata: { channel: 'y' } })).toBe(1);
      expect(await ctx.store.count(userA, { kinds: ['nothing'] })).toBe(0);
    });

    it('matches metadata by type: the string "1" is not the number 1, "true" is not true', async () => {
      await put(ctx.store, record(userA, 'numeric', { metadata: { n: 1, flag: true } }));
      await put(ctx.store, record(userA, 'textual', { metadata: { n: '1', flag: 'true' } }));
      const list = async (metadata: Record<string, string | number | boolean>) =>
        texts(await ctx.store.list(userA, { metadata }, { limit: 10 }));
      expect(await list({ n: 1 })).toEqual(['numeric']);
      expect(await list({ n: '1' })).toEqual(['textual']);
      expect(await list({ flag: true })).toEqual(['numeric']);
      expect(await list({ flag: false })).toEqual([]);
      expect(await list({ n: 1, flag: true })).toEqual(['numeric']);
    });
  });

  describe('de-duplication', () => {
    it('returns the existing record for the same text in the same scope', async () => {
      const first = await put(ctx.store, record(userA, 'Likes green tea'));
      const again = await ctx.store.insert(record(userA, '  likes   GREEN tea ', { minutes: 5 }), vec([1]));
      expect(again.created).toBe(false);
      expect(again.record).toEqual(first);
      expect(await ctx.store.count(userA, {})).toBe(1);
    });

    it('keeps one row when five identical inserts race', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => ctx.store.insert(record(userA, 'Plays the cello'), vec([0, 1]))),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.record.id)).size).toBe(1);
      expect(await ctx.store.count(userA, {})).toBe(1);
    });

    it('stores the same text separately for another user, project or agent', async () => {
      const text = 'Has a dog called Biscuit';
      await put(ctx.store, record(userA, text));
      await put(ctx.store, record(userB, text));
      await put(ctx.store, record({ ...userA, projectId: 'p1' }, text));
      await put(ctx.store, record({ ...userA, agentId: 'clara' }, text));
      await put(ctx.store, record({ ...userA, projectId: 'p1', agentId: 'clara' }, text));
      expect(await ctx.store.count(userA, {})).toBe(4);
      expect(await ctx.store.count(userB, {})).toBe(1);
    });

    it('accepts the same text again once the earlier memory has ended', async () => {
      const first = await put(ctx.store, record(userA, 'Works at the bakery'));
      expect(await ctx.store.invalidate(userA, first.id, new Date(BASE_TIME + 60_000))).toBe(true);
      const again = await ctx.store.insert(record(userA, 'Works at the bakery', { minutes: 2 }), null);
      expect(again.created).toBe(true);
      expect(await ctx.store.count(userA, { includeInvalid: true })).toBe(2);
    });
  });
}
