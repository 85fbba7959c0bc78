/** Index for reading a conversation's messages across its sessions (`messages.byConversation`, chat history tools). */
import { type DialectMigration, inTransaction } from './helpers.js';

export const messagesOwnerIndex: DialectMigration = () => ({
  async up(db) {
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createIndex('ix_messages_user_id_created_at')
        .ifNotExists()
        .on('messages')
        .columns(['user_id', 'created_at', 'id'])
        .execute();
    });
  },
});
