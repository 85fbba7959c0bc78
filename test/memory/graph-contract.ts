/**
 * The contract every GraphStore backend must pass (the main database on SQLite and PostgreSQL, Kuzu, Neo4j).
 * Written against the `GraphStore` interface only. Usage, in a backend's test file:
 *
 *   describeGraphStoreContract('kuzu', async () => ({ store, cleanup }));
 *
 * `make` runs before EACH test and must return a store over fresh, empty storage (see `GraphFixture`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../src/memory/index.js';
import {
  addAt,
  at,
  current,
  type GraphFixture,
  type MakeGraphStore,
  rel,
  sortedTriples,
  triple,
  triples,
  userA,
} from './graph-contract-fixtures.js';
import { describeGraphScopeContract } from './graph-contract-scope.js';

export type { GraphFixture, MakeGraphStore } from './graph-contract-fixtures.js';

export interface GraphContractContext {
  /** The opened store of the current test. */
  readonly store: GraphStore;
}

export function describeGraphStoreContract(name: string, make: MakeGraphStore): void {
  describe(`GraphStore contract: ${name}`, () => {
    let fixture: GraphFixture | undefined;
    beforeEach(async () => {
      fixture = await make();
      await fixture.store.open();
    });
    afterEach(async () => {
      await fixture?.store.close();
      await fixture?.cleanup();
      fixture = undefined;
    });
    const ctx: GraphContractContext = {
      get store() {
        if (!fixture) throw new Error('the contract store exists only inside a test');
        return fixture.store;
      },
    };
    describeAddContract(ctx);
    describeEndContract(ctx);
    describeReadContract(ctx);
    describeGraphScopeContract(ctx);
  });
}

function describeAddContract(ctx: GraphContractContext): void {
  describe('add', () => {
    it('stores a relation with every field (dates to the millisecond, types, provenance); open() is idempotent', async () => {
      expect(['database', 'neo4j', 'kuzu']).toContain(ctx.store.kind);
      await ctx.store.open();
      const created = await ctx.store.add(
        userA,
        [rel('Anna', 'sister_of', 'user', { sourceType: 'person', targetType: 'person' })],
        [101, 102],
        at(0),
      );
      expect(created).toHaveLength(1);
      const [made] = created;
      expect(made).toEqual({
        id: expect.any(String),
        userId: userA.userId,
        agentId: null,
        source: 'Anna',
        relation: 'sister_of',
        target: 'user',
        sourceType: 'person',
        targetType: 'person',
        createdAt: at(0),
        validTo: null,
        sourceMessageIds: [101, 102],
      });
      expect(made?.createdAt).toBeInstanceOf(Date);
      expect(await ctx.store.all(userA)).toEqual(created);
      const [untyped] = await ctx.store.add(userA, [rel('Ben', 'likes', 'tea')], [], at(1));
      expect(untyped).toMatchObject({ sourceType: null, targetType: null, sourceMessageIds: [] });
      // An entity keeps its type when a later mention gives none.
      const [later] = await ctx.store.add(userA, [rel('user', 'likes', 'tea')], [], at(2));
      expect(later).toMatchObject({ sourceType: 'person', targetType: null });
    });

    it('does not duplicate an identical current relation, within one call or across calls', async () => {
      const twice = await addAt(
        ctx.store,
        userA,
        0,
        rel('user', 'likes', 'tea'),
        rel('user', 'likes', 'tea'),
      );
      expect(triples(twice)).toEqual(['user -likes-> tea']);
      expect(await addAt(ctx.store, userA, 1, rel('user', 'likes', 'tea'))).toEqual([]);
      expect(triples(await ctx.store.all(userA))).toEqual(['user -likes-> tea']);
      // Same entities, another relation: a new relation.
      expect(triples(await addAt(ctx.store, userA, 2, rel('user', 'drinks', 'tea')))).toEqual([
        'user -drinks-> tea',
      ]);
    });

    it('matches entity names case- and accent-insensitively, keeping the first spelling', async () => {
      await addAt(ctx.store, userA, 0, rel('Zoë', 'friend_of', 'user'));
      expect(await addAt(ctx.store, userA, 1, rel('ZOE', 'friend_of', 'User'))).toEqual([]);
      await addAt(ctx.store, userA, 2, rel('zoe', 'lives_in', 'München'));
      const all = await ctx.store.all(userA);
      expect(sortedTriples(all)).toEqual(['Zoë -friend_of-> user', 'Zoë -lives_in-> München']);
      expect(triples(await ctx.store.neighbours(userA, ['MUNCHEN'], 10))).toEqual([
        'Zoë -lives_in-> München',
      ]);
      const names = await ctx.store.entities(userA, 10);
      expect([...names].sort()).toEqual(['München', 'Zoë', 'user']);
    });

    it('an exclusive relation ends the other current targets of the same source and relation, nothing else', async () => {
      await addAt(
        ctx.store,
        userA,
        0,
        rel('user', 'lives_in', 'Berlin'),
        rel('user', 'works_at', 'Acme'),
        rel('Anna', 'lives_in', 'Berlin'),
        rel('user', 'likes', 'tea'),
      );
      const moved = await addAt(ctx.store, userA, 1, rel('user', 'lives_in', 'Munich', { exclusive: true }));
      expect(triples(moved)).toEqual(['user -lives_in-> Munich']);
      const all = await ctx.store.all(userA);
      const berlin = all.find((r) => triple(r) === 'user -lives_in-> Berlin');
      expect(berlin?.validTo).toEqual(at(1));
      expect(sortedTriples(current(all))).toEqual([
        'Anna -lives_in-> Berlin',
        'user -likes-> tea',
        'user -lives_in-> Munich',
        'user -works_at-> Acme',
      ]);
      // Non-exclusive relations accumulate.
      await addAt(ctx.store, userA, 2, rel('user', 'likes', 'coffee'));
      expect(sortedTriples(await ctx.store.neighbours(userA, ['user'], 10))).toEqual([
        'user -likes-> coffee',
        'user -likes-> tea',
        'user -lives_in-> Munich',
        'user -works_at-> Acme',
      ]);
    });

    it('moving back makes a new current relation; the history keeps every version', async () => {
      await addAt(ctx.store, userA, 0, rel('user', 'lives_in', 'Berlin', { exclusive: true }));
      await addAt(ctx.store, userA, 1, rel('user', 'lives_in', 'Munich', { exclusive: true }));
      // Exclusive and already current: nothing new.
      expect(
        await addAt(ctx.store, userA, 2, rel('user', 'lives_in', 'munich', { exclusive: true })),
      ).toEqual([]);
      const back = await addAt(ctx.store, userA, 3, rel('user', 'lives_in', 'BERLIN', { exclusive: true }));
      expect(triples(back)).toEqual(['user -lives_in-> Berlin']);
      const all = [...(await ctx.store.all(userA))].sort((a, b) => +a.createdAt - +b.createdAt);
      expect(all.map((r) => [r.target, r.createdAt, r.validTo])).toEqual([
        ['Berlin', at(0), at(1)],
        ['Munich', at(1), at(3)],
        ['Berlin', at(3), null],
      ]);
    });

    it('concurrent identical adds make one current relation', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          addAt(ctx.store, userA, 0, rel('Anna', 'sister_of', 'user'), rel('user', 'lives_in', 'Oslo')),
        ),
      );
      expect(results.flat()).toHaveLength(2);
      expect(sortedTriples(await ctx.store.all(userA))).toEqual([
        'Anna -sister_of-> user',
        'user -lives_in-> Oslo',
      ]);
      const exclusive = await Promise.all(
        Array.from({ length: 5 }, () =>
          addAt(ctx.store, userA, 1, rel('user', 'lives_in', 'Bergen', { exclusive: true })),
        ),
      );
      expect(exclusive.flat()).toHaveLength(1);
      expect(sortedTriples(current(await ctx.store.all(userA)))).toEqual([
        'Anna -sister_of-> user',
        'user -lives_in-> Bergen',
      ]);
      // Oslo's only relation ended.
      expect([...(await ctx.store.entities(userA, 10))].sort()).toEqual(['Anna', 'Bergen', 'user']);
    });
  });
}

function describeEndContract(ctx: GraphContractContext): void {
  describe('end', () => {
    beforeEach(async () => {
      await addAt(
        ctx.store,
        userA,
        0,
        rel('user', 'works_at', 'Acme'),
        rel('user', 'likes', 'tea'),
        rel('user', 'likes', 'coffee'),
        rel('Anna', 'likes', 'tea'),
      );
    });

    it('ends the matching current relation (names case-insensitive), keeping it with validTo', async () => {
      expect(
        await ctx.store.end(userA, { source: 'USER', relation: 'works_at', target: 'acme' }, at(5)),
      ).toBe(1);
      expect(
        await ctx.store.end(userA, { source: 'user', relation: 'works_at', target: 'Acme' }, at(6)),
      ).toBe(0);
      const all = await ctx.store.all(userA);
      expect(all.find((r) => r.target === 'Acme')?.validTo).toEqual(at(5));
      expect(triples(await ctx.store.neighbours(userA, ['Acme'], 10))).toEqual([]);
      // Told again later: a new current relation.
      expect(triples(await addAt(ctx.store, userA, 7, rel('user', 'works_at', 'Acme')))).toEqual([
        'user -works_at-> Acme',
      ]);
    });

    it('without a target ends every current target of the relation; without a relation every relation of the source', async () => {
      expect(await ctx.store.end(userA, { source: 'user', relation: 'likes' }, at(5))).toBe(2);
      expect(sortedTriples(current(await ctx.store.all(userA)))).toEqual([
        'Anna -likes-> tea',
        'user -works_at-> Acme',
      ]);
      expect(await ctx.store.end(userA, { source: 'Anna' }, at(6))).toBe(1);
      expect(sortedTriples(current(await ctx.store.all(userA)))).toEqual(['user -works_at-> Acme']);
      expect(await ctx.store.end(userA, { source: 'Nobody' }, at(7))).toBe(0);
    });
  });
}

function describeReadContract(ctx: GraphContractContext): void {
  describe('neighbours, entities, all, forget', () => {
    it('neighbours: current relations touching the entities in either direction, newest first, up to limit', async () => {
      await addAt(ctx.store, userA, 0, rel('Anna', 'sister_of', 'user'));
      await addAt(ctx.store, userA, 1, rel('user', 'lives_in', 'Berlin'));
      await addAt(ctx.store, userA, 2, rel('Anna', 'lives_in', 'Paris'));
      await addAt(ctx.store, userA, 3, rel('user', 'works_at', 'Acme'));
      await ctx.store.end(userA, { source: 'user', relation: 'works_at' }, at(4));
      expect(triples(await ctx.store.neighbours(userA, ['user'], 10))).toEqual([
        'user -lives_in-> Berlin',
        'Anna -sister_of-> user',
      ]);
      expect(triples(await ctx.store.neighbours(userA, ['anna'], 10))).toEqual([
        'Anna -lives_in-> Paris',
        'Anna -sister_of-> user',
      ]);
      expect(triples(await ctx.store.neighbours(userA, ['Paris', 'Berlin', 'Anna'], 2))).toEqual([
        'Anna -lives_in-> Paris',
        'user -lives_in-> Berlin',
      ]);
      expect(await ctx.store.neighbours(userA, ['Acme'], 10)).toEqual([]);
      expect(await ctx.store.neighbours(userA, ['Nobody'], 10)).toEqual([]);
      expect(await ctx.store.neighbours(userA, [], 10)).toEqual([]);
    });

    it('entities: names in current relations, most recently mentioned first, up to limit', async () => {
      await addAt(ctx.store, userA, 0, rel('user', 'likes', 'tea'));
      await addAt(ctx.store, userA, 1, rel('Anna', 'friend_of', 'Ben'));
      await addAt(ctx.store, userA, 2, rel('user', 'works_at', 'Acme'));
      await addAt(ctx.store, userA, 3, rel('Ben', 'likes', 'tea'));
      const names = await ctx.store.entities(userA, 10);
      expect(new Set(names.slice(0, 2))).toEqual(new Set(['Ben', 'tea']));
      expect(new Set(names.slice(2, 4))).toEqual(new Set(['user', 'Acme']));
      expect(names.slice(4)).toEqual(['Anna']);
      expect(await ctx.store.entities(userA, 2)).toHaveLength(2);
      // An entity whose relations all ended is no longer listed.
      await ctx.store.end(userA, { source: 'user', relation: 'works_at' }, at(4));
      expect(await ctx.store.entities(userA, 10)).not.toContain('Acme');
    });

    it('all: every relation of the scope, current and ended', async () => {
      await addAt(ctx.store, userA, 0, rel('user', 'lives_in', 'Berlin'));
      await addAt(ctx.store, userA, 1, rel('user', 'lives_in', 'Munich', { exclusive: true }));
      const all = await ctx.store.all(userA);
      expect(sortedTriples(all)).toEqual(['user -lives_in-> Berlin', 'user -lives_in-> Munich']);
      expect(all.filter((r) => r.validTo !== null)).toHaveLength(1);
      expect(all.map((r) => r.sourceMessageIds).sort()).toEqual([[0], [1]]);
    });

    it('forget: removes every relation and entity of the scope and says how many relations went', async () => {
      await addAt(ctx.store, userA, 0, rel('user', 'lives_in', 'Berlin'), rel('Anna', 'sister_of', 'user'));
      await addAt(ctx.store, userA, 1, rel('user', 'lives_in', 'Munich', { exclusive: true }));
      expect(await ctx.store.forget(userA)).toBe(3);
      expect(await ctx.store.all(userA)).toEqual([]);
      expect(await ctx.store.entities(userA, 10)).toEqual([]);
      expect(await ctx.store.neighbours(userA, ['user'], 10)).toEqual([]);
      expect(await ctx.store.forget(userA)).toBe(0);
      // The scope can be used again afterwards.
      expect(triples(await addAt(ctx.store, userA, 2, rel('user', 'lives_in', 'Berlin')))).toEqual([
        'user -lives_in-> Berlin',
      ]);
    });
  });
}
