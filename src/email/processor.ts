/**
 * What happens to one new message: the first matching rule (with the LLM check when the rule asks for one), an
 * alert row (unique per message, so never twice), then immediate delivery through the Notifier — or the digest for
 * low importance, quiet hours and accounts over their hourly rate limit. Digests go out on their own schedule.
 * While no notifier is ready (Clara waits for Discord to connect) alerts stay `pending` and are delivered by
 * `deliverPending` once it is; so are alerts a crash left `pending`. Failed deliveries are retried with the digest
 * up to MAX_DELIVERY_ATTEMPTS times, then marked `undeliverable`.
 */
import type { AlertStore } from './alert-store.js';
import { type ClassifierLlm, classifyWithLlm } from './classify.js';
import { candidateMatches, inQuietHours, type RuleMatch } from './rules.js';
import type { EmailStore } from './store.js';
import {
  type EmailAccount,
  type EmailAlert,
  type EmailMessage,
  type Importance,
  MAX_DELIVERY_ATTEMPTS,
  type Notifier,
} from './types.js';

export interface ProcessorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AlertProcessorOptions {
  store: EmailStore;
  alerts: AlertStore;
  notifier: Notifier;
  logger: ProcessorLogger;
  /** Most immediate alerts per account per hour (EMAIL_ALERT_RATE_LIMIT). */
  rateLimitPerHour: number;
  /** For LLM checks of rules that ask for one; without it those rules match on their conditions alone. */
  llm?: ClassifierLlm | undefined;
  /** False while alerts must wait for the real notifier (default: always ready). */
  isReady?: () => boolean;
  /** Failed deliveries before an alert is `undeliverable` (default MAX_DELIVERY_ATTEMPTS). */
  maxDeliveryAttempts?: number;
  now?: () => Date;
}

interface Decision {
  match: RuleMatch;
  reason: string;
  summary: string;
  importance: Importance;
}

export class AlertProcessor {
  private readonly now: () => Date;
  /** Alerts being delivered by this process right now (never sent twice at once). */
  private readonly inFlight = new Set<string>();
  private pendingRun: Promise<number> | undefined;

  constructor(private readonly options: AlertProcessorOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private get ready(): boolean {
    return this.options.isReady?.() ?? true;
  }

  /** Evaluates the user's rules for one message of the account; the matching rule and why, or undefined. */
  async decide(
    account: EmailAccount,
    message: EmailMessage,
    signal?: AbortSignal,
  ): Promise<Decision | undefined> {
    const rules = await this.options.store.rules(account.userId);
    for (const match of candidateMatches(rules, message, account.id)) {
      const { rule } = match;
      const base = { match, summary: message.snippet, importance: rule.importance };
      const named = (why: string) => (why ? `${rule.name}: ${why}` : rule.name);
      const instruction = rule.definition.llm?.instruction;
      if (!instruction) return { ...base, reason: named(match.reason) };
      const llm = this.options.llm;
      let verdict: Awaited<ReturnType<typeof classifyWithLlm>>;
      if (llm) {
        try {
          verdict = await classifyWithLlm(llm, instruction, message, signal);
        } catch (error) {
          this.options.logger.warn(
            { accountId: account.id, rule: rule.name, error: (error as Error).message },
            'Email rule LLM check failed',
          );
        }
      }
      if (!verdict) {
        // Conditions matched but the check could not run: alert rather than miss.
        if (match.matched.length > 0) {
          return { ...base, reason: `${named(match.reason)} (LLM check unavailable)` };
        }
        continue;
      }
      if (!verdict.match) continue;
      return {
        match,
        reason: named([match.reason, verdict.reason && `LLM: ${verdict.reason}`].filter(Boolean).join('; ')),
        summary: verdict.summary || message.snippet,
        importance: verdict.importance ?? rule.importance,
      };
    }
    return undefined;
  }

  /** Processes one new message; the alert when one was recorded. Delivery failures are logged, never thrown. */
  async process(
    account: EmailAccount,
    uidValidity: string,
    message: EmailMessage,
    signal?: AbortSignal,
  ): Promise<EmailAlert | undefined> {
    const { alerts, logger } = this.options;
    if (await alerts.exists(account.id, uidValidity, message.uid)) return undefined;
    const decision = await this.decide(account, message, signal);
    if (!decision) return undefined;
    const now = this.now();
    const quiet = inQuietHours(account.quietHoursStart, account.quietHoursEnd, now);
    const overLimit =
      (await alerts.sentSince(account.id, new Date(now.getTime() - 3_600_000))) >=
      this.options.rateLimitPerHour;
    const toDigest = decision.importance === 'low' || quiet || overLimit;
    const rule = decision.match.rule;
    const custom = rule.customAlertMessage ? `${rule.customAlertMessage} — ` : '';
    const alert = await alerts.insert({
      userId: account.userId,
      accountId: account.id,
      accountAddress: account.emailAddress,
      ruleId: rule.id,
      ruleName: rule.name,
      importance: decision.importance,
      from: message.from,
      subject: message.subject,
      snippet: message.snippet,
      summary: `${custom}${decision.summary}`.slice(0, 500),
      reason: decision.reason.slice(0, 1000),
      receivedAt: message.receivedAt,
      uid: message.uid,
      uidValidity,
      ping: rule.overridePing ?? account.pingOnAlert,
      target: account.alertChannelId
        ? { kind: 'channel', channelId: account.alertChannelId }
        : { kind: 'user', userId: account.userId },
      deliveryStatus: toDigest ? 'digest' : 'pending',
    });
    if (!alert) return undefined;
    if (toDigest) {
      logger.info(
        {
          accountId: account.id,
          uid: message.uid,
          why: quiet ? 'quiet hours' : overLimit ? 'rate limit' : 'low importance',
        },
        'Email alert queued for the digest',
      );
      return alert;
    }
    if (!this.ready) {
      logger.info(
        { accountId: account.id, alertId: alert.id },
        'Email alert held until the notifier is ready (Discord is connecting)',
      );
      return alert;
    }
    return this.deliver(alert);
  }

  /** Sends one `pending` alert unless it is on its way already or no longer pending. */
  private async deliver(alert: EmailAlert): Promise<EmailAlert> {
    const { alerts, logger } = this.options;
    if (this.inFlight.has(alert.id)) return alert;
    this.inFlight.add(alert.id);
    try {
      if ((await alerts.deliveryStatus(alert.id)) !== 'pending') return alert;
      try {
        const result = await this.options.notifier.sendAlert(alert);
        await alerts.markDelivered([alert.id], 'sent', result?.messageId);
        return { ...alert, deliveryStatus: 'sent', messageId: result?.messageId ?? null, sentAt: this.now() };
      } catch (error) {
        const [failed] = await alerts.markFailed([alert], (error as Error).message, this.maxAttempts);
        logger.warn(
          { accountId: alert.accountId, alertId: alert.id, error: (error as Error).message },
          'Email alert delivery failed; retried with the next digest',
        );
        return failed ?? { ...alert, deliveryStatus: 'failed' };
      }
    } finally {
      this.inFlight.delete(alert.id);
    }
  }

  private get maxAttempts(): number {
    return this.options.maxDeliveryAttempts ?? MAX_DELIVERY_ATTEMPTS;
  }

  /**
   * Delivers alerts left `pending`: held while no notifier was ready, or interrupted by a crash. `olderThanMs`
   * limits it to alerts of mail that arrived at least that long ago (the periodic sweep). Returns how many were sent.
   */
  deliverPending(options: { olderThanMs?: number } = {}): Promise<number> {
    if (!this.ready) return Promise.resolve(0);
    this.pendingRun ??= (async () => {
      const { olderThanMs } = options;
      const createdBefore =
        olderThanMs === undefined ? undefined : new Date(this.now().getTime() - olderThanMs);
      let sent = 0;
      for (const alert of await this.options.alerts.pending({ createdBefore })) {
        if (!this.ready) break;
        if ((await this.deliver(alert)).deliveryStatus === 'sent') sent += 1;
      }
      if (sent > 0) this.options.logger.info({ sent }, 'Delivered email alerts that were waiting');
      return sent;
    })().finally(() => {
      this.pendingRun = undefined;
    });
    return this.pendingRun;
  }

  /** Sends one digest per account with waiting alerts (skipping accounts in quiet hours). Returns how many went out. */
  async flushDigests(): Promise<number> {
    const { alerts, store, logger, notifier } = this.options;
    if (!this.ready) return 0;
    let sent = 0;
    for (const accountId of await alerts.accountsWithDigest()) {
      const account = await store.account(accountId);
      if (!account) continue;
      if (inQuietHours(account.quietHoursStart, account.quietHoursEnd, this.now())) continue;
      const pending = await alerts.pendingDigest(accountId);
      if (pending.length === 0) continue;
      try {
        const result = await notifier.sendDigest(pending);
        await alerts.markDelivered(
          pending.map((a) => a.id),
          'digest_sent',
          result?.messageId,
        );
        sent += 1;
      } catch (error) {
        const failed = await alerts.markFailed(pending, (error as Error).message, this.maxAttempts);
        const given = failed.filter((a) => a.deliveryStatus === 'undeliverable').length;
        logger.warn(
          { accountId, error: (error as Error).message, alerts: pending.length, undeliverable: given },
          given
            ? `Email digest delivery failed; ${given} alert(s) failed ${this.maxAttempts} times and are not retried`
            : 'Email digest delivery failed; will retry',
        );
      }
    }
    return sent;
  }
}

/** The default notifier: alerts are already stored in `email_alerts`; this one logs them (no body text). */
export function createLoggingNotifier(logger: ProcessorLogger): Notifier {
  return {
    async sendAlert(alert) {
      logger.info(
        {
          alertId: alert.id,
          userId: alert.userId,
          account: alert.accountAddress,
          from: alert.from,
          subject: alert.subject,
          importance: alert.importance,
          reason: alert.reason,
        },
        `📬 Email alert: ${alert.subject}`,
      );
      return undefined;
    },
    async sendDigest(alerts) {
      logger.info(
        {
          account: alerts[0]?.accountAddress,
          count: alerts.length,
          subjects: alerts.map((a) => a.subject).slice(0, 20),
        },
        `📬 Email digest: ${alerts.length} message(s)`,
      );
      return undefined;
    },
  };
}

/** Alert text for chat platforms: sender, subject, why it matched, summary. */
export function formatAlert(alert: EmailAlert): string {
  const lines = [
    `📬 **${alert.subject.slice(0, 200)}**`,
    `From: ${alert.from.slice(0, 200)}`,
    `Why: ${alert.reason}`,
  ];
  if (alert.summary) lines.push(`Summary: ${alert.summary.slice(0, 300)}`);
  lines.push(`Account: ${alert.accountAddress} · Importance: ${alert.importance.toUpperCase()}`);
  return lines.join('\n');
}

/** Digest text for chat platforms. */
export function formatDigest(alerts: readonly EmailAlert[]): string {
  const header = `📬 Email digest for ${alerts[0]?.accountAddress ?? 'your mailbox'}: ${alerts.length} message(s)`;
  const items = alerts
    .slice(0, 25)
    .map((a) => `• ${a.subject.slice(0, 120)} — ${a.from.slice(0, 80)} (${a.ruleName})`);
  const more = alerts.length > 25 ? [`…and ${alerts.length - 25} more`] : [];
  return [header, ...items, ...more].join('\n');
}
