/**
 * The email monitor: one AccountWatcher per enabled IMAP account, kept in step with the database (accounts added,
 * paused or removed by tools in this process take effect at once, by the CLI within a rescan interval), and the
 * digest schedule. One per process, built by the app; `stop()` closes every connection.
 */
import { AccountWatcher, type AccountWatcherDeps, type WatcherTiming } from './account-watcher.js';
import type { Leadership } from './leadership.js';
import type { EmailStore } from './store.js';

/** A `pending` alert this old was interrupted (a crash, another process) and is delivered by the periodic sweep. */
const STALE_PENDING_MS = 2 * 60_000;

export interface EmailWatcherOptions extends Omit<AccountWatcherDeps, 'timing' | 'now'> {
  store: EmailStore;
  timing: WatcherTiming & {
    /** How often the account list is re-read from the database. */
    rescanMs: number;
    /** How often waiting digests are sent (EMAIL_DIGEST_INTERVAL). */
    digestMs: number;
  };
  now?: () => Date;
  /** Several processes on one PostgreSQL database: only the holder of this lock watches. */
  leadership?: Leadership | undefined;
}

/** What the managers (tools, CLI, slash commands) need from a running watcher. */
export interface WatcherControl {
  /** Re-reads the accounts now (after add, pause, resume, remove). */
  refresh(): Promise<void>;
  /** Checks one account now. */
  checkNow(accountId: string): void;
}

export class EmailWatcher implements WatcherControl {
  private readonly watchers = new Map<string, { watcher: AccountWatcher; fingerprint: string }>();
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private refreshing: Promise<void> | undefined;
  private leader: boolean;
  /** Alerts left pending were delivered once since this process started watching. */
  private pendingSwept = false;
  private readonly deps: AccountWatcherDeps;

  constructor(private readonly options: EmailWatcherOptions) {
    this.deps = { ...options, now: options.now ?? (() => new Date()) };
    this.leader = options.leadership === undefined;
  }

  /** False while another process holds the monitor lock (this one stands by). */
  get isLeader(): boolean {
    return this.leader;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Account ids being watched. */
  watching(): string[] {
    return [...this.watchers.keys()];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { timing, logger } = this.options;
    const every = (ms: number, task: () => Promise<unknown>, what: string) => {
      const timer = setInterval(() => {
        task().catch((error: Error) => logger.warn({ error: error.message }, what));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(timing.rescanMs, () => this.refresh(), 'Email account rescan failed');
    every(timing.digestMs, () => this.options.processor.flushDigests(), 'Email digest run failed');
    await this.refresh();
    logger.info({ accounts: this.watchers.size }, 'Email monitoring started');
  }

  refresh(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.refreshing ??= this.sync().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async sync(): Promise<void> {
    if (!this.leader && this.options.leadership) {
      this.leader = await this.options.leadership.acquire();
      if (!this.leader) {
        this.options.logger.debug({}, 'Another Clara process watches the mailboxes; standing by');
        return;
      }
      this.options.logger.info({}, 'This process now watches the mailboxes');
    }
    // Alerts left pending (by a crash, or held until the notifier was ready): all of them once, then stale ones.
    void this.options.processor
      .deliverPending(this.pendingSwept ? { olderThanMs: STALE_PENDING_MS } : {})
      .then(() => {
        this.pendingSwept = true;
      })
      .catch((error: Error) =>
        this.options.logger.warn({ error: error.message }, 'Delivering pending email alerts failed'),
      );
    const accounts = await this.options.store.watchableAccounts();
    if (!this.running) return;
    const wanted = new Map(accounts.map((a) => [a.id, a]));
    for (const [id, entry] of this.watchers) {
      const account = wanted.get(id);
      if (account && AccountWatcher.fingerprint(account) === entry.fingerprint) {
        entry.watcher.update(account);
        continue;
      }
      this.watchers.delete(id);
      await entry.watcher.stop();
    }
    for (const account of accounts) {
      if (this.watchers.has(account.id)) continue;
      const watcher = new AccountWatcher(account, this.deps);
      this.watchers.set(account.id, { watcher, fingerprint: AccountWatcher.fingerprint(account) });
      watcher.start();
    }
  }

  checkNow(accountId: string): void {
    this.watchers.get(accountId)?.watcher.wake();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.refreshing?.catch(() => {});
    const all = [...this.watchers.values()];
    this.watchers.clear();
    await Promise.all(all.map((entry) => entry.watcher.stop()));
    if (this.options.leadership) {
      await this.options.leadership.release();
      this.leader = false;
    }
    this.options.logger.info({}, 'Email monitoring stopped');
  }
}
