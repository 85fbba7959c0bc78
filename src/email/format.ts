/** Plain-text descriptions of accounts, rules and alerts, shared by the tools, the CLI and slash commands. */
import type { EmailRule } from './rules.js';
import { type EmailAccount, type EmailAlert, MAX_DELIVERY_ATTEMPTS } from './types.js';

function ago(date: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 0) return `in ${span(-seconds)}`;
  return `${span(seconds)} ago`;
}

function span(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** Why a row of the original's Gmail API accounts is not watched. */
export const GMAIL_API_UNSUPPORTED =
  'not watched: Gmail API accounts are not supported; re-add with an app password (IMAP)';

/**
 * One word for the state: watching, error, paused, disabled, waiting (never connected yet), unsupported (a Gmail
 * API row of the original).
 */
export function accountState(account: EmailAccount): string {
  if (account.providerType === 'gmail') return 'unsupported';
  if (!account.enabled) return 'paused';
  if (account.status === 'disabled') return 'disabled';
  if (account.status === 'error') return 'error';
  if (!account.lastCheckedAt) return 'waiting';
  return 'watching';
}

export function describeAccount(
  account: EmailAccount,
  now: Date,
  options: { monitoring?: boolean } = {},
): string {
  const state = accountState(account);
  const parts = [
    state === 'unsupported'
      ? `${account.emailAddress} (Gmail API)`
      : `${account.emailAddress} (${account.imapServer}:${account.imapPort}${account.imapTls ? ' TLS' : ''})`,
    state === 'watching' && account.watchMode
      ? `watching (${account.watchMode === 'idle' ? 'push/IDLE' : 'polling'})`
      : state === 'unsupported'
        ? GMAIL_API_UNSUPPORTED
        : state,
  ];
  if (account.lastCheckedAt) parts.push(`last check ${ago(account.lastCheckedAt, now)}`);
  if (state === 'error' && account.lastError) parts.push(`error: ${account.lastError}`);
  if (state === 'error' && account.nextCheckAt) parts.push(`retry ${ago(account.nextCheckAt, now)}`);
  if (account.quietHoursStart !== null && account.quietHoursEnd !== null) {
    parts.push(`quiet ${account.quietHoursStart}:00-${account.quietHoursEnd}:00 UTC`);
  }
  if (account.alertChannelId) parts.push(`alerts to channel ${account.alertChannelId}`);
  if (options.monitoring === false && account.enabled && state !== 'unsupported')
    parts.push('not watched: EMAIL_MONITORING_ENABLED is off');
  return parts.join(' · ');
}

export function describeRule(rule: EmailRule): string {
  const c = rule.definition.conditions;
  const conditions = [
    c.sender_contains && `sender contains ${c.sender_contains.join('|')}`,
    c.sender_domain && `sender domain ${c.sender_domain.join('|')}`,
    c.subject_contains && `subject contains ${c.subject_contains.join('|')}`,
    c.subject_regex && `subject matches /${c.subject_regex}/`,
    c.body_contains && `text contains ${c.body_contains.join('|')}`,
    c.has_attachments !== undefined && (c.has_attachments ? 'has attachments' : 'no attachments'),
    rule.definition.llm && `LLM: ${rule.definition.llm.instruction}`,
  ].filter(Boolean) as string[];
  const shown = conditions.map((text) => (text.length > 120 ? `${text.slice(0, 117)}…` : text));
  return (
    `${rule.name} [${rule.importance}, priority ${rule.priority}${rule.enabled ? '' : ', off'}${rule.presetName ? `, preset ${rule.presetName}` : ''}]` +
    ` — ${rule.definition.match_mode === 'all' ? 'all of' : 'any of'}: ${shown.join('; ')}`
  );
}

/** The delivery state in words ('' when sent): pending, digest, failed with the attempts and why… */
export function describeDelivery(alert: EmailAlert): string {
  const attempts = alert.deliveryAttempts ?? 1;
  const why = alert.deliveryError ? `: ${alert.deliveryError}` : '';
  switch (alert.deliveryStatus) {
    case 'sent':
      return '';
    case 'failed':
      return `failed ${attempts} of ${MAX_DELIVERY_ATTEMPTS} attempts, retried with the next digest${why}`;
    case 'undeliverable':
      return `undeliverable after ${attempts} attempts, not retried${why}`;
    case 'pending':
      return 'pending (not sent yet)';
    default:
      return alert.deliveryStatus.replace('_', ' ');
  }
}

export function describeAlert(alert: EmailAlert): string {
  const when = alert.receivedAt.toISOString().replace('T', ' ').slice(0, 16);
  const state = describeDelivery(alert);
  const delivery = state ? ` [${state}]` : '';
  return `${when} ${alert.importance.toUpperCase()} ${alert.subject} — from ${alert.from} (${alert.reason})${delivery}`;
}
