/**
 * The Qdrant memory store through the real `@qdrant/js-client-rest` against a wire-level fake Qdrant: the store
 * contract, payload indexes, refusing the original mem0 collection, dimension checks, API key, scope filters on
 * every request, records without embeddings, re-embedding to a new size.
 */
import { randomBytes } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQdrantMemoryStore, DimensionMismatchError, type MemoryStore } from '../../src/memory/index.js';
import { type FakeQdrant, startFakeQdrant } from '../support/fake-qdrant.js';
import { describeMemoryStoreContract } from './store-contract.js';
import { hitTexts, put, record, userA, userB, vec } from './store-contract-fixtures.js';

const DIM = 8;
let fake: FakeQdrant;
const stores: MemoryStore[] = [];

beforeAll(async () => {
  fake = await startFakeQdrant();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

const uniqueCollection = (prefix = 'mem') => `${prefix}_${randomBytes(5).toString('hex')}`;

async function openStore(collection: string, dimension = DIM): Promise<MemoryStore> {
  const store = createQdrantMemoryStore({ url: fake.url, dimension, collection });
  stores.push(store);
  await store.open();
  return store;
}

describeMemoryStoreContract('qdrant', async (dimension) => {
  const collection = uniqueCollection('contract');
  return {
    store: createQdrantMemoryStore({ url: fake.url, dimension, collection }),
    reopen: async (d) => createQdrantMemoryStore({ url: fake.url, dimension: d, collection }),
    cleanup: async () => {
      fake.collections.delete(collection);
    },
  };
});

describe('Qdrant memory store: collection', () => {
  it('creates a cosine collection with payload indexes on the scope and filter fields', async () => {
    const collection = uniqueCollection();
    await openStore(collection);
    const info = await new QdrantClient({ url: fake.url, checkCompatibility: false }).getCollection(
      collection,
    );
    expect(info.config.params.vectors).toMatchObject({ size: DIM, distance: 'Cosine' });
    const schema = Object.fromEntries(
      Object.entries(info.payload_schema ?? {}).map(([field, value]) => [field, value?.data_type]),
    );
    expect(schema).toEqual({
      user_id: 'keyword',
      project_id: 'keyword',
      agent_id: 'keyword',
      kind: 'keyword',
      hash: 'keyword',
      is_key: 'bool',
      valid: 'bool',
      has_vector: 'bool',
      created_at_ms: 'integer',
      search_terms: 'text',
    });
    expect(fake.collections.get(collection)?.indexes.get('search_terms')).toMatchObject({
      tokenizer: 'whitespace',
      lowercase: true,
    });
  });

  it('refuses the original mem0 collection and leaves it untouched', async () => {
    const collection = uniqueCollection('mypalclara_memories');
    const client = new QdrantClient({ url: fake.url, checkCompatibility: false });
    await client.createCollection(collection, { vectors: { size: DIM, distance: 'Cosine' } });
    const legacy = { data: 'Likes tea', hash: 'abc', user_id: 'discord-1', created_at: '2025-01-01' };
    await client.upsert(collection, {
      wait: true,
      points: [{ id: '0b0e8f8e-4a4c-4d3c-9b59-3f7f3d5a0001', vector: Array.from(vec([1])), payload: legacy }],
    });
    const store = createQdrantMemoryStore({ url: fake.url, dimension: DIM, collection });
    stores.push(store);
    const failure = await store.open().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain(`"${collection}"`);
    expect(failure?.message).toContain('ORIGINAL mem0 collection');
    expect(failure?.message).toContain('MEM0_COLLECTION_NAME');
    const kept = await client.scroll(collection, { with_payload: true });
    expect(kept.points.map((point) => point.payload)).toEqual([legacy]);
    expect(fake.collections.get(collection)?.indexes.size).toBe(0);
  });

  it('refuses a collection with another vector size', async () => {
    const collection = uniqueCollection();
    await openStore(collection, DIM);
    const other = createQdrantMemoryStore({ url: fake.url, dimension: 3, collection });
    stores.push(other);
    const failure = await other.open().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DimensionMismatchError);
    expect(failure).toMatchObject({ storeDimension: DIM, configuredDimension: 3 });
    expect((failure as Error).message).toContain(collection);
  });

  it('sends the API key, and a rejected key or an unreachable server fails clearly without the key', async () => {
    const secured = await startFakeQdrant({ apiKey: 'qdrant-secret-key-123' });
    try {
      const good = createQdrantMemoryStore({
        url: secured.url,
        apiKey: 'qdrant-secret-key-123',
        dimension: DIM,
      });
      stores.push(good);
      await good.open();
      await put(good, record(userA, 'Reached through the API key'));
      const bad = createQdrantMemoryStore({ url: secured.url, apiKey: 'wrong-key-456789', dimension: DIM });
      stores.push(bad);
      const failure = (await bad.open().catch((error: unknown) => error)) as Error;
      expect(failure.message).toMatch(/Qdrant open failed at http:\/\/127\.0\.0\.1:\d+ .*HTTP 401/);
      expect(failure.message).not.toContain('wrong-key-456789');
    } finally {
      await secured.close();
    }
    const gone = createQdrantMemoryStore({ url: secured.url, dimension: DIM });
    stores.push(gone);
    await expect(gone.open()).rejects.toThrow(
      /Qdrant open failed at http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/,
    );
  });
});

describe('Qdrant memory store: requests', () => {
  it('puts the user scope into every read request it sends', async () => {
    const store = await openStore(uniqueCollection());
    const scope = { ...userA, projectId: 'p1', agentId: 'clara' };
    const first = await put(store, record(scope, 'Collects vinyl records'), vec([1]));
    const next = record(scope, 'Collects vinyl and tapes', { minutes: 1 });
    const before = fake.requests.length;
    await store.get(scope, first.id);
    await store.list(scope, {}, { limit: 5 });
    await store.count(scope, { kinds: ['fact'] });
    await store.vectorSearch(scope, vec([1]), 3, {});
    await store.textSearch(scope, 'vinyl', 3, {});
    await store.supersede(scope, first.id, next, vec([1, 1]), new Date());
    await store.history(scope, next.id);
    await store.invalidate(scope, next.id, new Date());
    await store.forget(scope);
    const reads = fake.requests
      .slice(before)
      .filter((request) => /\/points\/(scroll|count|query|search)$/.test(request.path));
    expect(reads.length).toBeGreaterThan(8);
    for (const request of reads) {
      expect(JSON.stringify((request.body as { filter?: unknown }).filter)).toContain(
        `{"key":"user_id","match":{"value":"${userA.userId}"}}`,
      );
    }
  });

  it('stores a memory without embedding as a zero vector that vector search never returns', async () => {
    const collection = uniqueCollection();
    const store = await openStore(collection);
    const bare = await put(store, record(userB, 'No vector for this one'), null);
    const point = fake.collections.get(collection)?.points.get(bare.id);
    expect(point?.vector).toEqual(new Array(DIM).fill(0));
    expect(point?.payload).toMatchObject({ has_vector: false, valid: true, text: 'No vector for this one' });
    expect(await store.vectorSearch(userB, vec([1]), 5, {})).toEqual([]);
    expect(hitTexts(await store.textSearch(userB, 'vector', 5, {}))).toEqual(['No vector for this one']);
  });

  it('re-embeds to a new size through a backup collection, keeping every memory and index', async () => {
    const collection = uniqueCollection();
    const store = await openStore(collection);
    await put(store, record(userA, 'north'), vec([1]));
    await put(store, record(userA, 'east'), vec([0, 1]));
    await put(store, record(userB, 'south'), null);
    const embed = async (texts: string[]) => texts.map((text) => vec(text === 'south' ? [0, 0, 1] : [1], 5));
    expect(await store.reembed(embed, 5)).toBe(3);
    expect(fake.collections.get(collection)?.size).toBe(5);
    expect(fake.collections.has(`${collection}_reembed_backup`)).toBe(false);
    expect(fake.collections.get(collection)?.indexes.size).toBe(10);
    expect(hitTexts(await store.vectorSearch(userB, vec([0, 0, 1], 5), 5, {}))).toEqual(['south']);
    expect(await store.count(userA, {})).toBe(2);
  });
});
