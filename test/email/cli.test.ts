/** `clara email …` end to end: the real command against a real Dovecot, and the app watching what the CLI added. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../src/crypto/index.js';
import { startTestApp } from '../support/app.js';
import { runClara } from '../support/cli.js';
import { freshSqliteDir } from '../support/databases.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import { mail, recordingNotifier, until } from './harness.js';

const ALICE = { email: 'alice@example.com', password: 'alice-cli-pw' };

describe('clara email', { timeout: 300_000 }, () => {
  let dovecot: Dovecot;
  let env: Record<string, string>;
  beforeAll(async () => {
    dovecot = await startDovecot([ALICE]);
    env = {
      DATA_DIR: await freshSqliteDir('clara-email-cli-'),
      USER_ID: 'tester',
      EMAIL_ENCRYPTION_KEY: generateFernetKey(),
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await dovecot?.dispose();
  });

  const clara = (args: string[], input?: string, extra: Record<string, string | undefined> = {}) =>
    runClara(['email', ...args], { env: { ...env, ...extra }, input, timeoutMs: 60_000 });
  const server = () => ['--server', dovecot.host, '--port', String(dovecot.port), '--no-tls'];

  it('refuses to store a password without EMAIL_ENCRYPTION_KEY and says how to make one', async () => {
    const result = await clara(['add', ALICE.email, ...server()], `${ALICE.password}\n`, {
      EMAIL_ENCRYPTION_KEY: undefined,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/EMAIL_ENCRYPTION_KEY is not set\. .*clara keygen/);
    expect(result.stderr).not.toContain(ALICE.password);
  });

  it('refuses a wrong password with a clear reason', async () => {
    const result = await clara(['add', ALICE.email, ...server()], 'wrong-password\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Login failed at 127\.0\.0\.1:\d+: the server rejected the username or password/,
    );
    expect(result.stderr).not.toContain('wrong-password');
  });

  it('adds, lists and tests a mailbox', async () => {
    const added = await clara(['add', ALICE.email, ...server()], `${ALICE.password}\n`);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(
      /^Connected alice@example\.com for tester \(INBOX: 0 messages, push\/IDLE\)\.\nMonitoring is off/,
    );
    expect(added.code).toBe(0);

    const list = await clara(['list']);
    expect(list.stdout).toBe(
      `alice@example.com (127.0.0.1:${dovecot.port}) · waiting · not watched: EMAIL_MONITORING_ENABLED is off\n`,
    );
    const test = await clara(['test', ALICE.email]);
    expect(test.stdout).toMatch(
      /^OK: Connected to 127\.0\.0\.1:\d+ as alice@example\.com: INBOX has 0 message\(s\); push \(IDLE\) supported\.\n$/,
    );
  });

  it('manages rules', async () => {
    expect((await clara(['rules', 'apply', 'urgent'])).stdout).toMatch(
      /^Applied: Urgent Messages \[urgent, priority 10, preset urgent\]/,
    );
    const rule = await clara([
      'rules',
      'add',
      'Boss',
      '--sender-contains',
      'boss@,ceo@',
      '--importance',
      'high',
      '--priority',
      '20',
    ]);
    expect(rule.stdout).toBe('Added: Boss [high, priority 20] — any of: sender contains boss@|ceo@\n');
    const bad = await clara(['rules', 'add', 'Broken', '--subject-regex', '([']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/subject_regex: is not a valid regular expression/);
    expect((await clara(['rules', 'list'])).stdout).toMatch(
      /^Boss \[high, priority 20\][^\n]*\nUrgent Messages \[urgent, priority 10/,
    );
  });

  it('pauses and resumes', async () => {
    expect((await clara(['pause', ALICE.email])).stdout).toBe('Paused alice@example.com.\n');
    expect((await clara(['resume', ALICE.email])).stdout).toBe('Resumed alice@example.com.\n');
  });

  it('the app watches what the CLI added, and `clara email alerts` shows the alert', async () => {
    const app = await startTestApp({
      backend: 'sqlite',
      dataDir: env.DATA_DIR,
      env: { ...env, EMAIL_MONITORING_ENABLED: 'true' },
    });
    const notifier = recordingNotifier();
    app.email.useNotifier(notifier);
    try {
      await until(
        'watching',
        async () => (await app.email.service.listAccounts('tester'))[0]?.watchMode === 'idle',
      );
      await dovecot.deliver(ALICE.email, mail('Quarterly numbers', { from: 'The Boss <boss@corp.example>' }));
      await until('alert', () => notifier.alerts.length === 1);
    } finally {
      await app.stop();
    }
    const alerts = await clara(['alerts']);
    expect(alerts.stdout).toBe(
      '2026-03-02 10:00 HIGH Quarterly numbers — from The Boss <boss@corp.example> (Boss: sender contains “boss@”)\n',
    );
    const removed = await clara(['remove', ALICE.email]);
    expect(removed.stdout).toBe('Removed alice@example.com with its stored password, rules and alerts.\n');
    expect((await clara(['list'])).stdout).toBe(
      'No mailbox is connected for tester (add one with `clara email add <address>`).\n',
    );
  });
});
