/** New table `tool_calls`: one row per tool execution (who, where, how long, whether it worked and why not). */
import { type DialectMigration, inTransaction, timestampType } from './helpers.js';

export const toolCalls: DialectMigration = (dialect) => ({
  async up(db) {
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createTable('tool_calls')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('tool_name', 'varchar', (c) => c.notNull())
        .addColumn('user_id', 'varchar')
        .addColumn('conversation_id', 'varchar')
        .addColumn('session_id', 'varchar')
        .addColumn('platform', 'varchar')
        .addColumn('duration_ms', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('ok', 'varchar', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('result_chars', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('truncated', 'varchar', (c) => c.notNull().defaultTo('false'))
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .execute();
      for (const column of ['tool_name', 'user_id', 'created_at']) {
        await trx.schema
          .createIndex(`ix_tool_calls_${column}`)
          .ifNotExists()
          .on('tool_calls')
          .column(column)
          .execute();
      }
    });
  },
});
