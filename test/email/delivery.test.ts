/**
 * Delivery of alerts, on SQLite and PostgreSQL: alerts found while no notifier is ready (Clara waiting for Discord)
 * are held and delivered once it is; an alert a crash left `pending` is delivered when monitoring starts; a failed
 * delivery is retried with the digest a bounded number of times, then shown as undeliverable.
 */
import { describe, expect, it } from 'vitest';
import {
  describeAlert,
  type EmailAccount,
  type EmailMessage,
  MAX_DELIVERY_ATTEMPTS,
} from '../../src/email/index.js';
import { type Harness, startHarness, until } from './harness.js';

let uid = 500;
function message(subject: string): EmailMessage {
  uid += 1;
  return {
    uid,
    from: 'Ops <ops@example.org>',
    fromAddress: 'ops@example.org',
    subject,
    snippet: `About ${subject}`,
    bodyText: `About ${subject}.`,
    receivedAt: new Date('2026-03-02T10:00:00Z'),
    hasAttachments: false,
    to: ['me@example.com'],
    isRead: false,
    size: 100,
  };
}

/** An account that is not watched (paused), so the monitor opens no connection in these tests. */
async function pausedAccount(h: Harness): Promise<EmailAccount> {
  const account = await h.email.store.insertAccount({
    userId: 'u1',
    emailAddress: 'me@example.com',
    imapServer: 'imap.invalid',
    imapPort: 993,
    imapUsername: 'me@example.com',
    imapTls: true,
    encryptedPassword: '',
    uidValidity: '7',
    lastSeenUid: 100,
  });
  await h.email.store.updateSettings(account.id, { enabled: false });
  await h.email.service.applyPreset('u1', 'urgent');
  return (await h.email.store.account(account.id)) as EmailAccount;
}

async function statusOf(h: Harness, alertId: string): Promise<string | null | undefined> {
  const row = await h.db.kysely
    .selectFrom('email_alerts')
    .select('delivery_status')
    .where('id', '=', alertId)
    .executeTakeFirst();
  return row?.delivery_status;
}

describe.each(['sqlite', 'postgres'] as const)('alert delivery on %s', (backend) => {
  it('holds alerts until the real notifier is installed, then delivers each exactly once', async () => {
    const h = await startHarness({ backend, hold: true });
    try {
      const account = await pausedAccount(h);
      await h.email.start();
      expect(h.email.notifierReady).toBe(false);
      const held = await h.email.processor.process(account, '7', message('URGENT: disk full'));
      expect(held?.deliveryStatus).toBe('pending');
      expect(await statusOf(h, held?.id as string)).toBe('pending');
      expect(await h.email.processor.flushDigests()).toBe(0);
      expect(await h.email.processor.deliverPending()).toBe(0);

      h.email.useNotifier(h.notifier);
      expect(h.email.notifierReady).toBe(true);
      await until('the held alert is delivered', () => h.notifier.alerts.length === 1);
      await until('marked sent', async () => (await statusOf(h, held?.id as string)) === 'sent');
      expect(h.notifier.alerts.map((a) => a.subject)).toEqual(['URGENT: disk full']);
      expect(await h.email.processor.deliverPending()).toBe(0);
      await h.email.watcher?.refresh();
      expect(h.notifier.alerts).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('delivers an alert that a crash left pending when monitoring starts', async () => {
    const h = await startHarness({ backend });
    try {
      const account = await pausedAccount(h);
      const m = message('URGENT: left behind');
      // As written by a process that died before its notifier answered.
      const left = await h.email.alerts.insert({
        userId: account.userId,
        accountId: account.id,
        accountAddress: account.emailAddress,
        ruleId: null,
        ruleName: 'Urgent Messages',
        importance: 'urgent',
        from: m.from,
        subject: m.subject,
        snippet: m.snippet,
        summary: m.snippet,
        reason: 'Urgent Messages: subject contains “urgent”',
        receivedAt: m.receivedAt,
        uid: m.uid,
        uidValidity: '7',
        ping: false,
        target: { kind: 'user', userId: account.userId },
        deliveryStatus: 'pending',
      });
      expect(h.notifier.alerts).toHaveLength(0);
      await h.email.start();
      await until('the pending alert is delivered', () => h.notifier.alerts.length === 1);
      await until('marked sent', async () => (await statusOf(h, left?.id as string)) === 'sent');
      expect(h.notifier.alerts[0]?.subject).toBe('URGENT: left behind');
      await h.email.watcher?.refresh();
      expect(h.notifier.alerts).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it(`retries a failed delivery with the digest at most ${MAX_DELIVERY_ATTEMPTS} times, then shows it undeliverable`, async () => {
    const h = await startHarness({ backend });
    try {
      const account = await pausedAccount(h);
      h.notifier.failing = true;
      const failed = await h.email.processor.process(account, '7', message('URGENT: call back'));
      expect(failed).toMatchObject({
        deliveryStatus: 'failed',
        deliveryAttempts: 1,
        deliveryError: 'Discord is down',
      });
      for (let attempt = 2; attempt <= MAX_DELIVERY_ATTEMPTS; attempt += 1) {
        expect(await h.email.processor.flushDigests()).toBe(0);
        const [alert] = await h.email.service.recentAlerts('u1', 1);
        expect([alert?.deliveryStatus, alert?.deliveryAttempts]).toEqual([
          attempt < MAX_DELIVERY_ATTEMPTS ? 'failed' : 'undeliverable',
          attempt,
        ]);
      }
      const [given] = await h.email.service.recentAlerts('u1', 1);
      expect(describeAlert(given as NonNullable<typeof given>)).toMatch(
        /URGENT: call back .*\[undeliverable after 5 attempts, not retried: Discord is down\]$/,
      );
      h.notifier.failing = false;
      expect(await h.email.processor.flushDigests()).toBe(0);
      expect(h.notifier.digests).toEqual([]);
      expect(await h.email.alerts.accountsWithDigest()).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('lists mails with the same Date header newest arrival first (by IMAP UID, 9 < 10 < 100)', async () => {
    const h = await startHarness({ backend });
    try {
      const account = await pausedAccount(h);
      for (const [id, subject] of [
        [10, 'URGENT: second'],
        [100, 'URGENT: third'],
        [9, 'URGENT: first'],
      ] as const) {
        await h.email.processor.process(account, '7', { ...message(subject), uid: id });
      }
      expect((await h.email.service.recentAlerts('u1', 5)).map((a) => a.subject)).toEqual([
        'URGENT: third',
        'URGENT: second',
        'URGENT: first',
      ]);
    } finally {
      await h.close();
    }
  });
});
