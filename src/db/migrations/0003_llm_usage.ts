/** New table `llm_usage`: one row per LLM call (tokens, cost, duration). */
import { type DialectMigration, doubleType, inTransaction, timestampType } from './helpers.js';

export const llmUsage: DialectMigration = (dialect) => ({
  async up(db) {
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createTable('llm_usage')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('session_id', 'varchar')
        .addColumn('message_id', 'integer')
        .addColumn('user_id', 'varchar')
        .addColumn('provider', 'varchar', (c) => c.notNull())
        .addColumn('model', 'varchar', (c) => c.notNull())
        .addColumn('purpose', 'varchar', (c) => c.notNull())
        .addColumn('tier', 'varchar')
        .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cost', doubleType(dialect))
        .addColumn('duration_ms', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', timestampType(dialect), (c) => c.notNull())
        .execute();
      for (const column of ['session_id', 'user_id', 'created_at']) {
        await trx.schema
          .createIndex(`ix_llm_usage_${column}`)
          .ifNotExists()
          .on('llm_usage')
          .column(column)
          .execute();
      }
    });
  },
});
