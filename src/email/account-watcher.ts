/**
 * Watches one mailbox. INBOX is opened read-only (EXAMINE) and bodies are fetched with PEEK, so nothing is ever
 * marked read. With IDLE the connection stays open and new mail is fetched as it arrives (IDLE is entered
 * explicitly, and re-entered at least every poll interval); without IDLE the mailbox is polled. The last UID and
 * UIDVALIDITY are stored after every message, so a reconnect neither repeats nor misses mail; a changed UIDVALIDITY
 * re-baselines without alerting. Failures set status `error` with a readable reason and retry with back-off.
 */
import type { FetchQueryObject, ImapFlow } from 'imapflow';
import type { CredentialCipher } from './credentials.js';
import { createImapClient, describeImapError } from './imap.js';
import { SOURCE_BYTES, toEmailMessage } from './message.js';
import type { AlertProcessor } from './processor.js';
import type { EmailStore } from './store.js';
import type { EmailAccount } from './types.js';

export interface WatcherTiming {
  /** Poll interval when the account sets none (EMAIL_DEFAULT_POLL_INTERVAL). */
  defaultPollMs: number;
  /** Longest wait after failures (EMAIL_ERROR_BACKOFF_MAX). */
  backoffMaxMs: number;
  /** First wait after a failure; doubles with each further failure. */
  reconnectBaseMs: number;
  connectTimeoutMs: number;
}

export interface WatcherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface AccountWatcherDeps {
  store: EmailStore;
  processor: AlertProcessor;
  cipher: CredentialCipher;
  logger: WatcherLogger;
  timing: WatcherTiming;
  now: () => Date;
  /** Extra trusted certificates in PEM (EMAIL_TLS_CA_FILE). */
  tlsCa?: string | undefined;
}

const BATCH = 50;
const MAX_MESSAGE_FAILURES = 3;
const FETCH_QUERY: FetchQueryObject = {
  uid: true,
  flags: true,
  envelope: true,
  internalDate: true,
  size: true,
  bodyStructure: true,
  source: { maxLength: SOURCE_BYTES },
};

/** The error a person sees for a failure (credential errors keep their own text). */
function explain(error: unknown, account: EmailAccount): string {
  const e = error as Error & { explained?: boolean };
  if (e?.name === 'EmailCredentialError' || e?.explained) return e.message;
  return describeImapError(error, { host: account.imapServer, port: account.imapPort, tls: account.imapTls });
}

export class AccountWatcher {
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private client: ImapFlow | undefined;
  private loop: Promise<void> | undefined;
  private errorCount: number;
  /** Waiting out the back-off after a failure (a reset of the stored error state ends the wait). */
  private backingOff = false;
  private readonly failures = new Map<number, number>();

  constructor(
    private account: EmailAccount,
    private readonly deps: AccountWatcherDeps,
  ) {
    this.errorCount = account.errorCount;
  }

  get id(): string {
    return this.account.id;
  }

  /** What identifies the connection: a change means reconnect. */
  static fingerprint(account: EmailAccount): string {
    return [account.imapServer, account.imapPort, account.imapTls, account.imapUsername].join('|');
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Settings changed (poll interval, quiet hours…): used from the next check on. When the stored error state was
   * reset while this watcher waits out a back-off (`resume` from the CLI, another process or a slash command), it
   * retries at once.
   */
  update(account: EmailAccount): void {
    this.account = account;
    if (this.backingOff && account.status === 'active' && account.errorCount === 0) {
      this.errorCount = 0;
      this.deps.logger.info(
        { accountId: this.id, account: account.emailAddress },
        'Email account resumed: retrying now instead of waiting out the back-off',
      );
      this.wake();
    }
  }

  /** Check now instead of waiting (new rules, resume, manual check). */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    const client = this.client;
    if (client) {
      await Promise.race([client.logout().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
      client.close();
    }
    await this.loop;
  }

  private pollMs(): number {
    const minutes = this.account.pollIntervalMinutes;
    return minutes && minutes > 0 ? minutes * 60_000 : this.deps.timing.defaultPollMs;
  }

  /** Waits `ms` or until woken / stopped. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    const { store, logger, timing, now } = this.deps;
    while (!this.stopped) {
      try {
        const mode = await this.session();
        if (this.stopped) break;
        if (mode === 'poll') {
          const wait = this.pollMs();
          await store.recordProgress(this.id, { nextCheckAt: new Date(now().getTime() + wait) });
          await this.sleep(wait);
        }
      } catch (error) {
        if (this.stopped) break;
        this.errorCount += 1;
        const message = explain(error, this.account);
        const delay = Math.min(
          timing.backoffMaxMs,
          timing.reconnectBaseMs * 2 ** Math.min(this.errorCount - 1, 16),
        );
        logger.warn(
          {
            accountId: this.id,
            account: this.account.emailAddress,
            errorCount: this.errorCount,
            retryInMs: delay,
            error: message,
          },
          'Email account check failed',
        );
        await store
          .recordProgress(this.id, {
            status: 'error',
            lastError: message,
            errorCount: this.errorCount,
            nextCheckAt: new Date(now().getTime() + delay),
          })
          .catch(() => {});
        this.backingOff = true;
        try {
          await this.sleep(delay);
        } finally {
          this.backingOff = false;
        }
      } finally {
        this.client?.close();
        this.client = undefined;
      }
    }
  }

  /** One connection: check, then IDLE until it drops ('idle' never returns normally) or log out ('poll'). */
  private async session(): Promise<'poll' | 'stopped'> {
    const { store, cipher, timing } = this.deps;
    const encrypted = await store.encryptedPassword(this.id);
    const password = cipher.decrypt(encrypted ?? '');
    const client = await createImapClient(
      {
        host: this.account.imapServer,
        port: this.account.imapPort,
        tls: this.account.imapTls,
        user: this.account.imapUsername,
        password,
        ca: this.deps.tlsCa,
      },
      { connectMs: timing.connectTimeoutMs, socketMs: Math.max(this.pollMs() * 2, 5 * 60_000) },
    );
    this.client = client;
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
    const idle = client.capabilities.has('IDLE');
    // Listen before the first check: an EXISTS that arrives with its SEARCH/FETCH responses must not be lost.
    let pending = false;
    client.on('exists', () => {
      pending = true;
      this.wake();
    });
    client.on('close', () => this.wake());
    await this.check(client);
    this.errorCount = 0;
    await store.recordProgress(this.id, {
      status: 'active',
      lastError: null,
      errorCount: 0,
      watchMode: idle ? 'idle' : 'poll',
      nextCheckAt: null,
    });
    if (!idle) {
      await client.logout().catch(() => {});
      return 'poll';
    }
    this.deps.logger.info(
      { accountId: this.id, account: this.account.emailAddress },
      'Watching mailbox with IDLE',
    );
    const closed = () =>
      Object.assign(
        new Error(
          `The connection to ${this.account.imapServer}:${this.account.imapPort} was closed; reconnecting.`,
        ),
        { explained: true },
      );
    while (!this.stopped) {
      if (!client.usable) throw closed();
      if (pending) {
        pending = false;
        await this.check(client);
        continue;
      }
      const idling = client.idle().catch(() => false);
      // No await between the `pending` test above and the sleep: an EXISTS always finds the sleeper to wake.
      await this.sleep(this.pollMs());
      if (this.stopped) break;
      if (!client.usable) {
        void idling;
        throw closed();
      }
      pending = false;
      await this.check(client); // any command ends IDLE first
      await idling;
    }
    return 'stopped';
  }

  /** Fetches and processes every message above the stored UID, oldest first, in batches. */
  private async check(client: ImapFlow): Promise<void> {
    const { store, processor, logger, now } = this.deps;
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('INBOX is not open');
    const uidValidity = String(mailbox.uidValidity);
    let account = (await store.account(this.id)) ?? this.account;
    if (account.uidValidity === null && account.lastSeenUid !== null) {
      // Stored by the original (no UIDVALIDITY column): continue from its last UID in this mailbox.
      await store.recordProgress(this.id, { uidValidity });
      account = { ...account, uidValidity };
    }
    this.account = account;
    if (account.uidValidity !== uidValidity || account.lastSeenUid === null) {
      const baseline = Math.max(0, (mailbox.uidNext ?? 1) - 1);
      if (account.uidValidity && account.uidValidity !== uidValidity) {
        logger.warn(
          { accountId: this.id, before: account.uidValidity, now: uidValidity },
          'Mailbox UIDVALIDITY changed: starting over from the newest message without alerting old mail',
        );
      }
      await store.recordProgress(this.id, { uidValidity, lastSeenUid: baseline, lastCheckedAt: now() });
      this.account = { ...account, uidValidity, lastSeenUid: baseline };
      return;
    }
    let last = account.lastSeenUid;
    for (;;) {
      const found = (await client.search({ uid: `${last + 1}:*` }, { uid: true })) || [];
      const uids = found
        .filter((uid) => uid > last)
        .sort((a, b) => a - b)
        .slice(0, BATCH);
      if (uids.length === 0) break;
      const fetched = (await client.fetchAll(uids.join(','), FETCH_QUERY, { uid: true })).sort(
        (a, b) => a.uid - b.uid,
      );
      for (const item of fetched) {
        if (this.stopped) return;
        const message = await toEmailMessage(item);
        try {
          await processor.process(this.account, uidValidity, message);
        } catch (error) {
          // A message that keeps failing (not the database: progress below would fail too) must not block the mailbox.
          const failures = (this.failures.get(item.uid) ?? 0) + 1;
          this.failures.set(item.uid, failures);
          if (failures < MAX_MESSAGE_FAILURES) throw error;
          logger.warn(
            { accountId: this.id, uid: item.uid, error: (error as Error).message },
            'Skipping a message that failed repeatedly',
          );
        }
        last = item.uid;
        await store.recordProgress(this.id, { lastSeenUid: last, lastSeenTimestamp: message.receivedAt });
      }
      // Messages expunged between SEARCH and FETCH are skipped.
      const highest = uids[uids.length - 1] as number;
      if (highest > last) {
        last = highest;
        await store.recordProgress(this.id, { lastSeenUid: last });
      }
    }
    this.account = { ...this.account, lastSeenUid: last };
    await store.recordProgress(this.id, { lastCheckedAt: now() });
  }
}
