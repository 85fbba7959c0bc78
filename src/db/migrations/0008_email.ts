/**
 * Email monitoring tables (spec §10: `email_accounts`, `email_rules`, `email_alerts`) with the original's columns,
 * plus new nullable columns: the IMAP TLS choice, UIDVALIDITY (so a reconnect neither repeats nor misses mail),
 * the next check time and watch mode (status shown by `clara email list`), and on alerts why the rule matched, a
 * short summary and the delivery state (sent, queued for the digest…). Every statement is idempotent, so a database
 * created by the Python app is adopted and extended.
 */
import { sql } from 'kysely';
import type { DatabaseDialect } from '../types.js';
import { type AnyDb, columnExists, type DialectMigration, inTransaction, timestampType } from './helpers.js';

async function addMissing(
  trx: AnyDb,
  dialect: DatabaseDialect,
  table: string,
  columns: ReadonlyArray<[string, 'varchar' | 'text' | 'timestamp']>,
): Promise<void> {
  for (const [name, type] of columns) {
    if (await columnExists(trx, dialect, table, name)) continue;
    await trx.schema
      .alterTable(table)
      .addColumn(name, type === 'timestamp' ? timestampType(dialect) : type)
      .execute();
  }
}

export const emailTables: DialectMigration = (dialect) => ({
  async up(db) {
    const ts = timestampType(dialect);
    await inTransaction(db, async (trx) => {
      await trx.schema
        .createTable('email_accounts')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('user_id', 'varchar', (c) => c.notNull())
        .addColumn('email_address', 'varchar', (c) => c.notNull())
        .addColumn('provider_type', 'varchar', (c) => c.notNull())
        .addColumn('imap_server', 'varchar')
        .addColumn('imap_port', 'integer')
        .addColumn('imap_username', 'varchar')
        .addColumn('imap_password', 'text')
        .addColumn('enabled', 'varchar', (c) => c.defaultTo('true'))
        .addColumn('poll_interval_minutes', 'integer', (c) => c.defaultTo(5))
        .addColumn('last_checked_at', ts)
        .addColumn('last_seen_uid', 'varchar')
        .addColumn('last_seen_timestamp', ts)
        .addColumn('status', 'varchar', (c) => c.defaultTo('active'))
        .addColumn('last_error', 'text')
        .addColumn('error_count', 'integer', (c) => c.defaultTo(0))
        .addColumn('alert_channel_id', 'varchar')
        .addColumn('ping_on_alert', 'varchar', (c) => c.defaultTo('false'))
        .addColumn('quiet_hours_start', 'integer')
        .addColumn('quiet_hours_end', 'integer')
        .addColumn('created_at', ts)
        .addColumn('updated_at', ts)
        .execute();
      await trx.schema
        .createIndex('ix_email_accounts_user_id')
        .ifNotExists()
        .on('email_accounts')
        .column('user_id')
        .execute();
      await addMissing(trx, dialect, 'email_accounts', [
        ['imap_tls', 'varchar'],
        ['uid_validity', 'varchar'],
        ['next_check_at', 'timestamp'],
        ['watch_mode', 'varchar'],
      ]);

      await trx.schema
        .createTable('email_rules')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('user_id', 'varchar', (c) => c.notNull())
        .addColumn('account_id', 'varchar', (c) => c.references('email_accounts.id'))
        .addColumn('name', 'varchar', (c) => c.notNull())
        .addColumn('enabled', 'varchar', (c) => c.defaultTo('true'))
        .addColumn('priority', 'integer', (c) => c.defaultTo(0))
        .addColumn('rule_definition', 'text', (c) => c.notNull())
        .addColumn('importance', 'varchar', (c) => c.defaultTo('normal'))
        .addColumn('custom_alert_message', 'text')
        .addColumn('override_ping', 'varchar')
        .addColumn('preset_name', 'varchar')
        .addColumn('created_at', ts)
        .addColumn('updated_at', ts)
        .execute();
      await trx.schema
        .createIndex('ix_email_rules_user_id')
        .ifNotExists()
        .on('email_rules')
        .column('user_id')
        .execute();

      await trx.schema
        .createTable('email_alerts')
        .ifNotExists()
        .addColumn('id', 'varchar', (c) => c.notNull().primaryKey())
        .addColumn('user_id', 'varchar', (c) => c.notNull())
        .addColumn('account_id', 'varchar', (c) => c.notNull().references('email_accounts.id'))
        .addColumn('rule_id', 'varchar', (c) => c.references('email_rules.id'))
        .addColumn('email_uid', 'varchar', (c) => c.notNull())
        .addColumn('email_from', 'varchar', (c) => c.notNull())
        .addColumn('email_subject', 'varchar', (c) => c.notNull())
        .addColumn('email_snippet', 'text')
        .addColumn('email_received_at', ts)
        .addColumn('channel_id', 'varchar', (c) => c.notNull())
        .addColumn('message_id', 'varchar')
        .addColumn('importance', 'varchar', (c) => c.notNull())
        .addColumn('was_pinged', 'varchar', (c) => c.defaultTo('false'))
        .addColumn('sent_at', ts)
        .execute();
      await trx.schema
        .createIndex('ix_email_alerts_user_id')
        .ifNotExists()
        .on('email_alerts')
        .column('user_id')
        .execute();
      await trx.schema
        .createIndex('ix_email_alerts_email_uid')
        .ifNotExists()
        .on('email_alerts')
        .column('email_uid')
        .execute();
      await addMissing(trx, dialect, 'email_alerts', [
        ['uid_validity', 'varchar'],
        ['reason', 'text'],
        ['summary', 'text'],
        ['delivery_status', 'varchar'],
      ]);
      // One alert per message: (account, UIDVALIDITY, UID). Old rows without UIDVALIDITY are not constrained.
      await trx.schema
        .createIndex('ux_email_alerts_account_message')
        .ifNotExists()
        .unique()
        .on('email_alerts')
        .columns(['account_id', 'uid_validity', 'email_uid'])
        .where(sql.ref('uid_validity'), 'is not', null)
        .execute();
      await trx.schema
        .createIndex('ix_email_alerts_delivery')
        .ifNotExists()
        .on('email_alerts')
        .columns(['account_id', 'delivery_status'])
        .execute();
    });
  },
});
