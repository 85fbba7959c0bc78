/**
 * Builds email from config for the app (and the CLI): the management service, the monitor (when
 * EMAIL_MONITORING_ENABLED) with its notifier, Clara's mailbox (when CLARA_EMAIL_ADDRESS/PASSWORD are set), and
 * their tools. The default notifier logs alerts (they are stored either way); an adapter swaps in its own with
 * `useNotifier` (Discord posts them). With DISCORD_BOT_TOKEN set, alerts found before Discord is connected are held
 * (`pending`) and delivered once it is, instead of going to the log.
 */
import { readFileSync } from 'node:fs';
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
  db: Pick<MainDatabase, 'kysely'> & Partial<Pick<MainDatabase, 'dialect' | 'repos'>>;
  logger: EmailLogger;
  llm?: ClassifierLlm | undefined;
  /** Overrides of the watcher's timing (tests use seconds instead of minutes). */
  timing?: Partial<WatcherTiming & { rescanMs: number; digestMs: number }>;
  /** Build the monitor even when EMAIL_MONITORING_ENABLED is off (tests). */
  forceMonitoring?: boolean;
  /**
   * Hold alerts (`pending`) until `useNotifier` installs the real notifier, instead of logging them. Default: when
   * DISCORD_BOT_TOKEN is set (the Discord adapter installs its notifier once connected).
   */
  holdAlerts?: boolean;
  /**
   * The newest message the person wrote in a conversation session: `send_email` sends only after the person wrote
   * again since the draft was shown. Default: from `db.repos.messages`; without either, drafts only.
   */
  latestUserMessage?: (sessionId: string) => Promise<number | undefined>;
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
  /** Replaces the notifier (the Discord adapter calls this once it is ready) and delivers held alerts. */
  useNotifier(notifier: Notifier): void;
  /** False while alerts are held for a notifier that has not been installed yet. */
  readonly notifierReady: boolean;
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
  let ready = !(options.holdAlerts ?? Boolean(config.DISCORD_BOT_TOKEN));
  const tlsCa = readCaFile(config.EMAIL_TLS_CA_FILE, logger);
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
    isReady: () => ready,
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
        tlsCa,
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
  const service = new EmailService({
    store,
    alerts,
    cipher,
    watcher,
    monitoringEnabled: monitoring,
    tlsCa,
    logChannelId: config.DISCORD_LOG_CHANNEL_ID,
  });
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
          tlsCa,
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
      ...(monitoring ? emailTools(service, { now }) : []),
      ...(mailbox
        ? mailboxTools(mailbox, {
            adminOnly: config.CLARA_EMAIL_ADMIN_ONLY,
            latestUserMessage: options.latestUserMessage ?? latestUserMessageOf(options.db.repos),
            now,
          })
        : []),
    ],
    useNotifier(next) {
      notifier = next;
      ready = true;
      // Alerts held while Discord was connecting (or left pending by a crash) go out now, from the watching process.
      if (watcher?.isRunning && watcher.isLeader) {
        void processor
          .deliverPending()
          .catch((error: Error) =>
            logger.warn({ error: error.message }, 'Delivering held email alerts failed'),
          );
      }
    },
    get notifierReady() {
      return ready;
    },
    async start() {
      await watcher?.start();
    },
    async stop() {
      await watcher?.stop();
    },
  };
}

/** The PEM of EMAIL_TLS_CA_FILE (extra certificates trusted for IMAP/SMTP), or undefined with a warning. */
function readCaFile(path: string | undefined, logger: EmailLogger): string | undefined {
  if (!path) return undefined;
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      logger.warn(
        { path },
        'EMAIL_TLS_CA_FILE holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); ignored.',
      );
      return undefined;
    }
    return pem;
  } catch (error) {
    logger.warn(
      { path, error: (error as Error).message },
      'EMAIL_TLS_CA_FILE cannot be read; servers with a private or self-signed certificate will fail TLS.',
    );
    return undefined;
  }
}

function latestUserMessageOf(
  repos: MainDatabase['repos'] | undefined,
): ((sessionId: string) => Promise<number | undefined>) | undefined {
  if (!repos) return undefined;
  return async (sessionId) => (await repos.messages.lastByRole(sessionId, 'user'))?.id;
}
