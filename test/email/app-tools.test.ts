/**
 * Email in the real app: the monitor starts with EMAIL_MONITORING_ENABLED and stops with the app; the model's
 * tools manage mailboxes and rules for the person asking; Clara's own mailbox is for admins, is read (nothing
 * marked read), and mail is sent through a local SMTP server only after the person confirmed the shown draft in a
 * later message (driven through the real engine and the fake LLM: the model cannot confirm on its own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../src/crypto/index.js';
import type { ToolContext } from '../../src/tools/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import type { RecordedRequest } from '../support/fake-llm.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';
import { type SmtpCapture, startSmtpCapture } from '../support/smtp.js';
import { turn } from '../support/turns.js';
import { mail, recordingNotifier, until } from './harness.js';

const ALICE = { email: 'alice@example.com', password: 'alice-pw-123' };
const CLARA = { email: 'clara@example.com', password: 'clara-pw-456' };

const context = (userId: string, isAdmin = false): ToolContext => ({
  userId,
  conversationId: `discord-dm-${userId}`,
  sessionId: 's1',
  platform: 'discord',
  channelId: '999',
  isAdmin,
});

/** The confirmation code send_email gave in the conversation so far (tool results and replies). */
function codeIn(request: RecordedRequest): string {
  const code = /Confirmation code: ([A-Z2-9]{6})/.exec(JSON.stringify(request.body.messages))?.[1];
  if (!code) throw new Error('no confirmation code in the conversation');
  return code;
}

/** The text of the tool results the model received in this request. */
function toolResults(request: RecordedRequest): string[] {
  return (request.body.messages as Array<{ role: string; content: unknown }>)
    .filter((m) => m.role === 'tool')
    .map((m) => String(m.content));
}

describe('email in the app', { timeout: 120_000 }, () => {
  let dovecot: Dovecot;
  let smtp: SmtpCapture;
  let app: TestApp;
  let fake: FakeLlm;
  const notifier = recordingNotifier();
  beforeAll(async () => {
    dovecot = await startDovecot([ALICE, CLARA]);
    smtp = await startSmtpCapture({ user: CLARA.email, password: CLARA.password });
    fake = await startFakeLlm({ chunkDelayMs: 1 });
    app = await startTestApp({
      backend: 'sqlite',
      fake,
      env: {
        EMAIL_MONITORING_ENABLED: 'true',
        EMAIL_ENCRYPTION_KEY: generateFernetKey(),
        CLARA_EMAIL_ADDRESS: CLARA.email,
        CLARA_EMAIL_PASSWORD: CLARA.password,
        CLARA_IMAP_SERVER: dovecot.host,
        CLARA_IMAP_PORT: String(dovecot.port),
        CLARA_SMTP_SERVER: smtp.host,
        CLARA_SMTP_PORT: String(smtp.port),
        CLARA_SMTP_TIMEOUT: '10',
        PORT: '0',
        USER_ID: 'discord-1',
      },
    });
    app.email.useNotifier(notifier);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await smtp?.close();
    await dovecot?.dispose();
  });

  const run = async (name: string, args: object, userId = 'discord-1', isAdmin = false) =>
    (await app.tools.execute({ name, arguments: JSON.stringify(args) }, context(userId, isAdmin))).content;

  it('offers the email tools and runs the monitor', async () => {
    for (const name of [
      'email_connect_imap',
      'email_list_accounts',
      'email_apply_preset',
      'check_email',
      'send_email',
    ]) {
      expect(app.tools.names()).toContain(name);
    }
    await until('watcher running', () => app.email.watcher?.isRunning === true);
  });

  it('connects a mailbox through the tools and alerts on new mail', async () => {
    const connected = await run('email_connect_imap', {
      email_address: ALICE.email,
      password: ALICE.password,
      imap_server: dovecot.host,
      imap_port: dovecot.port,
      use_tls: false,
    });
    expect(connected).toMatch(/^Connected alice@example\.com .*There are no rules yet/);
    expect(
      await run('email_connect_imap', {
        email_address: ALICE.email,
        password: 'x',
        imap_server: dovecot.host,
        imap_port: dovecot.port,
      }),
    ).toMatch(/already connected/);
    expect(await run('email_apply_preset', { preset_name: 'security' })).toMatch(
      /^Applied preset: Security Alerts \[high, priority 10, preset security\]/,
    );
    expect(await run('email_add_rule', { name: 'Bad', subject_regex: '([' })).toMatch(
      /^Error: The rule is not valid: conditions\.subject_regex: is not a valid regular expression/,
    );
    expect(
      await run('email_add_rule', { name: 'Boss', sender_contains: ['boss@'], importance: 'urgent' }),
    ).toMatch(/^Added rule: Boss \[urgent/);
    expect(await run('email_list_rules', {})).toMatch(/Security Alerts[\s\S]*Boss/);
    await until('watching', async () =>
      (await run('email_list_accounts', {})).includes('watching (push/IDLE)'),
    );

    await dovecot.deliver(ALICE.email, mail('Your verification code is 991'));
    await until('alert', () => notifier.alerts.length === 1);
    expect(notifier.alerts[0]?.reason).toBe('Security Alerts: subject contains “verification code”');
    expect(await run('email_recent_alerts', {})).toMatch(
      /HIGH Your verification code is 991 — from Sender <sender@example\.org>/,
    );
    // Another person sees none of it.
    expect(await run('email_list_accounts', {}, 'discord-2')).toBe('No mailbox is connected.');
    expect(await run('email_disconnect', { email_address: ALICE.email }, 'discord-2')).toMatch(
      /^Error: No connected mailbox/,
    );
  });

  it("serves the owner's recent alerts at GET /api/email/alerts", async () => {
    const base = (await app.startWeb()).url;
    const response = await fetch(`${base}api/email/alerts?limit=5`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { alerts: Array<{ subject: string; reason: string }> };
    expect(body.alerts.map((a) => [a.subject, a.reason])).toEqual([
      ['Your verification code is 991', 'Security Alerts: subject contains “verification code”'],
    ]);
    expect((await fetch(`${base}api/email/alerts?limit=0`)).status).toBe(400);
  });

  it('pauses, resumes and disconnects', async () => {
    expect(await run('email_pause_account', { email_address: ALICE.email })).toBe(
      'Paused alice@example.com.',
    );
    expect(await run('email_list_accounts', {})).toMatch(/alice@example\.com .* · paused/);
    expect(app.email.watcher?.watching()).toEqual([]);
    expect(await run('email_resume_account', { email_address: ALICE.email })).toBe(
      'Resumed alice@example.com.',
    );
    expect(app.email.watcher?.watching()).toHaveLength(1);
    expect(await run('email_set_quiet_hours', { start_hour: 22, end_hour: 7 })).toBe(
      'Quiet hours 22:00-7:00 UTC set for alice@example.com.',
    );
    // A channel shows senders and subjects to everyone there: admins only, as /email channel.
    expect(await run('email_set_alert_channel', { this_channel: true })).toMatch(
      /^Error: only an admin can send alerts to a channel/,
    );
    expect(await run('email_set_alert_channel', { channel_id: '123' })).toMatch(/^Error: only an admin/);
    expect((await app.email.service.listAccounts('discord-1'))[0]?.alertChannelId).toBeNull();
    expect(await run('email_set_alert_channel', { this_channel: true }, 'discord-1', true)).toBe(
      'Alerts for alice@example.com go to channel 999.',
    );
    expect(await run('email_set_alert_channel', {}, 'discord-1', true)).toMatch(
      /^Error: DISCORD_LOG_CHANNEL_ID is not set/,
    );
    expect(await run('email_set_alert_channel', { dm: true })).toBe(
      'Alerts for alice@example.com go to direct messages.',
    );
    expect(await run('email_disconnect', { email_address: ALICE.email })).toBe('Removed alice@example.com.');
    expect(app.email.watcher?.watching()).toEqual([]);
  });

  it("reads Clara's own mailbox (admins only) without marking anything read", async () => {
    await dovecot.deliver(CLARA.email, mail('Hello Clara', { from: 'Bob <bob@example.org>' }));
    await dovecot.deliver(CLARA.email, mail('Second note'));
    expect(await run('check_email', { unread_only: true })).toBe(
      'Error: the tool check_email is only for admins.',
    );
    const list = await run('check_email', { unread_only: true }, 'discord-1', true);
    expect(list).toBe(
      '1. From: Sender <sender@example.org>\n   Subject: Second note [UNREAD]\n   Date: Mon, 02 Mar 2026 10:00:00 GMT\n' +
        '2. From: Bob <bob@example.org>\n   Subject: Hello Clara [UNREAD]\n   Date: Mon, 02 Mar 2026 10:00:00 GMT',
    );
    expect(await run('check_email', { limit: 1 }, 'discord-1', true)).toMatch(
      /^1\. From: Sender <sender@example\.org>\n {3}Subject: Second note \[UNREAD\]/,
    );
    const flags = await dovecot.flags(CLARA.email);
    expect([...flags.values()].some((f) => f.includes('\\Seen'))).toBe(false);
  });

  it('sends only after the person confirmed the shown draft in a later message', async () => {
    const draft = { to: 'bob@example.org', subject: 'Hi Bob', body: 'Hello Bob, see you.' };
    const owner = { isAdmin: true };
    expect(await run('send_email', draft)).toBe('Error: the tool send_email is only for admins.');

    // Turn 1: the model drafts, then tries to confirm by itself in the same turn.
    fake.script(
      { toolCalls: [{ id: 'c1', name: 'send_email', arguments: draft }] },
      (request) => ({
        toolCalls: [
          { id: 'c2', name: 'send_email', arguments: { ...draft, confirmation_token: codeIn(request) } },
        ],
      }),
      (request) => `Here is the draft. Shall I send it? Confirmation code: ${codeIn(request)}`,
    );
    const first = await turn(app.engine, 'Please email Bob that I will see him.', owner);
    expect(first.last?.type).toBe('done');
    const [, , third] = fake.chatRequests().slice(-3);
    const results = toolResults(third as RecordedRequest);
    expect(results[0]).toMatch(
      /^Draft \(not sent\):\nFrom: clara@example\.com\nTo: bob@example\.org\nSubject: Hi Bob\n\nHello Bob, see you\.\n\nShow the person this draft/,
    );
    expect(results[1]).toMatch(/^Not sent: the person has not answered since the draft was shown/);
    expect(smtp.messages).toHaveLength(0);
    const code = codeIn(third as RecordedRequest);

    // Another person, or a changed draft, cannot use the code.
    expect(await run('send_email', { ...draft, confirmation_token: code }, 'discord-2', true)).toMatch(
      /^Not sent: that confirmation code is unknown or expired/,
    );

    // Turn 2: the person agrees; the model sends with the code from the conversation.
    fake.script(
      (request) => ({
        toolCalls: [
          { id: 'c3', name: 'send_email', arguments: { ...draft, confirmation_token: codeIn(request) } },
        ],
      }),
      'Sent.',
    );
    await turn(app.engine, 'Yes, send it.', owner);
    expect(toolResults(fake.chatRequests().at(-1) as RecordedRequest).at(-1)).toBe(
      'Email sent successfully to bob@example.org.',
    );
    expect(smtp.messages).toHaveLength(1);
    const [sent] = smtp.messages;
    expect(sent?.to).toEqual(['bob@example.org']);
    expect(sent?.from).toBe(CLARA.email);
    expect(sent?.user).toBe(CLARA.email);
    expect(sent?.parsed.subject).toBe('Hi Bob');
    expect(sent?.parsed.text?.trim()).toBe('Hello Bob, see you.');

    // Turn 3: the code worked once; a changed draft needs a new confirmation.
    fake.script(
      { toolCalls: [{ id: 'c4', name: 'send_email', arguments: { ...draft, confirmation_token: code } }] },
      'Done.',
    );
    await turn(app.engine, 'Send it again please.', owner);
    expect(toolResults(fake.chatRequests().at(-1) as RecordedRequest).at(-1)).toMatch(
      /^Not sent: that confirmation code is unknown or expired \(it works once\)\. Draft \(not sent\)/,
    );
    const fresh = /Confirmation code: ([A-Z2-9]{6})/.exec(
      toolResults(fake.chatRequests().at(-1) as RecordedRequest).at(-1) ?? '',
    )?.[1];
    expect(fresh).toMatch(/^[A-Z2-9]{6}$/);
    expect(fresh).not.toBe(code);
    fake.script(
      {
        toolCalls: [
          {
            id: 'c5',
            name: 'send_email',
            arguments: { ...draft, body: 'Changed text', confirmation_token: fresh },
          },
        ],
      },
      'Hm.',
    );
    await turn(app.engine, `Yes (code ${fresh}).`, owner);
    expect(toolResults(fake.chatRequests().at(-1) as RecordedRequest).at(-1)).toMatch(
      /^Not sent: the draft changed since it was shown/,
    );
    expect(smtp.messages).toHaveLength(1);
    expect(
      await run('send_email', { ...draft, to: 'bob@example.org, eve@example.org' }, 'discord-1', true),
    ).toMatch(/invalid arguments.*one email address/);
  });

  it('stops the monitor with the app', async () => {
    const watcher = app.email.watcher;
    await app.stop();
    expect(watcher?.isRunning).toBe(false);
  });
});
