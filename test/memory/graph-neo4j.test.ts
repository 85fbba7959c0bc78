/**
 * The graph store contract against Neo4j over Bolt: the real `neo4j-driver` and the real store, talking to a
 * wire-level fake Neo4j (test/support/fake-neo4j.ts) that runs the store's fixed Cypher statements. Plus auth,
 * routing URLs, unknown databases and a connection dropped mid-transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNeo4jGraphStore } from '../../src/memory/index.js';
import { type FakeNeo4j, startFakeNeo4j } from '../support/fake-neo4j.js';
import { describeGraphStoreContract } from './graph-contract.js';
import { at, rel, triples, userA } from './graph-contract-fixtures.js';

let neo4j: FakeNeo4j;
beforeAll(async () => {
  neo4j = await startFakeNeo4j();
});
afterAll(() => neo4j?.close());

const storeFor = (overrides: Partial<Parameters<typeof createNeo4jGraphStore>[0]> = {}) =>
  createNeo4jGraphStore({
    url: neo4j.url,
    username: neo4j.username,
    password: neo4j.password,
    connectionTimeoutMs: 2_000,
    ...overrides,
  });

describeGraphStoreContract('neo4j (Bolt, fake server)', async () => ({
  store: storeFor(),
  cleanup: async () => neo4j.reset(),
}));

describe('neo4j specifics', () => {
  it('wrong credentials are refused at open() with a message naming the variables, never the password', async () => {
    const store = storeFor({ password: 'wrong-password-hunter2' });
    const opening = store.open();
    await expect(opening).rejects.toThrow(/NEO4J_USERNAME|NEO4J_PASSWORD/);
    await expect(opening).rejects.not.toThrow(/hunter2/);
    await store.close();
  });

  it('an unknown database is refused at open()', async () => {
    const store = storeFor({ database: 'no_such_db' });
    await expect(store.open()).rejects.toThrow(/no_such_db/);
    await store.close();
  });

  it('works through a neo4j:// routing URL', async () => {
    neo4j.reset();
    const store = storeFor({ url: neo4j.routingUrl });
    await store.open();
    try {
      await store.add(userA, [rel('user', 'lives_in', 'Berlin')], [1], at(0));
      expect(triples(await store.neighbours(userA, ['user'], 5))).toEqual(['user -lives_in-> Berlin']);
    } finally {
      await store.close();
    }
  });

  it('a connection dropped mid-write is retried by the driver and nothing is written twice', async () => {
    neo4j.reset();
    const store = storeFor({ retryTimeMs: 5_000 });
    await store.open();
    try {
      neo4j.dropConnectionOnNext('RUN');
      await store.add(userA, [rel('user', 'works_at', 'Acme')], [2], at(1));
      const all = await store.all(userA);
      expect(triples(all)).toEqual(['user -works_at-> Acme']);
      expect(all[0]?.sourceMessageIds).toEqual([2]);
    } finally {
      await store.close();
    }
  });
});
