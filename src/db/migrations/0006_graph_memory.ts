/**
 * New tables for graph memory in the main database (`GRAPH_STORE_PROVIDER=database`): the entities a person talks
 * about and the relations between them. Relations are never overwritten: ending one sets `valid_to`. A relation
 * without an agent stores `agent_id = ''` so the unique indexes work the same on SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import { type DialectMigration, inTransaction, timestampType } from './helpers.js';

export const graphMemory: DialectMigration = (dialect) => ({
  async up(db) {
    const ts = timestampType(dialect);
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createTable('memory_entities')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('user_id', 'varchar', (c) => c.notNull())
        .addColumn('agent_id', 'varchar', (c) => c.notNull().defaultTo(''))
        .addColumn('name', 'varchar', (c) => c.notNull())
        .addColumn('name_key', 'varchar', (c) => c.notNull())
        .addColumn('type', 'varchar')
        .addColumn('last_seen_at', ts, (c) => c.notNull())
        .execute();
      await trx.schema
        .createIndex('ux_memory_entities_scope_name')
        .ifNotExists()
        .unique()
        .on('memory_entities')
        .columns(['user_id', 'agent_id', 'name_key'])
        .execute();
      await trx.schema
        .createIndex('ix_memory_entities_user_seen')
        .ifNotExists()
        .on('memory_entities')
        .columns(['user_id', 'last_seen_at'])
        .execute();

      await trx.schema
        .createTable('memory_relations')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('user_id', 'varchar', (c) => c.notNull())
        .addColumn('agent_id', 'varchar', (c) => c.notNull().defaultTo(''))
        .addColumn('source_entity_id', 'varchar', (c) => c.notNull().references('memory_entities.id'))
        .addColumn('relation', 'varchar', (c) => c.notNull())
        .addColumn('target_entity_id', 'varchar', (c) => c.notNull().references('memory_entities.id'))
        .addColumn('created_at', ts, (c) => c.notNull())
        .addColumn('valid_to', ts)
        .addColumn('source_message_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await trx.schema
        .createIndex('ix_memory_relations_scope')
        .ifNotExists()
        .on('memory_relations')
        .columns(['user_id', 'agent_id', 'created_at'])
        .execute();
      for (const column of ['source_entity_id', 'target_entity_id']) {
        await trx.schema
          .createIndex(`ix_memory_relations_${column}`)
          .ifNotExists()
          .on('memory_relations')
          .columns([column, 'created_at'])
          .execute();
      }
      // Concurrent identical adds make one current relation.
      await trx.schema
        .createIndex('ux_memory_relations_current')
        .ifNotExists()
        .unique()
        .on('memory_relations')
        .columns(['user_id', 'agent_id', 'source_entity_id', 'relation', 'target_entity_id'])
        .where(sql.ref('valid_to'), 'is', null)
        .execute();
    });
  },
});
