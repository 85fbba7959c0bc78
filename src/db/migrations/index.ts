/**
 * In-code migration provider. Names sort in order of application; never rename or remove one that shipped
 * (Kysely refuses to run when an applied migration is missing).
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { DatabaseDialect } from '../types.js';
import { coreTables } from './0001_core_tables.js';
import { platformMessageId } from './0002_platform_message_id.js';
import { llmUsage } from './0003_llm_usage.js';
import { queryIndexes } from './0004_query_indexes.js';
import { messagesOwnerIndex } from './0005_messages_owner_index.js';
import { graphMemory } from './0006_graph_memory.js';
import { toolCalls } from './0007_tool_calls.js';
import { emailTables } from './0008_email.js';
import { discordTables } from './0009_discord.js';
import type { DialectMigration } from './helpers.js';

const MIGRATIONS: Record<string, DialectMigration> = {
  '0001_core_tables': coreTables,
  '0002_platform_message_id': platformMessageId,
  '0003_llm_usage': llmUsage,
  '0004_query_indexes': queryIndexes,
  '0005_messages_owner_index': messagesOwnerIndex,
  '0006_graph_memory': graphMemory,
  '0007_tool_calls': toolCalls,
  '0008_email': emailTables,
  '0009_discord': discordTables,
};

export function migrationProvider(dialect: DatabaseDialect): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, build] of Object.entries(MIGRATIONS)) migrations[name] = build(dialect);
      return migrations;
    },
  };
}
