/**
 * The original's six core tables (spec §10.2) with its column set and indexes. Every statement is
 * `if not exists`, so a database created by the Python app is adopted unchanged.
 */
import { type DialectMigration, inTransaction, timestampType } from './helpers.js';

export const coreTables: DialectMigration = (dialect) => ({
  async up(db) {
    const ts = timestampType(dialect);
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createTable('projects')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('owner_id', 'varchar', (c) => c.notNull())
        .addColumn('name', 'varchar', (c) => c.notNull())
        .execute();

      await trx.schema
        .createTable('sessions')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('project_id', 'varchar', (c) => c.notNull().references('projects.id'))
        .addColumn('user_id', 'varchar', (c) => c.notNull())
        .addColumn('title', 'varchar')
        .addColumn('archived', 'varchar', (c) => c.notNull().defaultTo('false'))
        .addColumn('started_at', ts, (c) => c.notNull())
        .addColumn('last_activity_at', ts, (c) => c.notNull())
        .addColumn('previous_session_id', 'varchar')
        .addColumn('context_snapshot', 'text')
        .addColumn('session_summary', 'text')
        .execute();

      await trx.schema
        .createTable('messages')
        .ifNotExists()
        .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('session_id', 'varchar', (c) => c.notNull().references('sessions.id'))
        .addColumn('user_id', 'varchar', (c) => c.notNull())
        .addColumn('role', 'varchar', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();

      await trx.schema
        .createTable('channel_summaries')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('channel_id', 'varchar', (c) => c.notNull().unique())
        .addColumn('summary', 'text', (c) => c.defaultTo(''))
        .addColumn('summary_cutoff_at', ts)
        .addColumn('last_updated_at', ts)
        .execute();

      await trx.schema
        .createTable('channel_configs')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('channel_id', 'varchar', (c) => c.notNull())
        .addColumn('guild_id', 'varchar', (c) => c.notNull())
        .addColumn('mode', 'varchar', (c) => c.notNull().defaultTo('mention'))
        .addColumn('configured_by', 'varchar')
        .addColumn('configured_at', ts)
        .addColumn('updated_at', ts)
        .execute();
      await trx.schema
        .createIndex('ix_channel_configs_channel_id')
        .ifNotExists()
        .unique()
        .on('channel_configs')
        .column('channel_id')
        .execute();
      await trx.schema
        .createIndex('ix_channel_configs_guild_id')
        .ifNotExists()
        .on('channel_configs')
        .column('guild_id')
        .execute();

      await trx.schema
        .createTable('log_entries')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('timestamp', ts, (c) => c.notNull())
        .addColumn('level', 'varchar(10)', (c) => c.notNull())
        .addColumn('logger_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('module', 'varchar(100)')
        .addColumn('function', 'varchar(100)')
        .addColumn('line_number', 'integer')
        .addColumn('exception', 'text')
        .addColumn('extra_data', 'text')
        .addColumn('user_id', 'varchar')
        .addColumn('session_id', 'varchar')
        .execute();
      for (const column of ['timestamp', 'level', 'logger_name', 'user_id', 'session_id']) {
        await trx.schema
          .createIndex(`ix_log_entries_${column}`)
          .ifNotExists()
          .on('log_entries')
          .column(column)
          .execute();
      }
    });
  },
});
