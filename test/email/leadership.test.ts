/**
 * Two Clara processes on one PostgreSQL database: only one watches the mailboxes (advisory lock); when it stops,
 * the other takes over at its next rescan and nothing is alerted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailSetup, type EmailSetup } from '../../src/email/index.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import { type Harness, mail, recordingNotifier, startHarness, until } from './harness.js';

const ALICE = { email: 'alice@example.com', password: 'alice-lock-pw' };

describe('one email monitor per PostgreSQL database', { timeout: 120_000 }, () => {
  let dovecot: Dovecot;
  let first: Harness;
  let second: EmailSetup;
  const secondNotifier = recordingNotifier();
  beforeAll(async () => {
    dovecot = await startDovecot([ALICE]);
    const timing = { rescanMs: 200 };
    first = await startHarness({ backend: 'postgres', timing });
    second = createEmailSetup({
      config: first.config,
      db: first.db,
      logger: {
        info: (obj, msg) => first.logs.push(`second: ${msg} ${JSON.stringify(obj)}`),
        warn: (obj, msg) => first.logs.push(`second: ${msg} ${JSON.stringify(obj)}`),
        debug: () => {},
      },
      timing: {
        reconnectBaseMs: 100,
        backoffMaxMs: 500,
        connectTimeoutMs: 20_000,
        digestMs: 3_600_000,
        ...timing,
      },
    });
    second.useNotifier(secondNotifier);
  });
  afterAll(async () => {
    await second?.stop();
    await first?.close();
    await dovecot?.dispose();
  });

  it('watches from one process only, and hands over when it stops', async () => {
    await first.email.start();
    await second.start();
    expect(first.email.watcher?.isLeader).toBe(true);
    expect(second.watcher?.isLeader).toBe(false);
    await first.email.service.addAccount('u', {
      emailAddress: ALICE.email,
      password: ALICE.password,
      imapServer: dovecot.host,
      imapPort: dovecot.port,
      tls: false,
    });
    await first.email.service.applyPreset('u', 'urgent');
    await until('first watching', () => first.email.watcher?.watching().length === 1);
    await dovecot.deliver(ALICE.email, mail('Urgent: one'));
    await until('alert from the first', () => first.notifier.alerts.length === 1);
    expect(second.watcher?.watching()).toEqual([]);

    await first.email.stop();
    await until(
      'second takes over',
      () => second.watcher?.isLeader === true && second.watcher.watching().length === 1,
    );
    await dovecot.deliver(ALICE.email, mail('Urgent: two'));
    await until('alert from the second', () => secondNotifier.alerts.length === 1);
    expect(secondNotifier.alerts.map((a) => a.subject)).toEqual(['Urgent: two']);
    expect(first.notifier.alerts.map((a) => a.subject)).toEqual(['Urgent: one']);
  });
});
