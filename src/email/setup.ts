/**
 * Builds email from config for the app (and the CLI): the management service, the monitor (when
 * EMAIL_MONITORING_ENABLED) with its notifier, Clara's mailbox (when CLARA_EMAIL_ADDRESS/PASSWORD are set), and
 * their tools. The default notifier logs alerts (they are stored either way); an adapter swaps in its own with
 * `useNotifier` (Discord posts them).
 */
import type { Config } from '../config/index.js';
import type { MainDatabase } from '../db/index.js';
import type { ToolDefinition } from '../tools/index.js';
import type { WatcherTiming } from './account-watcher.js';
import { AlertStore } from './alert-store.js';
import type { ClassifierLlm } from './classify.js';
import { createCredentialCipher } from './credentials.js';
import { postgresLeadership } from './leadership.js';
import { Mailbox } from './mailbox.js';
import { mailboxTools } from './mailbox-tools.js';
import { AlertProcessor, createLoggingNotifier } from './processor.js';
import { EmailService } from './service.js';
import { EmailStore } from './store.js';
import { emailTools } from './tools.js';
import type { Notifier } from './types.js';
import { EmailWatcher } from './watcher.js';

export interface EmailLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface EmailSetupOptions {
  config: Config;
  db: Pick<MainDatabase, 'kysely'> & Partial<Pick<MainDatabase, 'dialect'>>;
  logger: EmailLogger;
  llm?: ClassifierLlm | undefined;
  /** Overrides of the watcher's timing (tests use seconds instead of minutes). */
  timing?: Partial<WatcherTiming & { rescanMs: number; digestMs: number }>;
  /** Build the monitor even when EMAIL_MONITORING_ENABLED is off (tests). */
  forceMonitoring?: boolean;
  now?: () => Date;
}

export interface EmailSetup {
  service: EmailService;
  store: EmailStore;
  alerts: AlertStore;
  processor: AlertProcessor;
  /** The monitor; undefined when monitoring is off. */
  watcher: EmailWatcher | undefined;
  /** Clara's own mailbox; undefined when not configured. */
  mailbox: Mailbox | undefined;
  /** Tools for the model: management tools when monitoring is on, check/send when the mailbox is configured. */
  tools(): ToolDefinition[];
  /** Replaces the notifier (the Discord adapter calls this once it is ready). */
  useNotifier(notifier: Notifier): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createEmailSetup(options: EmailSetupOptions): EmailSetup {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const store = new EmailStore(options.db.kysely, now);
  const alerts = new AlertStore(options.db.kysely, now);
  const cipher = createCredentialCipher(config.EMAIL_ENCRYPTION_KEY);
  let notifier: Notifier = createLoggingNotifier(logger);
  const delegating: Notifier = {
    sendAlert: (alert) => notifier.sendAlert(alert),
    sendDigest: (list) => notifier.sendDigest(list),
  };
  const processor = new AlertProcessor({
    store,
    alerts,
    notifier: delegating,
    logger,
    rateLimitPerHour: config.EMAIL_ALERT_RATE_LIMIT,
    llm: options.llm,
    now,
  });
  const monitoring = config.EMAIL_MONITORING_ENABLED || options.forceMonitoring === true;
  const minutes = 60_000;
  const watcher = monitoring
    ? new EmailWatcher({
        store,
        processor,
        cipher,
        logger,
        now,
        leadership: options.db.dialect === 'postgres' ? postgresLeadership(options.db.kysely) : undefined,
        timing: {
          defaultPollMs: config.EMAIL_DEFAULT_POLL_INTERVAL * minutes,
          backoffMaxMs: config.EMAIL_ERROR_BACKOFF_MAX * minutes,
          reconnectBaseMs: 30_000,
          connectTimeoutMs: 30_000,
          rescanMs: minutes,
          digestMs: config.EMAIL_DIGEST_INTERVAL * minutes,
          ...options.timing,
        },
      })
    : undefined;
  const service = new EmailService({ store, alerts, cipher, watcher, monitoringEnabled: monitoring });
  const mailbox =
    config.CLARA_EMAIL_ADDRESS && config.CLARA_EMAIL_PASSWORD
      ? new Mailbox({
          address: config.CLARA_EMAIL_ADDRESS,
          password: config.CLARA_EMAIL_PASSWORD,
          imapHost: config.CLARA_IMAP_SERVER,
          imapPort: config.CLARA_IMAP_PORT,
          smtpHost: config.CLARA_SMTP_SERVER,
          smtpPort: config.CLARA_SMTP_PORT,
          smtpTimeoutSeconds: config.CLARA_SMTP_TIMEOUT,
        })
      : undefined;
  if (monitoring && !cipher.available) {
    logger.warn({}, 'EMAIL_ENCRYPTION_KEY is not set: mailboxes cannot be connected or watched until it is.');
  }
  return {
    service,
    store,
    alerts,
    processor,
    watcher,
    mailbox,
    tools: () => [
      ...(monitoring ? emailTools(service, { now, defaultChannelId: config.DISCORD_LOG_CHANNEL_ID }) : []),
      ...(mailbox ? mailboxTools(mailbox) : []),
    ],
    useNotifier(next) {
      notifier = next;
    },
    async start() {
      await watcher?.start();
    },
    async stop() {
      await watcher?.stop();
    },
  };
}
