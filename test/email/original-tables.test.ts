import { afterEach, describe, expect, it } from 'vitest';
import { fernetEncrypt, generateFernetKey } from '../../src/crypto/index.js';
import { openDatabase } from '../../src/db/index.js';
import {
  AlertStore,
  accountState,
  createCredentialCipher,
  describeAccount,
  EmailStore,
} from '../../src/email/index.js';
import { DIALECTS, type Dialect, execRaw, freshTarget } from '../db/targets.js';

function originalTables(dialect: Dialect, passwordToken: string): string[] {
  const ts = dialect === 'postgres' ? 'TIMESTAMP WITHOUT TIME ZONE' : 'DATETIME';
  return [
    `CREATE TABLE email_accounts (id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, email_address VARCHAR NOT NULL,
      provider_type VARCHAR NOT NULL, imap_server VARCHAR, imap_port INTEGER, imap_username VARCHAR, imap_password TEXT,
      enabled VARCHAR, poll_interval_minutes INTEGER, last_checked_at ${ts}, last_seen_uid VARCHAR,
      last_seen_timestamp ${ts}, status VARCHAR, last_error TEXT, error_count INTEGER, alert_channel_id VARCHAR,
      ping_on_alert VARCHAR, quiet_hours_start INTEGER, quiet_hours_end INTEGER, created_at ${ts}, updated_at ${ts},
      PRIMARY KEY (id))`,
    `CREATE TABLE email_rules (id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, account_id VARCHAR, name VARCHAR NOT NULL,
      enabled VARCHAR, priority INTEGER, rule_definition TEXT NOT NULL, importance VARCHAR, custom_alert_message TEXT,
      override_ping VARCHAR, preset_name VARCHAR, created_at ${ts}, updated_at ${ts}, PRIMARY KEY (id),
      FOREIGN KEY(account_id) REFERENCES email_accounts (id))`,
    `CREATE TABLE email_alerts (id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL,
      rule_id VARCHAR, email_uid VARCHAR NOT NULL, email_from VARCHAR NOT NULL, email_subject VARCHAR NOT NULL,
      email_snippet TEXT, email_received_at ${ts}, channel_id VARCHAR NOT NULL, message_id VARCHAR,
      importance VARCHAR NOT NULL, was_pinged VARCHAR, sent_at ${ts}, PRIMARY KEY (id),
      FOREIGN KEY(account_id) REFERENCES email_accounts (id), FOREIGN KEY(rule_id) REFERENCES email_rules (id))`,
    `INSERT INTO email_accounts (id, user_id, email_address, provider_type, imap_server, imap_port, imap_username,
      imap_password, enabled, poll_interval_minutes, last_seen_uid, status, error_count, ping_on_alert,
      alert_channel_id, created_at)
      VALUES ('acc-1', 'discord-42', 'me@icloud.com', 'imap', 'imap.mail.me.com', 993, NULL, '${passwordToken}',
      'true', 5, '1200', 'active', 0, 'true', '777', '2025-01-02 03:04:05.000000'),
      ('acc-2', 'discord-43', 'me@gmail.com', 'gmail', NULL, NULL, NULL, NULL,
      'true', 5, '18c0a1b2c3d4e5f6', 'active', 0, 'false', NULL, '2025-01-03 03:04:05.000000')`,
    `INSERT INTO email_rules (id, user_id, account_id, name, enabled, priority, rule_definition, importance,
      override_ping, preset_name)
      VALUES ('r-1', 'discord-42', NULL, 'Job Hunting', 'true', 10,
      '{"conditions": {"sender_domain": ["lever.co"], "subject_contains": ["interview"]}, "match_mode": "any"}',
      'high', NULL, 'job_hunting'),
      ('r-2', 'discord-42', NULL, 'Broken', 'true', 1, 'not json', 'normal', NULL, NULL)`,
    `INSERT INTO email_alerts (id, user_id, account_id, rule_id, email_uid, email_from, email_subject, email_snippet,
      email_received_at, channel_id, message_id, importance, was_pinged, sent_at)
      VALUES ('al-1', 'discord-42', 'acc-1', 'r-1', '1199', 'talent@lever.co', 'Interview', 'Hi there',
      '2025-01-02 04:00:00.000000', '777', '123456789', 'high', 'true', '2025-01-02 04:00:05.000000')`,
  ];
}

describe.each(DIALECTS)('original email tables on %s', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('are adopted: rows, passwords, rules and alerts stay readable', async () => {
    const target = await freshTarget(dialect);
    cleanups.push(target.cleanup);
    const key = generateFernetKey();
    // A token as Python's Fernet(key).encrypt(b"app-password") makes it.
    await execRaw(dialect, target, originalTables(dialect, fernetEncrypt(key, 'app-password')));
    const db = await openDatabase(target.options);
    cleanups.push(() => db.close());
    await db.migrate();
    expect(await db.migrate()).toEqual([]);

    const store = new EmailStore(db.kysely);
    const [account] = await store.accounts('discord-42');
    expect(account).toMatchObject({
      emailAddress: 'me@icloud.com',
      imapServer: 'imap.mail.me.com',
      imapPort: 993,
      imapUsername: 'me@icloud.com',
      imapTls: true,
      enabled: true,
      status: 'active',
      lastSeenUid: 1200,
      uidValidity: null,
      pingOnAlert: true,
      alertChannelId: '777',
    });
    expect(account?.createdAt?.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    // A Gmail API row of the original is not watched, and says why.
    const [gmail] = await store.accounts('discord-43');
    expect(gmail && accountState(gmail)).toBe('unsupported');
    expect(gmail && describeAccount(gmail, new Date('2025-02-01T00:00:00Z'))).toBe(
      'me@gmail.com (Gmail API) · not watched: Gmail API accounts are not supported; re-add with an app password (IMAP)',
    );
    expect((await store.watchableAccounts()).map((a) => a.id)).toEqual(['acc-1']);
    const token = await store.encryptedPassword('acc-1');
    expect(createCredentialCipher(key).decrypt(token ?? '')).toBe('app-password');

    const rules = await store.rules('discord-42');
    expect(rules.map((r) => [r.name, r.presetName, r.importance, r.priority])).toEqual([
      ['Job Hunting', 'job_hunting', 'high', 10],
    ]);

    const [alert] = await new AlertStore(db.kysely).recent('discord-42', 10);
    expect(alert).toMatchObject({
      subject: 'Interview',
      ruleName: 'Job Hunting',
      accountAddress: 'me@icloud.com',
      uid: 1199,
      ping: true,
      target: { kind: 'channel', channelId: '777' },
      deliveryStatus: 'sent',
      messageId: '123456789',
    });
  });
});
