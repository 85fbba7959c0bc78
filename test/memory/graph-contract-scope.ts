/**
 * Graph contract: isolation between users on every method, and agent (persona) scoping — a scope with an agent
 * sees that agent's relations and those without an agent; a scope without an agent sees all of the user's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MemoryScope } from '../../src/memory/index.js';
import type { GraphContractContext } from './graph-contract.js';
import { addAt, at, current, rel, sortedTriples, triples, userA, userB } from './graph-contract-fixtures.js';

export function describeGraphScopeContract(ctx: GraphContractContext): void {
  describe('user isolation', () => {
    beforeEach(async () => {
      await addAt(ctx.store, userA, 0, rel('Anna', 'sister_of', 'user'), rel('user', 'lives_in', 'Berlin'));
      await addAt(ctx.store, userB, 1, rel('user', 'likes', 'tea'));
    });

    it('neighbours, entities and all never show another user’s relations', async () => {
      expect(triples(await ctx.store.neighbours(userB, ['Anna', 'user', 'Berlin'], 10))).toEqual([
        'user -likes-> tea',
      ]);
      expect([...(await ctx.store.entities(userB, 10))].sort()).toEqual(['tea', 'user']);
      expect(triples(await ctx.store.all(userB))).toEqual(['user -likes-> tea']);
      expect((await ctx.store.all(userB)).every((r) => r.userId === userB.userId)).toBe(true);
      expect(sortedTriples(await ctx.store.all(userA))).toEqual([
        'Anna -sister_of-> user',
        'user -lives_in-> Berlin',
      ]);
    });

    it('end and exclusive adds cannot end another user’s relations; identical relations are per user', async () => {
      expect(await ctx.store.end(userB, { source: 'user', relation: 'lives_in' }, at(2))).toBe(0);
      expect(await ctx.store.end(userB, { source: 'Anna' }, at(2))).toBe(0);
      const moved = await addAt(ctx.store, userB, 3, rel('user', 'lives_in', 'Munich', { exclusive: true }));
      expect(moved.map((r) => [r.userId, r.target])).toEqual([[userB.userId, 'Munich']]);
      const same = await addAt(ctx.store, userB, 4, rel('Anna', 'sister_of', 'user'));
      expect(same.map((r) => r.userId)).toEqual([userB.userId]);
      expect(sortedTriples(current(await ctx.store.all(userA)))).toEqual([
        'Anna -sister_of-> user',
        'user -lives_in-> Berlin',
      ]);
    });

    it('forget removes only the scope’s own relations', async () => {
      expect(await ctx.store.forget(userB)).toBe(1);
      expect(await ctx.store.all(userB)).toEqual([]);
      expect(await ctx.store.all(userA)).toHaveLength(2);
      expect([...(await ctx.store.entities(userA, 10))].sort()).toEqual(['Anna', 'Berlin', 'user']);
    });
  });

  describe('agent scoping', () => {
    const clara: MemoryScope = { ...userA, agentId: 'clara' };
    const other: MemoryScope = { ...userA, agentId: 'other' };
    beforeEach(async () => {
      await addAt(ctx.store, userA, 0, rel('user', 'lives_in', 'Berlin'));
      await addAt(ctx.store, clara, 1, rel('user', 'likes', 'tea'));
      await addAt(ctx.store, other, 2, rel('user', 'likes', 'chess'));
    });

    it('an agent sees its own relations and those without an agent; no agent sees all', async () => {
      expect(triples(await ctx.store.neighbours(clara, ['user'], 10))).toEqual([
        'user -likes-> tea',
        'user -lives_in-> Berlin',
      ]);
      expect(triples(await ctx.store.neighbours(other, ['user'], 10))).toEqual([
        'user -likes-> chess',
        'user -lives_in-> Berlin',
      ]);
      expect(triples(await ctx.store.neighbours(userA, ['user'], 10))).toEqual([
        'user -likes-> chess',
        'user -likes-> tea',
        'user -lives_in-> Berlin',
      ]);
      expect([...(await ctx.store.entities(clara, 10))].sort()).toEqual(['Berlin', 'tea', 'user']);
      const mine = await ctx.store.all(clara);
      expect(mine.map((r) => [r.target, r.agentId]).sort()).toEqual([
        ['Berlin', null],
        ['tea', 'clara'],
      ]);
    });

    it('writes respect what the agent sees: no duplicate of a visible relation, exclusive ends a visible one', async () => {
      expect(await addAt(ctx.store, clara, 3, rel('user', 'lives_in', 'Berlin'))).toEqual([]);
      const moved = await addAt(ctx.store, clara, 4, rel('user', 'lives_in', 'Munich', { exclusive: true }));
      expect(moved.map((r) => [r.target, r.agentId])).toEqual([['Munich', 'clara']]);
      expect(sortedTriples(current(await ctx.store.all(userA)))).toEqual([
        'user -likes-> chess',
        'user -likes-> tea',
        'user -lives_in-> Munich',
      ]);
      // Another agent cannot end this agent's relations.
      expect(await ctx.store.end(other, { source: 'user', relation: 'likes' }, at(5))).toBe(1);
      expect(triples(await ctx.store.neighbours(clara, ['tea'], 10))).toEqual(['user -likes-> tea']);
    });

    it('forget with an agent removes what that agent sees and leaves other agents alone', async () => {
      expect(await ctx.store.forget(other)).toBe(2);
      expect(triples(await ctx.store.all(userA))).toEqual(['user -likes-> tea']);
      expect(await ctx.store.forget(userA)).toBe(1);
    });
  });
}
