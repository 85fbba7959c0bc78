/**
 * TLS against a real Dovecot with a self-signed certificate made by openssl for this run: adding the mailbox (implicit
 * TLS and STARTTLS) is refused with "certificate is not trusted" and how to trust it, a stored account shows the same
 * as its watcher status; with EMAIL_TLS_CA_FILE naming the certificate, it connects and alerts (nothing marked read).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAccount } from '../../src/email/index.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import { type Harness, mail, startHarness, until } from './harness.js';

const ALICE = { email: 'alice@example.com', password: 'alice-tls-pw' };
const UNTRUSTED =
  /^TLS failed with 127\.0\.0\.1:\d+: the server's certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. If it is your own server, trust its certificate \(or its CA\) with EMAIL_TLS_CA_FILE=<PEM file>\.$/;

describe('email over TLS with a self-signed certificate (Dovecot)', { timeout: 120_000 }, () => {
  let dovecot: Dovecot;
  let dir: string;
  let caFile: string;
  beforeAll(async () => {
    dovecot = await startDovecot([ALICE], { tls: true });
    dir = await mkdtemp(join(tmpdir(), 'clara-tls-'));
    caFile = join(dir, 'mail-server.pem');
    await writeFile(caFile, dovecot.certificatePem as string);
  });
  afterAll(async () => {
    await dovecot?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate clearly, on add and as the watcher status', async () => {
    const h = await startHarness();
    try {
      const { service } = h.email;
      const implicit = {
        emailAddress: ALICE.email,
        password: ALICE.password,
        imapServer: dovecot.host,
        imapPort: dovecot.tlsPort as number,
        tls: true,
      };
      await expect(service.addAccount('u1', implicit)).rejects.toThrow(UNTRUSTED);
      // The plain port requires STARTTLS; the upgrade meets the same certificate.
      await expect(
        service.addAccount('u1', { ...implicit, imapPort: dovecot.port, tls: false }),
      ).rejects.toThrow(UNTRUSTED);
      expect(await service.listAccounts('u1')).toEqual([]);

      await h.email.start();
      await service.addAccount('u1', { ...implicit, skipTest: true });
      const failed = await until('error status', async () => {
        const [a] = await service.listAccounts('u1');
        return a?.status === 'error' ? a : undefined;
      });
      expect(failed.lastError).toMatch(UNTRUSTED);
      expect(describeAccount(failed, new Date())).toMatch(
        /· error · error: TLS failed with 127\.0\.0\.1:\d+: the server's certificate is not trusted/,
      );
      const test = await service.testAccount('u1', ALICE.email);
      expect([test.ok, test.message]).toEqual([false, expect.stringMatching(UNTRUSTED)]);
    } finally {
      await h.close();
    }
  });

  it('trusts the certificate named by EMAIL_TLS_CA_FILE: connects, alerts, marks nothing read', async () => {
    const h: Harness = await startHarness({ env: { EMAIL_TLS_CA_FILE: caFile } });
    try {
      const { service } = h.email;
      const starttls = await service.addAccount('u2', {
        emailAddress: ALICE.email,
        password: ALICE.password,
        imapServer: dovecot.host,
        imapPort: dovecot.port,
        tls: false,
      });
      expect(starttls.probe?.idle).toBe(true);
      await service.removeAccount('u2', ALICE.email);

      await service.addAccount('u2', {
        emailAddress: ALICE.email,
        password: ALICE.password,
        imapServer: dovecot.host,
        imapPort: dovecot.tlsPort as number,
        tls: true,
      });
      await service.applyPreset('u2', 'security');
      await h.email.start();
      await until('watching', async () => (await service.listAccounts('u2'))[0]?.watchMode === 'idle');
      await dovecot.deliver(ALICE.email, mail('Your verification code is 7788'));
      await until('alert', () => h.notifier.alerts.length === 1);
      expect(h.notifier.alerts[0]?.reason).toBe('Security Alerts: subject contains “verification code”');
      expect([...(await dovecot.flags(ALICE.email)).values()].flat()).not.toContain('\\Seen');
    } finally {
      await h.close();
    }
  });
});
