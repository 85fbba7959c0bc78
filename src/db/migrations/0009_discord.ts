/**
 * Discord server settings and the admin audit trail.
 *
 * `guild_configs` keeps the original's columns (spec §10: integer autoincrement id, guild_id unique, booleans as
 * "true"/"false", quiet hours as HH:MM text). The original created it with `create_all`, so an adopted database may
 * hold the table already, possibly with fewer columns: missing columns are added and the unique index is created
 * only when absent.
 *
 * `admin_audit` is new: one row per administrative slash or text command (who, where, what, result), with the
 * command's options minus secrets.
 */
import type { DatabaseDialect } from '../types.js';
import { type AnyDb, columnExists, type DialectMigration, inTransaction, timestampType } from './helpers.js';

const GUILD_COLUMNS: ReadonlyArray<[string, 'varchar' | 'timestamp', string | undefined]> = [
  ['guild_id', 'varchar', undefined],
  ['default_tier', 'varchar', undefined],
  ['auto_tier_enabled', 'varchar', 'false'],
  ['ors_enabled', 'varchar', 'false'],
  ['ors_channel_id', 'varchar', undefined],
  ['ors_quiet_start', 'varchar', undefined],
  ['ors_quiet_end', 'varchar', undefined],
  ['sandbox_mode', 'varchar', 'auto'],
  ['created_at', 'timestamp', undefined],
  ['updated_at', 'timestamp', undefined],
];

async function addMissingGuildColumns(trx: AnyDb, dialect: DatabaseDialect): Promise<void> {
  for (const [name, type, fallback] of GUILD_COLUMNS) {
    if (await columnExists(trx, dialect, 'guild_configs', name)) continue;
    await trx.schema
      .alterTable('guild_configs')
      .addColumn(name, type === 'timestamp' ? timestampType(dialect) : 'varchar', (c) =>
        fallback === undefined ? c : c.defaultTo(fallback),
      )
      .execute();
  }
}

export const discordTables: DialectMigration = (dialect) => ({
  async up(db) {
    const ts = timestampType(dialect);
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createTable('guild_configs')
        .ifNotExists()
        .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('guild_id', 'varchar')
        .addColumn('default_tier', 'varchar')
        .addColumn('auto_tier_enabled', 'varchar', (c) => c.defaultTo('false'))
        .addColumn('ors_enabled', 'varchar', (c) => c.defaultTo('false'))
        .addColumn('ors_channel_id', 'varchar')
        .addColumn('ors_quiet_start', 'varchar')
        .addColumn('ors_quiet_end', 'varchar')
        .addColumn('sandbox_mode', 'varchar', (c) => c.defaultTo('auto'))
        .addColumn('created_at', ts)
        .addColumn('updated_at', ts)
        .execute();
      await addMissingGuildColumns(trx, dialect);
      // SQLAlchemy's `unique=True, index=True` name; upserts rely on it.
      await trx.schema
        .createIndex('ix_guild_configs_guild_id')
        .ifNotExists()
        .unique()
        .on('guild_configs')
        .column('guild_id')
        .execute();

      await trx.schema
        .createTable('admin_audit')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('platform', 'varchar', (c) => c.notNull())
        .addColumn('guild_id', 'varchar')
        .addColumn('channel_id', 'varchar')
        .addColumn('actor_id', 'varchar', (c) => c.notNull())
        .addColumn('actor_name', 'varchar')
        .addColumn('action', 'varchar', (c) => c.notNull())
        .addColumn('target', 'varchar')
        .addColumn('details', 'text')
        .addColumn('result', 'varchar', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('created_at', ts, (c) => c.notNull())
        .execute();
      for (const column of ['guild_id', 'actor_id', 'created_at']) {
        await trx.schema
          .createIndex(`ix_admin_audit_${column}`)
          .ifNotExists()
          .on('admin_audit')
          .column(column)
          .execute();
      }
    });
  },
});
