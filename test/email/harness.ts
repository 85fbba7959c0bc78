/** Shared setup for the email tests: a real database, the real email setup with short timings, a recording notifier. */

import { type Config, loadConfig } from '../../src/config/index.js';
import { generateFernetKey } from '../../src/crypto/index.js';
import { type MainDatabase, openDatabase } from '../../src/db/index.js';
import { createEmailSetup, type EmailAlert, type EmailSetup, type Notifier } from '../../src/email/index.js';
import { freshPostgresUrl, freshSqliteDir } from '../support/databases.js';

export interface RecordingNotifier extends Notifier {
  alerts: EmailAlert[];
  digests: EmailAlert[][];
  /** Makes the next deliveries fail (alert kept for the digest). */
  failing: boolean;
}

export function recordingNotifier(): RecordingNotifier {
  const notifier: RecordingNotifier = {
    alerts: [],
    digests: [],
    failing: false,
    async sendAlert(alert) {
      if (notifier.failing) throw new Error('Discord is down');
      notifier.alerts.push(alert);
      return { messageId: `msg-${notifier.alerts.length}` };
    },
    async sendDigest(alerts) {
      if (notifier.failing) throw new Error('Discord is down');
      notifier.digests.push(alerts);
      return { messageId: `digest-${notifier.digests.length}` };
    },
  };
  return notifier;
}

/** The last log lines of every harness in this test file, shown when `until` times out. */
const recentLogs: string[] = [];

export interface Harness {
  /** EMAIL_ENCRYPTION_KEY of this setup. */
  key: string;
  dataDir: string;
  url: string | undefined;
  config: Config;
  db: MainDatabase;
  email: EmailSetup;
  notifier: RecordingNotifier;
  logs: string[];
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    backend?: 'sqlite' | 'postgres';
    env?: Record<string, string | undefined>;
    timing?: Parameters<typeof createEmailSetup>[0]['timing'];
    llm?: Parameters<typeof createEmailSetup>[0]['llm'];
    /** Hold alerts until the test installs `notifier` with `email.useNotifier` (as Clara does until Discord is up). */
    hold?: boolean;
    /** Reuse the data dir (SQLite) or database URL (PostgreSQL) and the key of an earlier harness (restarts). */
    reuse?: { dataDir: string; url?: string | undefined; key: string };
  } = {},
): Promise<Harness> {
  const dataDir = options.reuse?.dataDir ?? (await freshSqliteDir('clara-email-'));
  const key = options.reuse?.key ?? generateFernetKey();
  const url =
    options.reuse?.url ?? (options.backend === 'postgres' ? await freshPostgresUrl('email') : undefined);
  const config = loadConfig({
    env: {
      DATA_DIR: dataDir,
      CLARA_LOG_DIR: 'off',
      EMAIL_MONITORING_ENABLED: 'true',
      EMAIL_ENCRYPTION_KEY: key,
      ...(url ? { DATABASE_URL: url } : {}),
      ...options.env,
    },
    envFile: false,
  });
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir });
  await db.migrate();
  const logs: string[] = [];
  const line = (level: string) => (obj: object, msg: string) => {
    logs.push(`${level} ${msg} ${JSON.stringify(obj)}`);
    recentLogs.push(`${new Date().toISOString()} ${level} ${msg} ${JSON.stringify(obj)}`.slice(0, 400));
    if (recentLogs.length > 30) recentLogs.shift();
    if (process.env.EMAIL_TEST_LOGS) console.log(new Date().toISOString(), level, msg, JSON.stringify(obj));
  };
  const email = createEmailSetup({
    config,
    db,
    logger: { info: line('info'), warn: line('warn'), debug: () => {} },
    llm: options.llm,
    holdAlerts: options.hold === true,
    timing: {
      reconnectBaseMs: 100,
      backoffMaxMs: 500,
      connectTimeoutMs: 20_000,
      rescanMs: 60_000,
      digestMs: 3_600_000,
      ...options.timing,
    },
  });
  const notifier = recordingNotifier();
  if (!options.hold) email.useNotifier(notifier);
  return {
    key,
    dataDir,
    url,
    config,
    db,
    email,
    notifier,
    logs,
    async close() {
      await email.stop();
      await db.close();
    },
  };
}

/** Waits until `check` returns a truthy value (polling), failing with `what` after `timeoutMs`. */
type Falsy = undefined | null | false | 0 | '';
export async function until<T>(
  what: string,
  check: () => Promise<T | Falsy> | T | Falsy,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for: ${what}\nRecent email logs:\n${recentLogs.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

let counter = 0;
/** A simple RFC 822 message. */
export function mail(
  subject: string,
  options: { from?: string; body?: string; headers?: string } = {},
): string {
  counter += 1;
  return [
    `From: ${options.from ?? 'Sender <sender@example.org>'}`,
    'To: alice@example.com',
    `Subject: ${subject}`,
    `Message-ID: <t${counter}.${Date.now()}@example.org>`,
    'Date: Mon, 02 Mar 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(options.headers ? [options.headers] : []),
    '',
    options.body ?? `Body of ${subject}`,
    '',
  ].join('\r\n');
}
