import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { runMigrations } from './migrate.js';

describe('runMigrations on SQLite', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('retries when other connections migrate the same file at the same moment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clara-migrate-'));
    const file = join(dir, 'assistant.db');
    const dbs = [1, 2, 3].map(() => {
      // No busy timeout: every collision surfaces at once as SQLITE_BUSY, which is what the retry handles.
      const sqlite = new BetterSqlite3(file);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('busy_timeout = 0');
      return new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    });
    cleanups.push(async () => {
      await Promise.all(dbs.map((db) => db.destroy()));
      await rm(dir, { recursive: true, force: true });
    });

    const results = await Promise.all(dbs.map((db) => runMigrations(db, 'sqlite')));
    expect(results.flat().sort()).toEqual([
      '0001_core_tables',
      '0002_platform_message_id',
      '0003_llm_usage',
      '0004_query_indexes',
      '0005_messages_owner_index',
      '0006_graph_memory',
      '0007_tool_calls',
      '0008_email',
      '0009_discord',
    ]);
    expect(await runMigrations(dbs[0] as Kysely<unknown>, 'sqlite')).toEqual([]);
  });
});
