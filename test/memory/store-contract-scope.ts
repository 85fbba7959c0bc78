/** Contract: scope isolation between users, and project / agent scoping, on every method. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MemoryRecord } from '../../src/memory/index.js';
import type { ContractContext } from './store-contract.js';
import { BASE_TIME, hitTexts, put, record, texts, userA, userB, vec } from './store-contract-fixtures.js';

export function describeScopeContract(ctx: ContractContext): void {
  describe('user isolation', () => {
    let secret: MemoryRecord;
    const secretVector = vec([1, 0, 0, 1]);
    beforeEach(async () => {
      secret = await put(ctx.store, record(userA, 'The secret password is swordfish'), secretVector);
      await put(ctx.store, record(userB, 'Enjoys hiking on weekends'), vec([0, 1]));
    });

    it('get, list and count never show another user’s memories', async () => {
      expect(await ctx.store.get(userB, secret.id)).toBeUndefined();
      expect(texts(await ctx.store.list(userB, { includeInvalid: true }, { limit: 100 }))).toEqual([
        'Enjoys hiking on weekends',
      ]);
      expect(await ctx.store.count(userB, { includeInvalid: true })).toBe(1);
      expect(await ctx.store.get(userA, secret.id)).toEqual(secret);
    });

    it('vector and text search never return another user’s memories', async () => {
      expect(hitTexts(await ctx.store.vectorSearch(userB, secretVector, 10, {}))).toEqual([
        'Enjoys hiking on weekends',
      ]);
      expect(await ctx.store.textSearch(userB, 'secret password swordfish', 10, {})).toEqual([]);
      expect(hitTexts(await ctx.store.textSearch(userA, 'swordfish', 10, {}))).toEqual([secret.text]);
    });

    it('history, supersede, invalidate and forget cannot reach another user’s memories', async () => {
      const at = new Date(BASE_TIME + 60_000);
      expect(await ctx.store.history(userB, secret.id)).toEqual([]);
      const hijack = record(userB, 'The secret password is 1234');
      expect(await ctx.store.supersede(userB, secret.id, hijack, null, at)).toBeUndefined();
      expect(await ctx.store.invalidate(userB, secret.id, at)).toBe(false);
      expect(await ctx.store.forget(userB, secret.id)).toBe(0);
      expect(await ctx.store.get(userA, secret.id)).toEqual(secret);
      expect(await ctx.store.get(userB, hijack.id)).toBeUndefined();
      expect(await ctx.store.count(userB, {})).toBe(1);
      expect(await ctx.store.forget(userB)).toBe(1);
      expect(await ctx.store.get(userA, secret.id)).toEqual(secret);
    });
  });

  describe('project scoping', () => {
    const p1 = { ...userA, projectId: 'p1' };
    const p2 = { ...userA, projectId: 'p2' };
    let inP1: MemoryRecord;
    beforeEach(async () => {
      inP1 = await put(ctx.store, record(p1, 'Novel draft uses a blue palette'), vec([1, 0.1]));
      await put(ctx.store, record(p2, 'Game uses a blue palette too'), vec([1, 0.2]));
      await put(ctx.store, record(userA, 'Favourite colour is blue'), vec([1, 0.3]));
    });

    it('reads with a project see only that project; reads without one see everything', async () => {
      expect(texts(await ctx.store.list(p1, {}, { limit: 10 }))).toEqual(['Novel draft uses a blue palette']);
      expect(await ctx.store.count(p1, {})).toBe(1);
      expect(await ctx.store.count(userA, {})).toBe(3);
      expect(await ctx.store.get(p2, inP1.id)).toBeUndefined();
      expect(await ctx.store.get(p1, inP1.id)).toEqual(inP1);
      expect(hitTexts(await ctx.store.vectorSearch(p1, vec([1]), 10, {}))).toEqual([inP1.text]);
      expect(hitTexts(await ctx.store.textSearch(p1, 'blue palette', 10, {}))).toEqual([inP1.text]);
      expect(await ctx.store.vectorSearch(userA, vec([1]), 10, {})).toHaveLength(3);
      expect(await ctx.store.textSearch(userA, 'blue', 10, {})).toHaveLength(3);
    });

    it('writes through a project scope cannot touch another project', async () => {
      const at = new Date(BASE_TIME + 60_000);
      expect(await ctx.store.invalidate(p2, inP1.id, at)).toBe(false);
      expect(await ctx.store.supersede(p2, inP1.id, record(p2, 'changed'), null, at)).toBeUndefined();
      expect(await ctx.store.history(p2, inP1.id)).toEqual([]);
      expect(await ctx.store.forget(p2)).toBe(1);
      expect(await ctx.store.get(p1, inP1.id)).toEqual(inP1);
      expect(await ctx.store.count(userA, {})).toBe(2);
    });
  });

  describe('agent scoping', () => {
    const clara = { ...userA, agentId: 'clara' };
    const other = { ...userA, agentId: 'other-bot' };
    beforeEach(async () => {
      await put(ctx.store, record(clara, 'Told Clara about the move to Lisbon'), vec([1, 0.1]));
      await put(ctx.store, record(other, 'Told the other bot about Lisbon'), vec([1, 0.2]));
      await put(ctx.store, record(userA, 'Profile: lives in Lisbon'), vec([1, 0.3]));
    });

    it('an agent reads its own memories and agent-less ones, never another agent’s', async () => {
      const expected = ['Profile: lives in Lisbon', 'Told Clara about the move to Lisbon'];
      expect(texts(await ctx.store.list(clara, {}, { limit: 10 })).sort()).toEqual(expected);
      expect(await ctx.store.count(clara, {})).toBe(2);
      expect(hitTexts(await ctx.store.vectorSearch(clara, vec([1]), 10, {})).sort()).toEqual(expected);
      expect(hitTexts(await ctx.store.textSearch(clara, 'Lisbon', 10, {})).sort()).toEqual(expected);
      expect(await ctx.store.count(userA, {})).toBe(3);
    });

    it('an agent cannot end another agent’s memory', async () => {
      const theirs = (await ctx.store.list(userA, {}, { limit: 10 })).find((m) => m.agentId === 'other-bot');
      expect(theirs).toBeDefined();
      const id = theirs?.id ?? '';
      const at = new Date(BASE_TIME + 1);
      expect(await ctx.store.invalidate(clara, id, at)).toBe(false);
      expect(await ctx.store.supersede(clara, id, record(clara, 'Moved to Porto'), null, at)).toBeUndefined();
      expect(await ctx.store.forget(clara, id)).toBe(0);
      expect(await ctx.store.history(clara, id)).toEqual([]);
      expect(await ctx.store.get(clara, id)).toBeUndefined();
      expect((await ctx.store.get(other, id))?.validTo).toBeNull();
    });
  });
}
