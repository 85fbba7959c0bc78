/**
 * Managing email monitoring for one user: accounts (add with a connection test, list, test, pause, resume,
 * remove, options), rules (custom, presets) and recent alerts. The model's tools, the `clara email` CLI and the
 * Discord slash commands all call this; it never returns a password.
 */
import { z } from 'zod';
import type { AlertStore } from './alert-store.js';
import { type CredentialCipher, EmailCredentialError } from './credentials.js';
import { guessImapServer, type ImapProbe, type ImapSettings, probeImap } from './imap.js';
import { findPreset, PRESET_PRIORITY, presetKeys, RULE_PRESETS, type RulePreset } from './presets.js';
import { type EmailRule, RuleDefinitionSchema } from './rules.js';
import type { EmailStore } from './store.js';
import type { EmailAccount, EmailAlert, Importance } from './types.js';
import type { WatcherControl } from './watcher.js';

/** A mistake in what the person asked for; the message says how to fix it. */
export class EmailInputError extends Error {
  override name = 'EmailInputError';
}

export interface AddAccountInput {
  emailAddress: string;
  password: string;
  imapServer?: string | undefined;
  imapPort?: number | undefined;
  /** Implicit TLS; default true on port 993, else false (STARTTLS when offered). */
  tls?: boolean | undefined;
  username?: string | undefined;
  alertChannelId?: string | undefined;
  pollIntervalMinutes?: number | undefined;
  /** Store without testing the connection first (the watcher reports problems in the status). */
  skipTest?: boolean | undefined;
}

export interface AddRuleInput {
  name: string;
  importance?: Importance | undefined;
  priority?: number | undefined;
  /** Account address or id; all accounts when omitted. */
  account?: string | undefined;
  definition: unknown;
  customAlertMessage?: string | undefined;
  overridePing?: boolean | undefined;
}

export interface EmailServiceOptions {
  store: EmailStore;
  alerts: AlertStore;
  cipher: CredentialCipher;
  /** Present when the monitor runs in this process. */
  watcher?: WatcherControl | undefined;
  monitoringEnabled: boolean;
  /** Extra trusted certificates (EMAIL_TLS_CA_FILE) for the connection tests. */
  tlsCa?: string | undefined;
  /** DISCORD_LOG_CHANNEL_ID: where channel-wide alerts go unless a channel is named. */
  logChannelId?: string | undefined;
  /** Connection test (the real IMAP probe by default). */
  probe?: (settings: ImapSettings) => Promise<ImapProbe>;
}

const Address = z
  .string()
  .trim()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'is not an email address');

export class EmailService {
  private readonly probe: (settings: ImapSettings) => Promise<ImapProbe>;

  constructor(private readonly options: EmailServiceOptions) {
    this.probe = options.probe ?? ((settings) => probeImap(settings));
  }

  get monitoringEnabled(): boolean {
    return this.options.monitoringEnabled;
  }

  /** The channel for channel-wide alerts (DISCORD_LOG_CHANNEL_ID), when configured. */
  get logChannelId(): string | undefined {
    return this.options.logChannelId;
  }

  private async notifyWatcher(accountId?: string): Promise<void> {
    await this.options.watcher?.refresh();
    if (accountId) this.options.watcher?.checkNow(accountId);
  }

  /** The user's account by address or id, or an error listing what exists. */
  async account(userId: string, ref: string): Promise<EmailAccount> {
    const found = await this.options.store.findAccount(userId, ref);
    if (found) return found;
    const known = (await this.options.store.accounts(userId)).map((a) => a.emailAddress);
    throw new EmailInputError(
      known.length
        ? `No connected mailbox "${ref}". Connected: ${known.join(', ')}.`
        : `No connected mailbox "${ref}": none are connected yet.`,
    );
  }

  async addAccount(
    userId: string,
    input: AddAccountInput,
  ): Promise<{ account: EmailAccount; probe?: ImapProbe }> {
    const address = Address.safeParse(input.emailAddress);
    if (!address.success)
      throw new EmailInputError(`email address "${input.emailAddress}" is not an email address.`);
    const emailAddress = address.data.toLowerCase();
    if (!input.password) throw new EmailInputError('password is empty: give the mailbox (app) password.');
    if (!this.options.cipher.available) {
      // Refuse before anything else: the password could not be stored.
      this.options.cipher.encrypt(input.password);
    }
    if (await this.options.store.findAccount(userId, emailAddress)) {
      throw new EmailInputError(
        `${emailAddress} is already connected. Remove it first to change its settings.`,
      );
    }
    const port = input.imapPort ?? 993;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new EmailInputError(`IMAP port ${port} is not a port number (1-65535).`);
    const settings: ImapSettings = {
      host: input.imapServer?.trim() || guessImapServer(emailAddress),
      port,
      tls: input.tls ?? port === 993,
      user: input.username?.trim() || emailAddress,
      password: input.password,
      ca: this.options.tlsCa,
    };
    let probe: ImapProbe | undefined;
    if (!input.skipTest) probe = await this.probe(settings);
    const account = await this.options.store.insertAccount({
      userId,
      emailAddress,
      imapServer: settings.host,
      imapPort: settings.port,
      imapUsername: settings.user,
      imapTls: settings.tls,
      encryptedPassword: this.options.cipher.encrypt(input.password),
      alertChannelId: input.alertChannelId ?? null,
      pollIntervalMinutes: input.pollIntervalMinutes ?? null,
      // Start from the newest message: only mail arriving from now on is alerted.
      uidValidity: probe?.uidValidity ?? null,
      lastSeenUid: probe ? probe.uidNext - 1 : null,
    });
    await this.notifyWatcher(account.id);
    return probe ? { account, probe } : { account };
  }

  listAccounts(userId: string): Promise<EmailAccount[]> {
    return this.options.store.accounts(userId);
  }

  /** Tests the stored settings and password now; never throws for connection problems. */
  async testAccount(
    userId: string,
    ref: string,
  ): Promise<{ account: EmailAccount; ok: boolean; message: string }> {
    const account = await this.account(userId, ref);
    try {
      const password = this.options.cipher.decrypt(
        (await this.options.store.encryptedPassword(account.id)) ?? '',
      );
      const probe = await this.probe({
        host: account.imapServer,
        port: account.imapPort,
        tls: account.imapTls,
        user: account.imapUsername,
        password,
        ca: this.options.tlsCa,
      });
      return {
        account,
        ok: true,
        message: `Connected to ${account.imapServer}:${account.imapPort} as ${account.imapUsername}: INBOX has ${probe.messages} message(s); ${probe.idle ? 'push (IDLE) supported' : 'no IDLE, will poll'}.`,
      };
    } catch (error) {
      return { account, ok: false, message: (error as Error).message };
    }
  }

  async setEnabled(userId: string, ref: string, enabled: boolean): Promise<EmailAccount> {
    const account = await this.account(userId, ref);
    await this.options.store.updateSettings(account.id, { enabled });
    await this.notifyWatcher(enabled ? account.id : undefined);
    return (await this.options.store.account(account.id)) as EmailAccount;
  }

  async removeAccount(userId: string, ref: string): Promise<EmailAccount> {
    const account = await this.account(userId, ref);
    await this.options.store.deleteAccount(account.id);
    await this.notifyWatcher();
    return account;
  }

  /** Alert options of one account, or of all the user's accounts when `ref` is omitted. */
  async configure(
    userId: string,
    ref: string | undefined,
    settings: {
      alertChannelId?: string | null;
      pingOnAlert?: boolean;
      quietHours?: { start: number; end: number } | null;
      pollIntervalMinutes?: number | null;
    },
  ): Promise<EmailAccount[]> {
    const accounts = ref ? [await this.account(userId, ref)] : await this.options.store.accounts(userId);
    if (accounts.length === 0) throw new EmailInputError('No mailbox is connected yet.');
    const quiet = settings.quietHours;
    for (const hour of quiet ? [quiet.start, quiet.end] : []) {
      if (!Number.isInteger(hour) || hour < 0 || hour > 23)
        throw new EmailInputError(`quiet hour ${hour} must be a whole hour 0-23 (UTC).`);
    }
    for (const account of accounts) {
      await this.options.store.updateSettings(account.id, {
        ...(settings.alertChannelId !== undefined ? { alertChannelId: settings.alertChannelId } : {}),
        ...(settings.pingOnAlert !== undefined ? { pingOnAlert: settings.pingOnAlert } : {}),
        ...(quiet !== undefined
          ? { quietHoursStart: quiet?.start ?? null, quietHoursEnd: quiet?.end ?? null }
          : {}),
        ...(settings.pollIntervalMinutes !== undefined
          ? { pollIntervalMinutes: settings.pollIntervalMinutes }
          : {}),
      });
    }
    await this.notifyWatcher();
    return Promise.all(accounts.map(async (a) => (await this.options.store.account(a.id)) as EmailAccount));
  }

  listRules(userId: string): Promise<EmailRule[]> {
    return this.options.store.rules(userId);
  }

  presets(): readonly RulePreset[] {
    return RULE_PRESETS;
  }

  async addRule(userId: string, input: AddRuleInput): Promise<EmailRule> {
    const name = input.name.trim();
    if (!name) throw new EmailInputError('rule name is empty.');
    const parsed = RuleDefinitionSchema.safeParse(input.definition);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`)
        .join('; ');
      throw new EmailInputError(`The rule is not valid: ${problems}.`);
    }
    const existing = await this.options.store.rules(userId);
    if (existing.some((r) => r.name.toLowerCase() === name.toLowerCase())) {
      throw new EmailInputError(
        `A rule named "${name}" exists already; remove it first or pick another name.`,
      );
    }
    const accountId = input.account ? (await this.account(userId, input.account)).id : null;
    const rule = await this.options.store.insertRule({
      userId,
      accountId,
      name,
      priority: input.priority ?? 0,
      definition: parsed.data,
      importance: input.importance ?? 'normal',
      customAlertMessage: input.customAlertMessage ?? null,
      overridePing: input.overridePing ?? null,
    });
    await this.notifyWatcher();
    return rule;
  }

  /** Applies a preset (idempotent per user, preset and account). */
  async applyPreset(
    userId: string,
    key: string,
    accountRef?: string,
  ): Promise<{ rule: EmailRule; created: boolean }> {
    const preset = findPreset(key);
    if (!preset) throw new EmailInputError(`Unknown preset "${key}". Presets: ${presetKeys()}.`);
    const accountId = accountRef ? (await this.account(userId, accountRef)).id : null;
    const existing = (await this.options.store.rules(userId)).find(
      (r) => r.presetName === preset.key && r.accountId === accountId,
    );
    if (existing) return { rule: existing, created: false };
    const rule = await this.options.store.insertRule({
      userId,
      accountId,
      name: preset.name,
      priority: PRESET_PRIORITY,
      definition: preset.definition,
      importance: preset.importance,
      presetName: preset.key,
    });
    return { rule, created: true };
  }

  /** Removes a rule by id, name or preset key. */
  async removeRule(userId: string, ref: string): Promise<EmailRule> {
    const wanted = ref.trim().toLowerCase();
    const rules = await this.options.store.rules(userId);
    const rule =
      rules.find((r) => r.id === ref.trim()) ??
      rules.find((r) => r.name.toLowerCase() === wanted) ??
      rules.find((r) => r.presetName !== null && r.presetName === findPreset(ref)?.key);
    if (!rule) {
      throw new EmailInputError(
        rules.length
          ? `No rule "${ref}". Rules: ${rules.map((r) => r.name).join(', ')}.`
          : `No rule "${ref}": there are no rules yet.`,
      );
    }
    await this.options.store.deleteRule(rule.id);
    return rule;
  }

  async recentAlerts(userId: string, limit = 10, accountRef?: string): Promise<EmailAlert[]> {
    const accountId = accountRef ? (await this.account(userId, accountRef)).id : undefined;
    return this.options.alerts.recent(userId, Math.max(1, Math.min(limit, 200)), accountId);
  }
}

export { EmailCredentialError };
