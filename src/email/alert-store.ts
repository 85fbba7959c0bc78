/**
 * `email_alerts`: one row per alerted message, unique per (account, UIDVALIDITY, UID) so a reconnect or a second
 * process can never alert twice; the delivery state drives the digest and the per-account rate limit.
 */
import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import { type EmailAlertsTable, fromDbTime, fromDbTimeOrNull, toDbTime } from '../db/index.js';
import { isImportance } from './classify.js';
import type { EmailDb } from './store.js';
import { type AlertTarget, type DeliveryStatus, type EmailAlert, MAX_DELIVERY_ATTEMPTS } from './types.js';

export type NewAlert = Omit<EmailAlert, 'id' | 'messageId' | 'sentAt' | 'deliveryAttempts' | 'deliveryError'>;

/**
 * `delivery_status` (a column of ours, not the original's) holds the state, and for failed deliveries the attempts
 * so far and the last error: `failed:2:Cannot send messages to this user`. A plain `failed` counts as one attempt.
 */
const FAILED = /^(failed|undeliverable)(?::(\d+)(?::([\s\S]*))?)?$/;
/**
 * Mails with the same Date header (a sender's batch, a client with a coarse clock) are ordered by their IMAP UID,
 * which grows with each arrival. The UID is stored as text, so it sorts by length first, then by its digits.
 */
const UID_LENGTH = sql<number>`length(a.email_uid)`;
const STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'digest', 'digest_sent'];

function decodeStatus(raw: string | null): {
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
} {
  const failed = FAILED.exec(raw ?? '');
  if (failed) {
    return {
      status: failed[1] as DeliveryStatus,
      attempts: failed[2] ? Number(failed[2]) : 1,
      error: failed[3] || null,
    };
  }
  const status = STATUSES.find((s) => s === raw) ?? 'sent';
  return { status, attempts: 0, error: null };
}

type AlertRow = Selectable<EmailAlertsTable> & { account_address: string | null; rule_name: string | null };

function targetOf(row: AlertRow): AlertTarget {
  return row.channel_id
    ? { kind: 'channel', channelId: row.channel_id }
    : { kind: 'user', userId: row.user_id };
}

function toAlert(row: AlertRow): EmailAlert {
  const delivery = decodeStatus(row.delivery_status);
  return {
    id: row.id,
    userId: row.user_id,
    accountId: row.account_id,
    accountAddress: row.account_address ?? '',
    ruleId: row.rule_id,
    ruleName: row.rule_name ?? '(deleted rule)',
    importance: isImportance(row.importance) ? row.importance : 'normal',
    from: row.email_from,
    subject: row.email_subject,
    snippet: row.email_snippet ?? '',
    summary: row.summary ?? row.email_snippet ?? '',
    reason: row.reason ?? '',
    receivedAt: fromDbTimeOrNull(row.email_received_at) ?? new Date(0),
    uid: Number(row.email_uid),
    uidValidity: row.uid_validity ?? '',
    ping: (row.was_pinged ?? 'false') === 'true',
    target: targetOf(row),
    deliveryStatus: delivery.status,
    messageId: row.message_id,
    sentAt: row.sent_at === null ? null : fromDbTime(row.sent_at),
    deliveryAttempts: delivery.attempts,
    deliveryError: delivery.error,
  };
}

export class AlertStore {
  constructor(
    private readonly db: EmailDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private select() {
    return this.db
      .selectFrom('email_alerts as a')
      .leftJoin('email_accounts as acc', 'acc.id', 'a.account_id')
      .leftJoin('email_rules as r', 'r.id', 'a.rule_id')
      .selectAll('a')
      .select(['acc.email_address as account_address', 'r.name as rule_name']);
  }

  /** Whether this message was alerted already. */
  async exists(accountId: string, uidValidity: string, uid: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('email_alerts')
      .select('id')
      .where('account_id', '=', accountId)
      .where('uid_validity', '=', uidValidity)
      .where('email_uid', '=', String(uid))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Records an alert; undefined when the message already has one (unique key). */
  async insert(alert: NewAlert): Promise<EmailAlert | undefined> {
    if (await this.exists(alert.accountId, alert.uidValidity, alert.uid)) return undefined;
    const id = randomUUID();
    try {
      await this.db
        .insertInto('email_alerts')
        .values({
          id,
          user_id: alert.userId,
          account_id: alert.accountId,
          rule_id: alert.ruleId,
          email_uid: String(alert.uid),
          uid_validity: alert.uidValidity,
          email_from: alert.from.slice(0, 500),
          email_subject: alert.subject.slice(0, 1000),
          email_snippet: alert.snippet,
          email_received_at: toDbTime(alert.receivedAt),
          channel_id: alert.target.kind === 'channel' ? alert.target.channelId : '',
          message_id: null,
          importance: alert.importance,
          was_pinged: alert.ping ? 'true' : 'false',
          sent_at: null,
          reason: alert.reason,
          summary: alert.summary,
          delivery_status: alert.deliveryStatus,
        })
        .execute();
    } catch (error) {
      if (await this.exists(alert.accountId, alert.uidValidity, alert.uid)) return undefined;
      throw error;
    }
    return { ...alert, id, messageId: null, sentAt: null };
  }

  async markDelivered(ids: string[], status: DeliveryStatus, messageId?: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('email_alerts')
      .set({
        delivery_status: status,
        ...(status === 'sent' || status === 'digest_sent' ? { sent_at: toDbTime(this.now()) } : {}),
        ...(messageId ? { message_id: messageId } : {}),
      })
      .where('id', 'in', ids)
      .execute();
  }

  /**
   * Counts one more failed delivery of each alert: `failed` (retried with the next digest) until `maxAttempts`, then
   * `undeliverable`. Returns the alerts as stored now.
   */
  async markFailed(
    list: readonly EmailAlert[],
    error: string,
    maxAttempts = MAX_DELIVERY_ATTEMPTS,
  ): Promise<EmailAlert[]> {
    const reason = error.replace(/\s+/g, ' ').trim().slice(0, 300) || 'unknown error';
    const updated: EmailAlert[] = [];
    for (const alert of list) {
      const attempts = (alert.deliveryStatus === 'failed' ? (alert.deliveryAttempts ?? 1) : 0) + 1;
      const status: DeliveryStatus = attempts >= maxAttempts ? 'undeliverable' : 'failed';
      await this.db
        .updateTable('email_alerts')
        .set({ delivery_status: `${status}:${attempts}:${reason}` })
        .where('id', '=', alert.id)
        .execute();
      updated.push({ ...alert, deliveryStatus: status, deliveryAttempts: attempts, deliveryError: reason });
    }
    return updated;
  }

  /** The stored delivery state of one alert (undefined when it is gone). */
  async deliveryStatus(id: string): Promise<DeliveryStatus | undefined> {
    const row = await this.db
      .selectFrom('email_alerts')
      .select('delivery_status')
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? decodeStatus(row.delivery_status).status : undefined;
  }

  /** Alerts waiting to be sent (held until a notifier was ready, or interrupted by a crash), oldest first. */
  async pending(options: { createdBefore?: Date } = {}): Promise<EmailAlert[]> {
    let query = this.select().where('a.delivery_status', '=', 'pending');
    if (options.createdBefore) {
      // Rows have no creation time; the message's arrival is an upper bound of it.
      query = query.where('a.email_received_at', '<', toDbTime(options.createdBefore));
    }
    const rows = await query
      .orderBy('a.email_received_at')
      .orderBy(UID_LENGTH)
      .orderBy('a.email_uid')
      .limit(200)
      .execute();
    return rows.map(toAlert);
  }

  /** Alerts delivered immediately for the account since `since` (the rate limit's window). */
  async sentSince(accountId: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('email_alerts')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('account_id', '=', accountId)
      .where('delivery_status', '=', 'sent')
      .where('sent_at', '>=', toDbTime(since))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Accounts with alerts waiting for the digest (or a retry). */
  async accountsWithDigest(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('email_alerts')
      .select('account_id')
      .distinct()
      // Waiting for the digest, or failed and still to be retried.
      .where((eb) => eb.or([eb('delivery_status', '=', 'digest'), eb('delivery_status', 'like', 'failed%')]))
      .execute();
    return rows.map((r) => r.account_id);
  }

  /** Alerts waiting for the digest, and failed deliveries (retried in the digest). */
  async pendingDigest(accountId: string): Promise<EmailAlert[]> {
    const rows = await this.select()
      .where('a.account_id', '=', accountId)
      .where((eb) =>
        eb.or([eb('a.delivery_status', '=', 'digest'), eb('a.delivery_status', 'like', 'failed%')]),
      )
      .orderBy('a.email_received_at')
      .orderBy(UID_LENGTH)
      .orderBy('a.email_uid')
      .execute();
    return rows.map(toAlert);
  }

  /** The user's most recent alerts, newest first. */
  async recent(userId: string, limit: number, accountId?: string): Promise<EmailAlert[]> {
    let query = this.select().where('a.user_id', '=', userId);
    if (accountId) query = query.where('a.account_id', '=', accountId);
    const rows = await query
      .orderBy('a.email_received_at', 'desc')
      .orderBy(UID_LENGTH, 'desc')
      .orderBy('a.email_uid', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toAlert);
  }
}
