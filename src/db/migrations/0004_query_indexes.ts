/** Indexes for the per-turn queries (latest session of an owner, last messages of a session, project lookup). */
import { type DialectMigration, inTransaction } from './helpers.js';

export const queryIndexes: DialectMigration = () => ({
  async up(db) {
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createIndex('ix_sessions_owner_activity')
        .ifNotExists()
        .on('sessions')
        .columns(['user_id', 'archived', 'last_activity_at'])
        .execute();
      await trx.schema
        .createIndex('ix_messages_session_id_id')
        .ifNotExists()
        .on('messages')
        .columns(['session_id', 'id'])
        .execute();
      await trx.schema
        .createIndex('ix_projects_owner_name')
        .ifNotExists()
        .on('projects')
        .columns(['owner_id', 'name'])
        .execute();
    });
  },
});
