/**
 * pgvector memory store specifics on PGlite + pgvector over the wire protocol (the real `pg` driver): schema and
 * indexes, refusing the original mem0 table, dimension checks, HNSW use and complete filtered HNSW results,
 * multilingual full text, surviving a server restart, re-embedding.
 */
import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPgvectorMemoryStore,
  DimensionMismatchError,
  type MemoryStore,
} from '../../src/memory/index.js';
import { type PgliteServer, startPgliteServer, uniqueTableName } from '../support/pglite.js';
import { describeMemoryStoreContract } from './store-contract.js';
import { hitTexts, put, record, userA, userB, vec } from './store-contract-fixtures.js';

const DIM = 8;
let server: PgliteServer;
let admin: pg.Pool;
const stores: MemoryStore[] = [];

beforeAll(async () => {
  server = await startPgliteServer();
  admin = new pg.Pool({ connectionString: server.url, max: 1 });
  admin.on('error', () => {}); // the restart test drops this pool's idle connection too
});
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function openStore(table: string, dimension = DIM): Promise<MemoryStore> {
  const store = createPgvectorMemoryStore({ url: server.url, dimension, table });
  stores.push(store);
  await store.open();
  return store;
}

/** A deterministic pseudo-random unit vector. */
function randomVector(seed: number, dim = DIM): Float32Array {
  let state = seed * 2654435761 + 1;
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = state / 2147483648 - 0.5;
  }
  return vec(Array.from(out), dim);
}

describeMemoryStoreContract('pgvector', async (dimension) => {
  const table = uniqueTableName('contract');
  return {
    store: createPgvectorMemoryStore({ url: server.url, dimension, table }),
    reopen: async (d) => createPgvectorMemoryStore({ url: server.url, dimension: d, table }),
    cleanup: async () => {
      await admin.query(`drop table if exists ${table}`);
      await admin.query('delete from clara_memory_meta where table_name = $1', [table]);
    },
  };
});

const cosine = (a: Float32Array, b: Float32Array): number =>
  a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe('pgvector memory store: schema', () => {
  it('creates the table, the meta row and every index', async () => {
    const table = uniqueTableName();
    await openStore(table);
    const indexes = await admin.query<{ indexname: string; indexdef: string }>(
      'select indexname, indexdef from pg_indexes where tablename = $1',
      [table],
    );
    const def = (suffix: string) =>
      indexes.rows.find((row) => row.indexname === `${table}_${suffix}`)?.indexdef;
    expect(def('embedding_hnsw')).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    expect(def('scope_idx')).toMatch(/\(user_id, project_id, agent_id\)/);
    expect(def('kind_idx')).toMatch(/\(kind\)/);
    expect(def('current_hash_key')).toMatch(
      /UNIQUE INDEX .*COALESCE\(project_id.*hash\) WHERE \(valid_to IS NULL\)/,
    );
    expect(def('fts_idx')).toMatch(/USING gin \(fts\)/);
    const meta = await admin.query('select dimension from clara_memory_meta where table_name = $1', [table]);
    expect(meta.rows).toEqual([{ dimension: DIM }]);
    const column = await admin.query(
      `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = $1::regclass and attname = 'embedding'`,
      [table],
    );
    expect(column.rows).toEqual([{ type: `vector(${DIM})` }]);
  });

  it('refuses the original mem0 table (id, vector, payload) and leaves it untouched', async () => {
    const table = uniqueTableName('clara_memories');
    await admin.query(`create table ${table} (id uuid primary key, vector vector(1536), payload jsonb)`);
    await admin.query(`insert into ${table} (id, payload) values ($1, '{"data":"likes tea"}')`, [
      randomUUID(),
    ]);
    const store = createPgvectorMemoryStore({ url: server.url, dimension: DIM, table });
    stores.push(store);
    const failure = await store.open().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain(`"${table}"`);
    expect(failure?.message).toContain('ORIGINAL mem0 table');
    expect(failure?.message).toContain('MEM0_COLLECTION_NAME');
    expect((await admin.query(`select payload from ${table}`)).rows).toEqual([
      { payload: { data: 'likes tea' } },
    ]);
  });

  it('refuses a store built with another vector size', async () => {
    const table = uniqueTableName();
    await openStore(table, DIM);
    const other = createPgvectorMemoryStore({ url: server.url, dimension: 16, table });
    stores.push(other);
    const failure = await other.open().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DimensionMismatchError);
    expect((failure as DimensionMismatchError).storeDimension).toBe(DIM);
    expect((failure as DimensionMismatchError).configuredDimension).toBe(16);
    expect((failure as Error).message).toContain('clara memory reembed');
  });

  it('rejects an unsafe table name before connecting', () => {
    expect(() =>
      createPgvectorMemoryStore({ url: server.url, dimension: DIM, table: 'x; drop table y' }),
    ).toThrow(/MEM0_COLLECTION_NAME/);
  });
});

describe('pgvector memory store: vector search', () => {
  it('the similarity query can use the HNSW index', async () => {
    const table = uniqueTableName();
    const store = await openStore(table);
    for (let i = 0; i < 20; i++) await put(store, record(userA, `memory ${i}`), randomVector(i));
    const client = await admin.connect();
    try {
      await client.query('begin');
      // Tiny table: without this the planner would rather sort; the point is that HNSW matches the query's shape.
      await client.query(`select set_config('enable_sort', 'off', true)`);
      const plan = await client.query(
        `explain select id from ${table} where embedding is not null and user_id = $1 and valid_to is null ` +
          `order by embedding <=> $2::vector(${DIM}) limit 5`,
        [userA.userId, `[${Array.from(randomVector(99)).join(',')}]`],
      );
      await client.query('rollback');
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain(
        `Index Scan using ${table}_embedding_hnsw`,
      );
    } finally {
      client.release();
    }
  });

  it('returns complete, correctly ordered results for a small scope inside a large table when HNSW is used', async () => {
    const table = uniqueTableName();
    const store = await openStore(table);
    const mine: Array<{ text: string; vector: Float32Array }> = [];
    for (let i = 0; i < 400; i++) {
      const scope = i % 20 === 0 ? userB : userA;
      const text = `memory number ${i}`;
      const vector = randomVector(i + 1);
      await put(store, record(scope, text), vector);
      if (scope === userB) mine.push({ text, vector });
    }
    const query = randomVector(7777);
    const expected = [...mine]
      .sort((a, b) => cosine(b.vector, query) - cosine(a.vector, query))
      .map((m) => m.text);
    // PGlite is one shared session: turning sorts and sequential scans off here forces the store's query onto HNSW.
    await server.db.exec('set enable_seqscan = off; set enable_sort = off');
    try {
      const hits = await store.vectorSearch(userB, query, 15, {});
      expect(hitTexts(hits)).toEqual(expected.slice(0, 15));
      expect(hits.map((hit) => hit.rank)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      expect(hits[0]?.score).toBeCloseTo(cosine(mine.find((m) => m.text === expected[0])!.vector, query), 5);
      const all = await store.vectorSearch(userB, query, 50, {});
      expect(hitTexts(all)).toEqual(expected);
    } finally {
      await server.db.exec('reset enable_seqscan; reset enable_sort');
    }
  });
});

describe('pgvector memory store: full text', () => {
  it('is not English-only: folds accents, no stemming surprises, ranks more matching words first', async () => {
    const store = await openStore(uniqueTableName());
    await put(store, record(userA, 'Adore la crème brûlée de sa grand-mère'));
    await put(store, record(userA, 'Trinkt gern Kaffee mit Hafermilch'));
    await put(store, record(userA, 'Kaffee am Morgen, Tee am Abend, Kaffee im Büro'));
    await put(store, record(userA, 'Работает программистом в Москве'));
    expect(hitTexts(await store.textSearch(userA, 'creme brulee', 5, {}))).toEqual([
      'Adore la crème brûlée de sa grand-mère',
    ]);
    expect(hitTexts(await store.textSearch(userA, 'москве', 5, {}))).toEqual([
      'Работает программистом в Москве',
    ]);
    const coffee = await store.textSearch(userA, 'Kaffee Hafermilch', 5, {});
    expect(hitTexts(coffee)[0]).toBe('Trinkt gern Kaffee mit Hafermilch');
    expect(coffee).toHaveLength(2);
    expect(coffee[0]!.score).toBeGreaterThan(coffee[1]!.score);
  });

  it('treats query syntax characters as plain text', async () => {
    const store = await openStore(uniqueTableName());
    await put(store, record(userA, "O'Brien's café: rock & roll"));
    for (const query of ["o'brien & | ! :* ( ) <-> \\", 'rock & roll!', '"unterminated', '!!!', '']) {
      await expect(store.textSearch(userA, query, 5, {})).resolves.toBeInstanceOf(Array);
    }
    expect(hitTexts(await store.textSearch(userA, 'rock & roll!', 5, {}))).toEqual([
      "O'Brien's café: rock & roll",
    ]);
    expect(await store.textSearch(userA, '!!!', 5, {})).toEqual([]);
  });

  it('uses unaccent when the server has it, and still folds accents (its own terms) when it does not', async () => {
    const lexemes = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(`select to_tsvector('clara_memory_fts', 'Café') as v`)).rows[0]?.v;
      } finally {
        await client.end();
      }
    };
    await openStore(uniqueTableName());
    expect(await lexemes(server.url)).toBe(`'cafe':1`);
    const bare = await startPgliteServer({ unaccent: false });
    const store = createPgvectorMemoryStore({ url: bare.url, dimension: DIM, table: 'mem' });
    try {
      await store.open();
      expect(await lexemes(bare.url)).toBe(`'café':1`);
      await put(store, record(userA, 'Mange au café du coin'));
      expect(hitTexts(await store.textSearch(userA, 'café', 5, {}))).toEqual(['Mange au café du coin']);
      expect(hitTexts(await store.textSearch(userA, 'CAFE', 5, {}))).toEqual(['Mange au café du coin']);
    } finally {
      await store.close();
      await bare.stop();
    }
  });
});

describe('pgvector memory store: connection loss', () => {
  it('keeps working after the server restarts, and a query while it is down fails clearly', async () => {
    const store = await openStore(uniqueTableName());
    const first = await put(store, record(userA, 'Before the restart'), vec([1]));
    await server.restart();
    expect(await store.get(userA, first.id)).toEqual(first);
    await put(store, record(userA, 'After the restart'), vec([0, 1]));

    await server.stopListening();
    try {
      await expect(store.count(userA, {})).rejects.toThrow(
        /Cannot reach the memory database at postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(MEM0_DATABASE_URL\): .*ECONNREFUSED/,
      );
    } finally {
      await server.restart();
    }
    expect(await store.count(userA, {})).toBe(2);
    expect(hitTexts(await store.vectorSearch(userA, vec([1]), 1, {}))).toEqual(['Before the restart']);
  });
});

describe('pgvector memory store: errors and several writers', () => {
  it('names the database without its password when it cannot be reached', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const store = createPgvectorMemoryStore({
      url: `postgresql://clara:s3cret-passw0rd@127.0.0.1:${port}/memories`,
      dimension: DIM,
    });
    stores.push(store);
    const failure = (await store.open().catch((error: unknown) => error)) as Error;
    expect(failure.message).toContain(`postgresql://clara:****@127.0.0.1:${port}/memories`);
    expect(failure.message).not.toContain('s3cret-passw0rd');
  });

  it('keeps one row when two stores (two pools, as two processes would) insert the same memory at once', async () => {
    const table = uniqueTableName();
    const [one, two] = [await openStore(table), await openStore(table)];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? one : two).insert(record(userA, 'Speaks Welsh'), vec([1])),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await one.count(userA, {})).toBe(1);
  });
});

describe('pgvector memory store: re-embedding', () => {
  it('replaces every embedding with a new size, records it and rebuilds the HNSW index', async () => {
    const table = uniqueTableName();
    const store = await openStore(table);
    await put(store, record(userA, 'alpha'), vec([1]));
    await put(store, record(userA, 'beta'), null);
    const ended = await put(store, record(userB, 'gamma'), vec([0, 1]));
    await store.invalidate(userB, ended.id, new Date());
    const progress: Array<[number, number]> = [];
    const embed = async (texts: string[]) =>
      texts.map((text) => vec([text === 'beta' ? 1 : 0, text === 'beta' ? 0 : 1], 12));
    expect(await store.reembed(embed, 12, (done, total) => progress.push([done, total]))).toBe(3);
    expect(store.dimension).toBe(12);
    expect(progress.at(-1)).toEqual([3, 3]);
    expect(hitTexts(await store.vectorSearch(userA, vec([1], 12), 2, {}))).toEqual(['beta', 'alpha']);
    const meta = await admin.query('select dimension from clara_memory_meta where table_name = $1', [table]);
    expect(meta.rows).toEqual([{ dimension: 12 }]);
    const index = await admin.query('select indexdef from pg_indexes where indexname = $1', [
      `${table}_embedding_hnsw`,
    ]);
    expect(index.rows).toHaveLength(1);
    const old = createPgvectorMemoryStore({ url: server.url, dimension: DIM, table });
    stores.push(old);
    await expect(old.open()).rejects.toBeInstanceOf(DimensionMismatchError);
    await expect(openStore(table, 12)).resolves.toBeDefined();
  });
});
