/**
 * Email tables (migration 0008) for SQLite and PostgreSQL, with the original's storage representations
 * ("true"/"false", naive-UTC timestamps, JSON text). Accounts and rules here; alerts in `alert-store.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import {
  type DatabaseSchema,
  type EmailAccountsTable,
  type EmailRulesTable,
  fromDbTimeOrNull,
  toDbTime,
} from '../db/index.js';
import { isImportance } from './classify.js';
import { type EmailRule, parseStoredDefinition, type RuleDefinition } from './rules.js';
import type { AccountStatus, EmailAccount, Importance } from './types.js';

export type EmailDb = Kysely<DatabaseSchema>;

const bool = (value: string | null | undefined, fallback: boolean): boolean =>
  value === null || value === undefined ? fallback : value.toLowerCase() === 'true';

export function toAccount(row: Selectable<EmailAccountsTable>): EmailAccount {
  const status = (row.status ?? 'active') as AccountStatus;
  const port = row.imap_port ?? 993;
  return {
    id: row.id,
    userId: row.user_id,
    emailAddress: row.email_address,
    imapServer: row.imap_server ?? '',
    imapPort: port,
    imapUsername: row.imap_username || row.email_address,
    imapTls: bool(row.imap_tls, port === 993),
    enabled: bool(row.enabled, true),
    status: ['active', 'error', 'disabled'].includes(status) ? status : 'active',
    lastError: row.last_error,
    errorCount: row.error_count ?? 0,
    lastCheckedAt: fromDbTimeOrNull(row.last_checked_at),
    nextCheckAt: fromDbTimeOrNull(row.next_check_at),
    watchMode: row.watch_mode,
    pollIntervalMinutes: row.poll_interval_minutes,
    alertChannelId: row.alert_channel_id,
    pingOnAlert: bool(row.ping_on_alert, false),
    quietHoursStart: row.quiet_hours_start,
    quietHoursEnd: row.quiet_hours_end,
    lastSeenUid: row.last_seen_uid && /^\d+$/.test(row.last_seen_uid) ? Number(row.last_seen_uid) : null,
    uidValidity: row.uid_validity,
    createdAt: fromDbTimeOrNull(row.created_at),
    providerType: row.provider_type || 'imap',
  };
}

function toRule(row: Selectable<EmailRulesTable>): EmailRule | undefined {
  const definition = parseStoredDefinition(row.rule_definition);
  if (!definition) return undefined;
  const override = row.override_ping === null ? null : row.override_ping.toLowerCase() === 'true';
  return {
    id: row.id,
    userId: row.user_id,
    accountId: row.account_id,
    name: row.name,
    enabled: bool(row.enabled, true),
    priority: row.priority ?? 0,
    definition,
    importance: isImportance(row.importance) ? row.importance : 'normal',
    customAlertMessage: row.custom_alert_message,
    overridePing: override,
    presetName: row.preset_name,
  };
}

export interface NewAccount {
  userId: string;
  emailAddress: string;
  imapServer: string;
  imapPort: number;
  imapUsername: string;
  imapTls: boolean;
  encryptedPassword: string;
  alertChannelId?: string | null;
  pollIntervalMinutes?: number | null;
  uidValidity?: string | null;
  lastSeenUid?: number | null;
}

export type AccountProgress = Partial<{
  status: AccountStatus;
  lastError: string | null;
  errorCount: number;
  lastCheckedAt: Date;
  nextCheckAt: Date | null;
  watchMode: string | null;
  lastSeenUid: number;
  uidValidity: string;
  lastSeenTimestamp: Date;
}>;

export type AccountSettings = Partial<{
  enabled: boolean;
  alertChannelId: string | null;
  pingOnAlert: boolean;
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  pollIntervalMinutes: number | null;
  encryptedPassword: string;
}>;

export interface NewRule {
  userId: string;
  accountId: string | null;
  name: string;
  priority: number;
  definition: RuleDefinition;
  importance: Importance;
  customAlertMessage?: string | null;
  overridePing?: boolean | null;
  presetName?: string | null;
}

export class EmailStore {
  constructor(
    readonly db: EmailDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async insertAccount(account: NewAccount): Promise<EmailAccount> {
    const id = randomUUID();
    const at = toDbTime(this.now());
    await this.db
      .insertInto('email_accounts')
      .values({
        id,
        user_id: account.userId,
        email_address: account.emailAddress,
        provider_type: 'imap',
        imap_server: account.imapServer,
        imap_port: account.imapPort,
        imap_username: account.imapUsername,
        imap_password: account.encryptedPassword,
        imap_tls: account.imapTls ? 'true' : 'false',
        enabled: 'true',
        status: 'active',
        error_count: 0,
        ping_on_alert: 'false',
        alert_channel_id: account.alertChannelId ?? null,
        poll_interval_minutes: account.pollIntervalMinutes ?? null,
        uid_validity: account.uidValidity ?? null,
        last_seen_uid:
          account.lastSeenUid === null || account.lastSeenUid === undefined
            ? null
            : String(account.lastSeenUid),
        last_error: null,
        last_checked_at: null,
        last_seen_timestamp: null,
        quiet_hours_start: null,
        quiet_hours_end: null,
        next_check_at: null,
        watch_mode: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return (await this.account(id)) as EmailAccount;
  }

  async account(id: string): Promise<EmailAccount | undefined> {
    const row = await this.db
      .selectFrom('email_accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toAccount(row) : undefined;
  }

  /** The stored (encrypted) password of an account. */
  async encryptedPassword(id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('email_accounts')
      .select('imap_password')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.imap_password ?? null;
  }

  async accounts(userId?: string): Promise<EmailAccount[]> {
    let query = this.db.selectFrom('email_accounts').selectAll().orderBy('created_at').orderBy('id');
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    return (await query.execute()).map(toAccount);
  }

  /** IMAP accounts the watcher should run: enabled and not disabled (Gmail API accounts are not watched). */
  async watchableAccounts(): Promise<EmailAccount[]> {
    const rows = await this.db
      .selectFrom('email_accounts')
      .selectAll()
      .where('provider_type', '!=', 'gmail')
      .execute();
    return rows.map(toAccount).filter((a) => a.enabled && a.status !== 'disabled');
  }

  /** An account of the user by id, or by address (case-insensitive). */
  async findAccount(userId: string, ref: string): Promise<EmailAccount | undefined> {
    const wanted = ref.trim().toLowerCase();
    return (await this.accounts(userId)).find(
      (a) => a.id === ref.trim() || a.emailAddress.toLowerCase() === wanted,
    );
  }

  async recordProgress(id: string, progress: AccountProgress): Promise<void> {
    const set: Record<string, unknown> = { updated_at: toDbTime(this.now()) };
    if (progress.status !== undefined) set.status = progress.status;
    if (progress.lastError !== undefined) set.last_error = progress.lastError?.slice(0, 500) ?? null;
    if (progress.errorCount !== undefined) set.error_count = progress.errorCount;
    if (progress.lastCheckedAt) set.last_checked_at = toDbTime(progress.lastCheckedAt);
    if (progress.nextCheckAt !== undefined)
      set.next_check_at = progress.nextCheckAt ? toDbTime(progress.nextCheckAt) : null;
    if (progress.watchMode !== undefined) set.watch_mode = progress.watchMode;
    if (progress.lastSeenUid !== undefined) set.last_seen_uid = String(progress.lastSeenUid);
    if (progress.uidValidity !== undefined) set.uid_validity = progress.uidValidity;
    if (progress.lastSeenTimestamp) set.last_seen_timestamp = toDbTime(progress.lastSeenTimestamp);
    await this.db.updateTable('email_accounts').set(set).where('id', '=', id).execute();
  }

  async updateSettings(id: string, settings: AccountSettings): Promise<void> {
    const set: Record<string, unknown> = { updated_at: toDbTime(this.now()) };
    if (settings.enabled !== undefined) {
      set.enabled = settings.enabled ? 'true' : 'false';
      if (settings.enabled) {
        set.status = 'active';
        set.error_count = 0;
        set.last_error = null;
        set.next_check_at = null;
      }
    }
    if (settings.alertChannelId !== undefined) set.alert_channel_id = settings.alertChannelId;
    if (settings.pingOnAlert !== undefined) set.ping_on_alert = settings.pingOnAlert ? 'true' : 'false';
    if (settings.quietHoursStart !== undefined) set.quiet_hours_start = settings.quietHoursStart;
    if (settings.quietHoursEnd !== undefined) set.quiet_hours_end = settings.quietHoursEnd;
    if (settings.pollIntervalMinutes !== undefined) set.poll_interval_minutes = settings.pollIntervalMinutes;
    if (settings.encryptedPassword !== undefined) set.imap_password = settings.encryptedPassword;
    await this.db.updateTable('email_accounts').set(set).where('id', '=', id).execute();
  }

  /** Deletes the account with its rules and alerts. */
  async deleteAccount(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('email_alerts').where('account_id', '=', id).execute();
      await trx.deleteFrom('email_rules').where('account_id', '=', id).execute();
      await trx.deleteFrom('email_accounts').where('id', '=', id).execute();
    });
  }

  async insertRule(rule: NewRule): Promise<EmailRule> {
    const id = randomUUID();
    const at = toDbTime(this.now());
    await this.db
      .insertInto('email_rules')
      .values({
        id,
        user_id: rule.userId,
        account_id: rule.accountId,
        name: rule.name,
        enabled: 'true',
        priority: rule.priority,
        rule_definition: JSON.stringify(rule.definition),
        importance: rule.importance,
        custom_alert_message: rule.customAlertMessage ?? null,
        override_ping:
          rule.overridePing === null || rule.overridePing === undefined ? null : String(rule.overridePing),
        preset_name: rule.presetName ?? null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const row = await this.db
      .selectFrom('email_rules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return toRule(row) as EmailRule;
  }

  /** The user's readable rules (rows with unusable JSON are skipped, as in the original). */
  async rules(userId: string): Promise<EmailRule[]> {
    const rows = await this.db
      .selectFrom('email_rules')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('priority', 'desc')
      .orderBy('name')
      .execute();
    return rows.map(toRule).filter((r): r is EmailRule => r !== undefined);
  }

  async deleteRule(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('email_alerts').set({ rule_id: null }).where('rule_id', '=', id).execute();
      await trx.deleteFrom('email_rules').where('id', '=', id).execute();
    });
  }
}
