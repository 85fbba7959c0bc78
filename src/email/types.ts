/** Plain types shared by the email monitor, its rules engine, its notifiers and the tools/CLI that manage it. */

export const IMPORTANCE_LEVELS = ['low', 'normal', 'high', 'urgent'] as const;
export type Importance = (typeof IMPORTANCE_LEVELS)[number];

/** One message as the rules see it (spec §8.2 message model), decoded and bounded in size. */
export interface EmailMessage {
  uid: number;
  /** The whole From header, decoded ("Anna <anna@example.com>"). */
  from: string;
  /** The sender's address, lower-cased ('' when the header has none). */
  fromAddress: string;
  subject: string;
  /** First 200 characters of the text body, whitespace collapsed. */
  snippet: string;
  /** Up to a few thousand characters of the text body (LLM classification). */
  bodyText: string;
  receivedAt: Date;
  hasAttachments: boolean;
  to: string[];
  isRead: boolean;
  /** Size on the server in bytes (0 when unknown). */
  size: number;
}

/** Whether and how an account is watched right now (`email_accounts.status`). */
export type AccountStatus = 'active' | 'error' | 'disabled';

/** An account as managers see it: never the password. */
export interface EmailAccount {
  id: string;
  userId: string;
  emailAddress: string;
  imapServer: string;
  imapPort: number;
  imapUsername: string;
  imapTls: boolean;
  enabled: boolean;
  status: AccountStatus;
  lastError: string | null;
  errorCount: number;
  lastCheckedAt: Date | null;
  nextCheckAt: Date | null;
  /** 'idle' (push) or 'poll', as last observed; null before the first connection. */
  watchMode: string | null;
  pollIntervalMinutes: number | null;
  alertChannelId: string | null;
  pingOnAlert: boolean;
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  lastSeenUid: number | null;
  uidValidity: string | null;
  createdAt: Date | null;
  /** `imap`, or `gmail` for the original's Gmail API rows (not watched: they need re-adding with an app password). */
  providerType?: string;
}

/** Where alerts go: a direct message to the owner, or a channel (channel-wide alerts). */
export type AlertTarget = { kind: 'user'; userId: string } | { kind: 'channel'; channelId: string };

/**
 * `pending`: waiting to be sent (also while no notifier is ready yet, e.g. before Discord connects); `failed`: a
 * delivery failed and is retried with the next digest; `undeliverable`: it failed MAX_DELIVERY_ATTEMPTS times and is
 * not retried any more; `digest`: waiting for the digest.
 */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'undeliverable' | 'digest' | 'digest_sent';

/** One alert, as stored and as handed to a notifier. */
export interface EmailAlert {
  id: string;
  userId: string;
  accountId: string;
  accountAddress: string;
  ruleId: string | null;
  ruleName: string;
  importance: Importance;
  from: string;
  subject: string;
  snippet: string;
  /** Short summary of the message (the LLM's when a rule asked for classification, else the snippet). */
  summary: string;
  /** Why it matched, in words ("Job Hunting: sender domain greenhouse.io"). */
  reason: string;
  receivedAt: Date;
  uid: number;
  uidValidity: string;
  ping: boolean;
  target: AlertTarget;
  deliveryStatus: DeliveryStatus;
  /** Platform message id once delivered (Discord). */
  messageId: string | null;
  sentAt: Date | null;
  /** Failed delivery attempts so far (failed / undeliverable alerts); 0 or absent otherwise. */
  deliveryAttempts?: number;
  /** Why the last delivery failed (failed / undeliverable alerts). */
  deliveryError?: string | null;
}

/**
 * Delivers alerts. The database keeps every alert whatever the notifier does; the Discord adapter implements this
 * to post messages, the default one logs them (they are listed by `clara email alerts` and the web API).
 */
export interface Notifier {
  /** Delivers one alert; returns the platform message id when there is one. Throws when delivery failed. */
  sendAlert(alert: EmailAlert): Promise<{ messageId?: string } | undefined>;
  /** Delivers several lower-priority alerts of one account as one digest message. */
  sendDigest(alerts: EmailAlert[]): Promise<{ messageId?: string } | undefined>;
}

/** Failed deliveries of one alert after which it is marked `undeliverable` and no longer retried. */
export const MAX_DELIVERY_ATTEMPTS = 5;
