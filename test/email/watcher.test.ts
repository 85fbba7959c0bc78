/**
 * The email monitor against a real Dovecot: exactly one alert for a matching message, nothing marked read, no
 * duplicate and no miss across a server restart (one message delivered while it was down), UIDVALIDITY changes,
 * polling servers without IDLE, and messy mail (huge, malformed, non-UTF-8 headers).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialCipher, probeImap } from '../../src/email/index.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import { type Harness, mail, startHarness, until } from './harness.js';

const ALICE = { email: 'alice@example.com', password: 'alice-secret-pw' };

describe('email monitor with IDLE (Dovecot)', { timeout: 120_000 }, () => {
  let dovecot: Dovecot;
  let h: Harness;
  beforeAll(async () => {
    dovecot = await startDovecot([ALICE]);
    await dovecot.deliver(ALICE.email, mail('Old invoice from last year'));
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await dovecot?.dispose();
  });

  const account = async () => (await h.email.service.listAccounts('user-1'))[0];

  it('alerts once for a matching message, never for the rest, and marks nothing read', async () => {
    const { service } = h.email;
    const { account: added, probe } = await service.addAccount('user-1', {
      emailAddress: ALICE.email,
      password: ALICE.password,
      imapServer: dovecot.host,
      imapPort: dovecot.port,
      tls: false,
    });
    expect(probe?.idle).toBe(true);
    expect(added.lastSeenUid).toBe(1); // mail that was there before is not alerted
    await service.addRule('user-1', {
      name: 'Invoices',
      importance: 'high',
      definition: { conditions: { subject_contains: ['invoice'] } },
    });
    const stored = await h.db.kysely
      .selectFrom('email_accounts')
      .select('imap_password')
      .executeTakeFirstOrThrow();
    expect(stored.imap_password).toMatch(/^gAAAAA/);
    expect(stored.imap_password).not.toContain(ALICE.password);

    await h.email.start();
    await until('watching with IDLE', async () => (await account())?.watchMode === 'idle');
    await dovecot.deliver(ALICE.email, mail('Lunch on Friday?'));
    await dovecot.deliver(ALICE.email, mail('Invoice 42 is due', { from: 'Billing <billing@shop.example>' }));
    await until('both messages processed', async () => (await account())?.lastSeenUid === 3);

    expect(h.notifier.alerts.map((a) => a.subject)).toEqual(['Invoice 42 is due']);
    const [alert] = h.notifier.alerts;
    expect(alert?.from).toBe('Billing <billing@shop.example>');
    expect(alert?.reason).toBe('Invoices: subject contains “invoice”');
    expect(alert?.summary).toContain('Body of Invoice 42');
    expect(alert?.importance).toBe('high');
    expect(alert?.target).toEqual({ kind: 'user', userId: 'user-1' });
    const flags = await dovecot.flags(ALICE.email);
    expect([...flags.values()].some((f) => f.includes('\\Seen'))).toBe(false);
    expect(flags.size).toBe(3);
    const recent = await service.recentAlerts('user-1');
    expect(recent.map((a) => [a.subject, a.deliveryStatus, a.messageId])).toEqual([
      ['Invoice 42 is due', 'sent', 'msg-1'],
    ]);
  });

  it('after a server restart neither repeats nor misses (one message arrived while it was down)', async () => {
    await dovecot.stop();
    await until('error status while the server is down', async () => (await account())?.status === 'error');
    expect((await account())?.lastError).toMatch(/closed|refused/i);
    await dovecot.deliverOffline(ALICE.email, mail('Invoice 43 arrived while down'));
    await dovecot.start();
    await until('watching again', async () => {
      const a = await account();
      return a?.status === 'active' && a.lastSeenUid === 4;
    });
    await dovecot.deliver(ALICE.email, mail('Invoice 44 after the restart'));
    await until('third alert', () => h.notifier.alerts.length >= 3);
    await until('all processed', async () => (await account())?.lastSeenUid === 5);
    expect(h.notifier.alerts.map((a) => a.subject)).toEqual([
      'Invoice 42 is due',
      'Invoice 43 arrived while down',
      'Invoice 44 after the restart',
    ]);
    expect((await account())?.errorCount).toBe(0);
    const flags = await dovecot.flags(ALICE.email);
    expect([...flags.values()].some((f) => f.includes('\\Seen'))).toBe(false);
  });

  it('handles huge, malformed and non-UTF-8 mail without stopping', async () => {
    const huge = mail('Invoice huge attachment', {
      body: `Start of a long text. ${'x'.repeat(6 * 1024 * 1024)}`,
    });
    const malformed = [
      'From: <<<not an address',
      'Subject: Invoice =?x-unknown-charset?Q?broken=ZZ?= words',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: text/plain; charset=does-not-exist',
      '',
      'Half a body',
    ].join('\r\n');
    const latin1 = Buffer.concat([
      Buffer.from('From: =?ISO-8859-1?Q?J=FCrgen?= <j@example.de>\r\nSubject: Rechnung f'),
      Buffer.from([0xfc]), // raw 8-bit ISO-8859-1 "ü" in a header
      Buffer.from('r Mai (invoice)\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGr'),
      Buffer.from([0xfc, 0xdf]),
      Buffer.from('e\r\n'),
    ]);
    for (const message of [huge, malformed, latin1]) await dovecot.deliver(ALICE.email, message);
    await dovecot.deliver(ALICE.email, mail('Invoice after the messy ones'));
    await until('messy mail processed', async () => (await account())?.lastSeenUid === 9);
    const subjects = h.notifier.alerts.slice(3).map((a) => a.subject);
    expect(subjects).toHaveLength(4);
    expect(subjects[0]).toBe('Invoice huge attachment');
    expect(subjects[1]).toMatch(/^Invoice .*words$/);
    expect(subjects[2]).toMatch(/^Rechnung f.r Mai \(invoice\)$/);
    expect(subjects[3]).toBe('Invoice after the messy ones');
    expect(h.notifier.alerts[3]?.snippet.length).toBeLessThanOrEqual(200);
    expect(h.notifier.alerts[5]?.from).toContain('Jürgen');
    expect((await account())?.status).toBe('active');
  });

  it('re-baselines without alerting when UIDVALIDITY changes', async () => {
    const before = (await account())?.uidValidity;
    await dovecot.stop();
    await dovecot.resetUidValidity(ALICE.email);
    await new Promise((r) => setTimeout(r, 1100)); // UIDVALIDITY is a timestamp in seconds
    await dovecot.start();
    await until('new UIDVALIDITY stored', async () => {
      const a = await account();
      return a?.status === 'active' && a.uidValidity !== before && a.uidValidity !== null;
    });
    const alertsBefore = h.notifier.alerts.length;
    await dovecot.deliver(ALICE.email, mail('Invoice after UIDVALIDITY change'));
    await until('alert for the new message', () => h.notifier.alerts.length > alertsBefore);
    expect(h.notifier.alerts.slice(alertsBefore).map((a) => a.subject)).toEqual([
      'Invoice after UIDVALIDITY change',
    ]);
    expect(h.logs.some((l) => l.includes('UIDVALIDITY changed'))).toBe(true);
  });
});

describe('email monitor without IDLE, and failures', { timeout: 120_000 }, () => {
  let dovecot: Dovecot;
  let h: Harness;
  beforeAll(async () => {
    dovecot = await startDovecot([ALICE], { noIdle: true });
    h = await startHarness({ timing: { defaultPollMs: 200 } });
    await h.email.start();
  });
  afterEach(() => {
    h.notifier.alerts.length = 0;
  });
  afterAll(async () => {
    await h?.close();
    await dovecot?.dispose();
  });

  it('polls a server without IDLE', async () => {
    const { service } = h.email;
    const { probe } = await service.addAccount('poller', {
      emailAddress: ALICE.email,
      password: ALICE.password,
      imapServer: dovecot.host,
      imapPort: dovecot.port,
      tls: false,
    });
    expect(probe?.idle).toBe(false);
    await service.applyPreset('poller', 'urgent');
    expect((await service.applyPreset('poller', 'urgent')).created).toBe(false);
    const account = async () => (await service.listAccounts('poller'))[0];
    await until('polling', async () => (await account())?.watchMode === 'poll');
    await dovecot.deliver(ALICE.email, mail('URGENT: server on fire'));
    await until('alert by polling', () => h.notifier.alerts.length === 1);
    expect(h.notifier.alerts[0]?.reason).toMatch(/^Urgent Messages: subject contains “urgent”/);
    expect(h.notifier.alerts[0]?.importance).toBe('urgent');
  });

  it('continues from the last UID of an account stored by the original (no UIDVALIDITY yet)', async () => {
    const { store, service } = h.email;
    const probe = await probeImap({
      host: dovecot.host,
      port: dovecot.port,
      tls: false,
      user: ALICE.email,
      password: ALICE.password,
    });
    const legacy = await store.insertAccount({
      userId: 'legacy',
      emailAddress: ALICE.email,
      imapServer: dovecot.host,
      imapPort: dovecot.port,
      imapUsername: ALICE.email,
      imapTls: false,
      encryptedPassword: createCredentialCipher(h.key).encrypt(ALICE.password),
      uidValidity: null,
      lastSeenUid: probe.uidNext - 2, // the newest message was not seen by the original yet
    });
    await service.applyPreset('legacy', 'urgent');
    await h.email.watcher?.refresh();
    await until('caught up', async () => (await store.account(legacy.id))?.lastSeenUid === probe.uidNext - 1);
    expect((await store.account(legacy.id))?.uidValidity).toBe(probe.uidValidity);
    expect(h.notifier.alerts.map((a) => [a.userId, a.subject])).toEqual([
      ['legacy', 'URGENT: server on fire'],
    ]);
    await service.removeAccount('legacy', ALICE.email);
  });

  it('refuses a wrong password when adding, and reports it as status when stored anyway', async () => {
    const { service } = h.email;
    const attempt = service.addAccount('wrong', {
      emailAddress: ALICE.email,
      password: 'not-the-password',
      imapServer: dovecot.host,
      imapPort: dovecot.port,
      tls: false,
    });
    await expect(attempt).rejects.toThrow(/Login failed at 127\.0\.0\.1:\d+.*app password/);
    await expect(attempt).rejects.not.toThrow(/not-the-password/);
    expect(await service.listAccounts('wrong')).toEqual([]);
    await service.addAccount('wrong', {
      emailAddress: ALICE.email,
      password: 'not-the-password',
      imapServer: dovecot.host,
      imapPort: dovecot.port,
      tls: false,
      skipTest: true,
    });
    const status = await until('error status', async () => {
      const [a] = await service.listAccounts('wrong');
      return a?.status === 'error' && a.errorCount >= 1 ? a : undefined;
    });
    expect(status.lastError).toMatch(/Login failed/);
    expect(status.nextCheckAt).not.toBeNull();
    const test = await service.testAccount('wrong', ALICE.email);
    expect(test.ok).toBe(false);
    expect(test.message).toMatch(/Login failed/);
    await service.setEnabled('wrong', ALICE.email, false);
    expect((await service.listAccounts('wrong'))[0]?.enabled).toBe(false);
    await service.removeAccount('wrong', ALICE.email);
    expect(await service.listAccounts('wrong')).toEqual([]);
  });

  it('explains a TLS failure (implicit TLS on a plain port)', async () => {
    await expect(
      h.email.service.addAccount('tls', {
        emailAddress: ALICE.email,
        password: ALICE.password,
        imapServer: dovecot.host,
        imapPort: dovecot.port,
        tls: true,
      }),
    ).rejects.toThrow(/^TLS failed with 127\.0\.0\.1:\d+ .*the port does not speak TLS/);
  });

  it('reports an unreachable server clearly and keeps running', async () => {
    const { service } = h.email;
    const closedPort = dovecot.port + 1 === 65536 ? 1 : dovecot.port + 1;
    await expect(
      service.addAccount('unreachable', {
        emailAddress: 'bob@example.com',
        password: 'pw',
        imapServer: '127.0.0.1',
        imapPort: closedPort,
        tls: false,
      }),
    ).rejects.toThrow(/Connection refused by 127\.0\.0\.1|closed|Timed out/);
    await service.addAccount('unreachable', {
      emailAddress: 'bob@example.com',
      password: 'pw',
      imapServer: '127.0.0.1',
      imapPort: closedPort,
      tls: false,
      skipTest: true,
    });
    const status = await until('error status', async () => {
      const [a] = await service.listAccounts('unreachable');
      return a?.status === 'error' ? a : undefined;
    });
    expect(status.lastError).toMatch(/127\.0\.0\.1/);
    // The other account is still watched.
    await dovecot.deliver(ALICE.email, mail('Urgent: still working'));
    await until('alert for the healthy account', () => h.notifier.alerts.length === 1);
  });
});
