/**
 * Reconnect back-off (real Dovecot): the recorded waits double from the base and stop at the maximum
 * (EMAIL_ERROR_BACKOFF_MAX); `clara email resume` — a separate process writing the database — wakes a running
 * watcher that waits out a long back-off, without waiting for it to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClara } from '../support/cli.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import { type Harness, startHarness, until } from './harness.js';

const ALICE = { email: 'alice@example.com', password: 'alice-backoff-pw' };

/** The `retryInMs` of every recorded failure of the account, in order. */
function retryDelays(h: Harness, accountId: string): number[] {
  return h.logs
    .filter((line) => line.includes('Email account check failed') && line.includes(accountId))
    .map((line) => Number(/"retryInMs":(\d+)/.exec(line)?.[1]));
}

describe('email back-off and resume', { timeout: 180_000 }, () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot([ALICE]);
  });
  afterAll(async () => {
    await dovecot?.dispose();
  });

  it('doubles the wait after each failure and caps it at the maximum', async () => {
    const h = await startHarness({ timing: { reconnectBaseMs: 100, backoffMaxMs: 500 } });
    try {
      await h.email.start();
      const { account } = await h.email.service.addAccount('u1', {
        emailAddress: ALICE.email,
        password: 'not-the-password',
        imapServer: dovecot.host,
        imapPort: dovecot.port,
        tls: false,
        skipTest: true,
      });
      await until('five failures', () => retryDelays(h, account.id).length >= 5);
      expect(retryDelays(h, account.id).slice(0, 5)).toEqual([100, 200, 400, 500, 500]);
      const [stored] = await h.email.service.listAccounts('u1');
      expect(stored?.status).toBe('error');
      expect(stored?.errorCount).toBeGreaterThanOrEqual(5);
      expect(stored?.lastError).toMatch(/^Login failed/);
    } finally {
      await h.close();
    }
  });

  it('`clara email resume` from another process wakes a watcher waiting out a long back-off', async () => {
    const tenMinutes = 10 * 60_000;
    const h = await startHarness({
      timing: { reconnectBaseMs: tenMinutes, backoffMaxMs: tenMinutes, rescanMs: 200 },
    });
    try {
      await h.email.start();
      await dovecot.stop();
      const { account } = await h.email.service.addAccount('tester', {
        emailAddress: ALICE.email,
        password: ALICE.password,
        imapServer: dovecot.host,
        imapPort: dovecot.port,
        tls: false,
        skipTest: true,
      });
      const failed = await until('error status', async () => {
        const a = await h.email.store.account(account.id);
        return a?.status === 'error' && a.nextCheckAt ? a : undefined;
      });
      expect(failed.lastError).toMatch(/Connection refused/);
      expect(retryDelays(h, account.id)).toEqual([tenMinutes]);
      await dovecot.start();

      const resumed = await runClara(['email', 'resume', ALICE.email], {
        env: {
          DATA_DIR: h.dataDir,
          USER_ID: 'tester',
          EMAIL_ENCRYPTION_KEY: h.key,
          LOG_LEVEL: 'warn',
        },
        timeoutMs: 60_000,
      });
      expect(resumed.stderr).toBe('');
      expect(resumed.stdout).toBe('Resumed alice@example.com.\n');
      // Well inside the ten minutes: only a woken watcher gets here.
      const watching = await until(
        'watching again',
        async () => {
          const a = await h.email.store.account(account.id);
          return a?.status === 'active' && a.lastCheckedAt ? a : undefined;
        },
        60_000,
      );
      expect(watching.errorCount).toBe(0);
      expect(retryDelays(h, account.id)).toEqual([tenMinutes]);
      expect(h.logs.some((line) => line.includes('Email account resumed: retrying now'))).toBe(true);
    } finally {
      await h.close();
      await dovecot.start();
    }
  });
});
