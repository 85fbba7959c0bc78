/** The SQLite + sqlite-vec + FTS5 memory store: the store contract, plus what is specific to SQLite. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { createSqliteMemoryStore, DimensionMismatchError, type MemoryStore } from '../../src/memory/index.js';
import { freshSqliteDir } from '../support/databases.js';
import { describeMemoryStoreContract } from './store-contract.js';
import { atCosine, hitTexts, put, record, userA, userB, vec } from './store-contract-fixtures.js';

let dir = '';
let db: BetterSqlite3.Database;
let tables = 0;
beforeAll(async () => {
  dir = await freshSqliteDir('clara-memory-');
  db = new BetterSqlite3(join(dir, 'memory.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
});
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** A new table prefix on the file's connection, so every test starts empty. */
async function freshStore(dimension = 8): Promise<{ store: MemoryStore; table: string }> {
  const table = `mem_${++tables}`;
  const store = createSqliteMemoryStore({ db, dimension, table });
  await store.open();
  return { store, table };
}

describeMemoryStoreContract('sqlite', async (dimension) => {
  const table = `contract_${++tables}`;
  return {
    store: createSqliteMemoryStore({ db, dimension, table }),
    reopen: async (d) => createSqliteMemoryStore({ db, dimension: d, table }),
    cleanup: async () => {},
  };
});

describe('SQLite memory store specifics', () => {
  it('shares the main database connection with Kysely, and its memories persist in assistant.db', async () => {
    const dataDir = await freshSqliteDir('clara-memory-main-');
    try {
      const main = await openDatabase({ dataDir });
      await main.migrate();
      const sqlite = main.sqlite;
      if (!sqlite) throw new Error('expected the SQLite dialect');
      const store = createSqliteMemoryStore({ db: sqlite, dimension: 8 });
      await store.open();
      const project = await main.repos.projects.ensure(userA.userId, 'Default Project');
      const session = await main.repos.sessions.create({
        projectId: project.id,
        userId: userA.userId,
        title: null,
      });
      const [stored, added] = await Promise.all([
        store.insert(record(userA, 'Takes the train to work'), vec([1])),
        main.repos.messages.add({
          sessionId: session.id,
          userId: userA.userId,
          role: 'user',
          content: 'hi',
        }),
        store.textSearch(userA, 'train', 5, {}),
      ]);
      expect(stored.created).toBe(true);
      expect(added.content).toBe('hi');
      expect(await main.migrate()).toEqual([]);
      expect(await main.repos.messages.count(session.id)).toBe(1);
      await store.close();
      await main.close();

      const again = await openDatabase({ dataDir });
      const reopened = createSqliteMemoryStore({ db: again.sqlite as BetterSqlite3.Database, dimension: 8 });
      await reopened.open();
      expect(hitTexts(await reopened.vectorSearch(userA, vec([1]), 5, {}))).toEqual([
        'Takes the train to work',
      ]);
      expect(await again.repos.messages.count(session.id)).toBe(1);
      await reopened.close();
      await again.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('names the database file when the dimension does not match', async () => {
    const { table } = await freshStore(8);
    const wrong = createSqliteMemoryStore({ db, dimension: 1536, table });
    await expect(wrong.open()).rejects.toThrow(DimensionMismatchError);
    await expect(wrong.open()).rejects.toThrow(join(dir, 'memory.db'));
  });

  it('loads sqlite-vec once per connection, for any number of stores', async () => {
    const first = await freshStore();
    const second = await freshStore();
    await put(first.store, record(userA, 'in the first store'), vec([1]));
    expect(await second.store.count(userA, {})).toBe(0);
    expect(await first.store.count(userA, {})).toBe(1);
  });

  it('falls back to an exact scan when more than 4096 nearer vectors are filtered out', async () => {
    // An in-memory connection: 4200 separate commits to a file would only slow the test down.
    const memoryDb = new BetterSqlite3(':memory:');
    const store = createSqliteMemoryStore({ db: memoryDb, dimension: 8 });
    await store.open();
    for (let i = 0; i < 4200; i++) {
      await put(store, record(userA, `busy ${i}`, { metadata: { channel: 'busy' } }), vec([1, i * 1e-5]));
    }
    await put(store, record(userA, 'quiet far', { metadata: { channel: 'quiet' } }), atCosine(0.1));
    await put(store, record(userA, 'quiet near', { metadata: { channel: 'quiet' } }), atCosine(0.4));
    const hits = await store.vectorSearch(userA, vec([1]), 3, { metadata: { channel: 'quiet' } });
    expect(hitTexts(hits)).toEqual(['quiet near', 'quiet far']);
    expect(hits[0]?.score).toBeCloseTo(0.4, 4);
    expect(await store.vectorSearch(userA, vec([1]), 5000, {})).toHaveLength(4202);
    memoryDb.close();
  });

  it('finds Chinese and Japanese words inside unspaced sentences, and Hindi words whole', async () => {
    const { store } = await freshStore();
    await put(store, record(userA, '我住在北京，喜欢喝茶'));
    await put(store, record(userA, '東京都に住んでいます'));
    expect(hitTexts(await store.textSearch(userA, '北京', 5, {}))).toEqual(['我住在北京，喜欢喝茶']);
    expect(hitTexts(await store.textSearch(userA, '東京', 5, {}))).toEqual(['東京都に住んでいます']);
    expect(await store.textSearch(userB, '東京', 5, {})).toEqual([]);
    await put(store, record(userA, 'मुझे हिन्दी संगीत पसंद है'));
    expect(hitTexts(await store.textSearch(userA, 'संगीत', 5, {}))).toEqual(['मुझे हिन्दी संगीत पसंद है']);
  });

  it('rejects embeddings of the wrong size and invalid table names with clear errors', async () => {
    const { store } = await freshStore(8);
    await expect(store.insert(record(userA, 'short vector'), vec([1], 4))).rejects.toThrow(
      /4 dimensions .* 8-dimensional/,
    );
    expect(await store.count(userA, { includeInvalid: true })).toBe(0);
    await expect(store.vectorSearch(userA, vec([1], 3), 5, {})).rejects.toThrow(/3 dimensions/);
    expect(() => createSqliteMemoryStore({ db, dimension: 8, table: 'x; drop table y' })).toThrow(
      /Invalid memory table prefix/,
    );
    expect(() => createSqliteMemoryStore({ db, dimension: 0 })).toThrow(/Invalid embedding dimension/);
  });

  it('superseding with the text of another current memory links the old version to that memory', async () => {
    const { store } = await freshStore();
    const old = await put(store, record(userA, 'Lives in Berlin'));
    const existing = await put(store, record(userA, 'Lives in Munich'));
    const at = new Date(Date.UTC(2026, 2, 2));
    const result = await store.supersede(userA, old.id, record(userA, 'lives in munich'), null, at);
    expect(result).toEqual(existing);
    expect(await store.get(userA, old.id)).toMatchObject({ validTo: at, supersededBy: existing.id });
    expect(await store.count(userA, {})).toBe(1);
  });

  it('an interrupted reembed leaves a usable store that a second run completes', async () => {
    const { store } = await freshStore(8);
    for (let i = 0; i < 150; i++) await put(store, record(userA, `memory number ${i}`), vec([1]));
    let calls = 0;
    const failing = async (batch: string[]) => {
      calls += 1;
      if (calls === 2) throw new Error('embedding service went away');
      return batch.map(() => vec([1], 4));
    };
    await expect(store.reembed(failing, 4)).rejects.toThrow('embedding service went away');
    expect(store.dimension).toBe(4);
    expect(await store.vectorSearch(userA, vec([1], 4), 500, {})).toHaveLength(100);
    expect(await store.textSearch(userA, 'number', 500, {})).toHaveLength(150);
    expect(await store.reembed(async (batch) => batch.map(() => vec([1], 4)), 4)).toBe(150);
    expect(await store.vectorSearch(userA, vec([1], 4), 500, {})).toHaveLength(150);
  });
});
