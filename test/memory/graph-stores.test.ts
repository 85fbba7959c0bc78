/**
 * The graph store contract against every backend that runs here: the main database on SQLite and on the run's
 * PostgreSQL 15, and embedded Kuzu in a temp directory. Plus what is specific to each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MainDatabase, openDatabase } from '../../src/db/index.js';
import { createDatabaseGraphStore, createKuzuGraphStore, KUZU_INSTALL_HINT } from '../../src/memory/index.js';
import { freshPostgresUrl, freshSqliteDir } from '../support/databases.js';
import { describeGraphStoreContract } from './graph-contract.js';
import { at, rel, triples, userA } from './graph-contract-fixtures.js';

const dialects = ['sqlite', 'postgres'] as const;

for (const dialect of dialects) {
  let db: MainDatabase;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await freshSqliteDir('clara-graph-');
    const url = dialect === 'postgres' ? await freshPostgresUrl('graph') : undefined;
    db = await openDatabase({ dataDir, ...(url ? { url } : {}) });
    await db.migrate();
  });
  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describeGraphStoreContract(`database (${dialect})`, async () => ({
    store: createDatabaseGraphStore({ db }),
    async cleanup() {
      await sql`delete from memory_relations`.execute(db.kysely);
      await sql`delete from memory_entities`.execute(db.kysely);
    },
  }));
}

describeGraphStoreContract('kuzu', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'clara-kuzu-'));
  return {
    store: createKuzuGraphStore({ path: join(dir, 'kuzu_data'), bufferPoolBytes: 32 * 1024 * 1024 }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('graph stores: backend specifics', () => {
  it('database: a main database without the graph tables is refused with the command that fixes it', async () => {
    const dataDir = await freshSqliteDir('clara-graph-unmigrated-');
    const db = await openDatabase({ dataDir });
    try {
      await expect(createDatabaseGraphStore({ db }).open()).rejects.toThrow(/clara db migrate/);
    } finally {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('kuzu: relations survive closing and reopening the database directory, dates exact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clara-kuzu-reopen-'));
    try {
      const path = join(dir, 'kuzu_data');
      const first = createKuzuGraphStore({ path, bufferPoolBytes: 32 * 1024 * 1024 });
      await first.open();
      await first.add(userA, [rel('user', 'lives_in', 'Berlin')], [7], at(0));
      await first.add(userA, [rel('user', 'lives_in', 'Munich', { exclusive: true })], [8], at(1));
      const before = await first.all(userA);
      await first.close();
      const again = createKuzuGraphStore({ path, bufferPoolBytes: 32 * 1024 * 1024 });
      await again.open();
      try {
        expect(await again.all(userA)).toEqual(before);
        expect(before.map((r) => [r.target, r.validTo])).toEqual([
          ['Berlin', at(1)],
          ['Munich', null],
        ]);
        expect(triples(await again.neighbours(userA, ['user'], 5))).toEqual(['user -lives_in-> Munich']);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('kuzu: when the optional package is missing, open() says to run npm install kuzu', async () => {
    const store = createKuzuGraphStore({
      path: join(tmpdir(), 'never-created'),
      packageName: 'kuzu-not-installed-here',
    });
    await expect(store.open()).rejects.toThrow(KUZU_INSTALL_HINT);
    expect(KUZU_INSTALL_HINT).toContain('npm install kuzu');
    await store.close();
  });
});
