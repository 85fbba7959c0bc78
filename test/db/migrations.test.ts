/** Migrations: fresh databases, idempotence, adopting the original app's database, concurrency. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type MainDatabase, openDatabase } from '../../src/db/index.js';
import { originalSchemaStatements } from './original-schema.js';
import { DIALECTS, execRaw, type FreshTarget, freshTarget } from './targets.js';

const run = promisify(execFile);
const ALL_MIGRATIONS = [
  '0001_core_tables',
  '0002_platform_message_id',
  '0003_llm_usage',
  '0004_query_indexes',
  '0005_messages_owner_index',
  '0006_graph_memory',
  '0007_tool_calls',
  '0008_email',
  '0009_discord',
];

async function indexNames(db: MainDatabase): Promise<string[]> {
  const query =
    db.dialect === 'postgres'
      ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'index'`;
  return (await query.execute(db.kysely)).rows.map((row) => row.name);
}

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function fresh(): Promise<FreshTarget> {
    const target = await freshTarget(dialect);
    cleanups.push(target.cleanup);
    return target;
  }
  async function open(target: FreshTarget): Promise<MainDatabase> {
    const db = await openDatabase(target.options);
    cleanups.push(() => db.close());
    return db;
  }

  it('applies every migration once; running again (and after reopening) applies nothing', async () => {
    const target = await fresh();
    const db = await open(target);
    expect(await db.migrate()).toEqual(ALL_MIGRATIONS);
    expect(await db.migrate()).toEqual([]);
    const reopened = await open(target);
    expect(await reopened.migrate()).toEqual([]);
  });

  it('creates the original indexes and the ones the per-turn queries need', async () => {
    const db = await open(await fresh());
    await db.migrate();
    expect(await indexNames(db)).toEqual(
      expect.arrayContaining([
        'ix_channel_configs_channel_id',
        'ix_channel_configs_guild_id',
        'ix_log_entries_timestamp',
        'ix_log_entries_level',
        'ix_log_entries_logger_name',
        'ix_log_entries_user_id',
        'ix_log_entries_session_id',
        'ux_messages_platform_message_id',
        'ix_llm_usage_session_id',
        'ix_llm_usage_user_id',
        'ix_llm_usage_created_at',
        'ix_sessions_owner_activity',
        'ix_messages_session_id_id',
        'ix_projects_owner_name',
        'ix_messages_user_id_created_at',
        'ux_memory_entities_scope_name',
        'ix_memory_relations_scope',
        'ux_memory_relations_current',
        'ix_tool_calls_tool_name',
        'ix_tool_calls_user_id',
        'ix_tool_calls_created_at',
        'ix_email_accounts_user_id',
        'ux_email_alerts_account_message',
        'ix_guild_configs_guild_id',
        'ix_admin_audit_created_at',
      ]),
    );
  });

  it('adopts a database created by the original app and keeps its rows readable', async () => {
    const target = await fresh();
    await execRaw(dialect, target, originalSchemaStatements(dialect));
    const db = await open(target);
    expect(await db.migrate()).toEqual(ALL_MIGRATIONS);
    expect(await db.migrate()).toEqual([]);

    expect(await db.repos.projects.ensure('discord-42', 'Default Project')).toEqual({
      id: 'p-1',
      ownerId: 'discord-42',
      name: 'Default Project',
    });
    const session = await db.repos.sessions.findLatest('discord-dm-42');
    expect(session).toEqual({
      id: 's-1',
      projectId: 'p-1',
      userId: 'discord-dm-42',
      title: 'DM with Ada',
      archived: false,
      startedAt: new Date(Date.UTC(2025, 2, 4, 5, 6, 7, 123)),
      lastActivityAt: new Date(Date.UTC(2025, 2, 4, 6)),
      previousSessionId: null,
      contextSnapshot: null,
      sessionSummary: 'An old summary',
    });
    const [old] = await db.repos.messages.recent('s-1', 15);
    expect(old).toEqual({
      id: 1,
      sessionId: 's-1',
      userId: 'discord-dm-42',
      role: 'user',
      content: 'hello from python',
      createdAt: new Date(Date.UTC(2025, 2, 4, 5, 6, 8, 500)),
      platformMessageId: null,
    });
    const added = await db.repos.messages.add({
      sessionId: 's-1',
      userId: 'discord-dm-42',
      role: 'assistant',
      content: 'hello from typescript',
      platformMessageId: 'p-2',
    });
    expect(added.id).toBe(2);
    expect(await db.repos.messages.count('s-1')).toBe(2);

    expect(await db.repos.channelSummaries.get('discord-channel-7')).toMatchObject({
      id: 'cs-1',
      summary: 'old channel summary',
      summaryCutoffAt: null,
      lastUpdatedAt: new Date(Date.UTC(2025, 2, 4, 7)),
    });
    await db.repos.channelSummaries.upsert('discord-channel-7', 'new', null);
    expect((await db.repos.channelSummaries.get('discord-channel-7'))?.id).toBe('cs-1');
    expect(await db.repos.channelConfigs.get('7')).toMatchObject({
      id: 'cc-1',
      guildId: 'g-1',
      mode: 'active',
    });
    await db.repos.channelConfigs.set({
      channelId: '7',
      guildId: 'g-1',
      mode: 'mention',
      configuredBy: null,
    });
    expect(await db.repos.channelConfigs.get('7')).toMatchObject({ id: 'cc-1', mode: 'mention' });
    const [log] = await db.repos.logEntries.query({ minLevel: 'WARNING' });
    expect(log).toMatchObject({ id: 'l-1', message: 'old warning', extraData: { path: '/x' } });
    await db.repos.usage.record({
      sessionId: 's-1',
      messageId: added.id,
      userId: 'discord-42',
      provider: 'anthropic',
      model: 'claude',
      purpose: 'chat',
      tier: null,
      inputTokens: 1,
      outputTokens: 2,
      cost: null,
      durationMs: 3,
    });
    expect((await db.repos.usage.totals({ sessionId: 's-1' })).calls).toBe(1);

    const { rows } = await sql<{ n: number | string }>`select count(*) as n from guild_configs`.execute(
      db.kysely,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('names the migration that failed and what state the database is in', async () => {
    const target = await fresh();
    await execRaw(dialect, target, ['CREATE VIEW llm_usage AS SELECT 1 AS id']);
    const db = await open(target);
    const error = await db.migrate().then(
      () => new Error('expected the migration to fail'),
      (failure: Error) => failure,
    );
    expect(error.message).toMatch(
      new RegExp(`^Database migration 0003_llm_usage failed on ${dialect}: .*index`),
    );
    expect(error.message).toContain('applied migrations are never repeated');
    const applied = await sql<{ name: string }>`select name from clara_migration order by name`.execute(
      db.kysely,
    );
    expect(applied.rows.map((row) => row.name)).toEqual(
      dialect === 'postgres' ? [] : ['0001_core_tables', '0002_platform_message_id'],
    );
  });

  it('finishes a migration that was interrupted after adding the new column', async () => {
    const target = await fresh();
    await execRaw(dialect, target, [
      ...originalSchemaStatements(dialect),
      'ALTER TABLE messages ADD COLUMN platform_message_id VARCHAR',
    ]);
    const db = await open(target);
    expect(await db.migrate()).toEqual(ALL_MIGRATIONS);
    expect((await db.repos.messages.recent('s-1', 1))[0]?.platformMessageId).toBeNull();
  });
});

describe('query plans on sqlite', () => {
  it('serve the per-turn lookups from indexes without sorting', async () => {
    const target = await freshTarget('sqlite');
    const db = await openDatabase(target.options);
    try {
      await db.migrate();
      const plan = async (query: ReturnType<typeof sql>) =>
        (await sql<{ detail: string }>`explain query plan ${query}`.execute(db.kysely)).rows
          .map((row) => row.detail)
          .join(' | ');
      const latest = await plan(
        sql`select * from sessions where user_id = ${'u'} and archived = ${'false'} order by last_activity_at desc limit 1`,
      );
      expect(latest).toContain('ix_sessions_owner_activity');
      expect(latest).not.toContain('TEMP B-TREE');
      const recent = await plan(
        sql`select * from messages where session_id = ${'s'} order by id desc limit 15`,
      );
      expect(recent).toContain('ix_messages_session_id_id');
      expect(recent).not.toContain('TEMP B-TREE');
      const conversation = await plan(
        sql`select * from messages where user_id = ${'c'} and created_at < ${'2030-01-01'} order by created_at desc, id desc limit 50`,
      );
      expect(conversation).toContain('ix_messages_user_id_created_at');
      expect(conversation).not.toContain('TEMP B-TREE');
    } finally {
      await db.close();
      await target.cleanup();
    }
  });
});

const MIGRATE_ONCE = fileURLToPath(new URL('./fixtures/migrate-once.ts', import.meta.url));

async function migrateInChild(options: FreshTarget['options']): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', MIGRATE_ONCE, JSON.stringify(options)]);
  return JSON.parse(stdout) as string[];
}

describe.each(DIALECTS)('concurrent migrations on %s', (dialect) => {
  it('applies each migration exactly once when several processes start at the same time', async () => {
    const target = await freshTarget(dialect);
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrateInChild(target.options)));
      expect(results.flat().sort()).toEqual(ALL_MIGRATIONS);
      if (dialect === 'postgres') {
        // Kysely's advisory lock: one migrator does everything while the others wait.
        expect(results.filter((names) => names.length > 0)).toEqual([ALL_MIGRATIONS]);
      }
      const db = await openDatabase(target.options);
      try {
        expect(await db.migrate()).toEqual([]);
        expect((await db.repos.projects.ensure('discord-1', 'Default Project')).ownerId).toBe('discord-1');
      } finally {
        await db.close();
      }
    } finally {
      await target.cleanup();
    }
  });
});
