/** New column `messages.platform_message_id`: the platform's message id, unique when present (de-duplication). */
import { sql } from 'kysely';
import { columnExists, type DialectMigration, inTransaction } from './helpers.js';

export const platformMessageId: DialectMigration = (dialect) => ({
  async up(db) {
    await inTransaction(db, async (trx) => {
      if (!(await columnExists(trx, dialect, 'messages', 'platform_message_id'))) {
        await trx.schema.alterTable('messages').addColumn('platform_message_id', 'varchar').execute();
      }
      await trx.schema
        .createIndex('ux_messages_platform_message_id')
        .ifNotExists()
        .unique()
        .on('messages')
        .column('platform_message_id')
        .where(sql.ref('platform_message_id'), 'is not', null)
        .execute();
    });
  },
});
