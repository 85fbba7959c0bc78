/**
 * What happens to a new message, on SQLite and PostgreSQL: one alert per message, digest for low importance,
 * quiet hours and the hourly rate limit, failed deliveries retried in the digest, channel-wide alerts, and LLM
 * classification through the real LLM client against the fake LLM server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLlm } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { EmailAccount, EmailMessage } from '../../src/email/index.js';
import { fakeLlmEnv } from '../support/app.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';
import { type Harness, startHarness } from './harness.js';

let uid = 100;
function message(subject: string, overrides: Partial<EmailMessage> = {}): EmailMessage {
  uid += 1;
  return {
    uid,
    from: 'Recruiter <talent@lever.co>',
    fromAddress: 'talent@lever.co',
    subject,
    snippet: `About ${subject}`,
    bodyText: `About ${subject}. Are you free on Tuesday?`,
    receivedAt: new Date('2026-03-02T10:00:00Z'),
    hasAttachments: false,
    to: ['me@example.com'],
    isRead: false,
    size: 1000,
    ...overrides,
  };
}

describe.each(['sqlite', 'postgres'] as const)('alert processing on %s', (backend) => {
  let h: Harness;
  let fake: FakeLlm;
  let account: EmailAccount;
  beforeAll(async () => {
    fake = await startFakeLlm();
    const llm = buildLlm(loadConfig({ env: fakeLlmEnv(fake), envFile: false })).llm;
    h = await startHarness({ backend, env: { EMAIL_ALERT_RATE_LIMIT: '2' }, llm });
    account = await h.email.store.insertAccount({
      userId: 'u1',
      emailAddress: 'me@example.com',
      imapServer: 'imap.example.com',
      imapPort: 993,
      imapUsername: 'me@example.com',
      imapTls: true,
      encryptedPassword: '',
      uidValidity: '7',
      lastSeenUid: 100,
    });
  });
  afterEach(async () => {
    for (const rule of await h.email.service.listRules('u1')) await h.email.service.removeRule('u1', rule.id);
    h.notifier.alerts.length = 0;
    h.notifier.digests.length = 0;
    h.notifier.failing = false;
    fake.reset();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  const process = async (m: EmailMessage, acc: EmailAccount = account) =>
    h.email.processor.process(acc, '7', m);

  it('records one alert per message and sends it once', async () => {
    await h.email.service.applyPreset('u1', 'job_hunting');
    const m = message('Phone screen');
    const alert = await process(m);
    expect(alert?.deliveryStatus).toBe('sent');
    expect(alert?.reason).toBe(
      'Job Hunting: sender contains “recruiter”; sender domain is lever.co; subject contains “phone screen”',
    );
    expect(await process(m)).toBeUndefined();
    expect(
      await process(message('Newsletter', { from: 'news@paper.example', fromAddress: 'news@paper.example' })),
    ).toBeUndefined();
    expect(h.notifier.alerts).toHaveLength(1);
    const rows = await h.db.kysely
      .selectFrom('email_alerts')
      .selectAll()
      .where('email_uid', '=', String(m.uid))
      .execute();
    expect(rows.map((r) => [r.uid_validity, r.delivery_status, r.message_id, r.importance])).toEqual([
      ['7', 'sent', 'msg-1', 'high'],
    ]);
  });

  it('holds low importance for the digest, rate-limits per account, and retries failed deliveries', async () => {
    await h.email.service.addRule('u1', {
      name: 'Any lever',
      importance: 'normal',
      definition: { conditions: { sender_domain: ['lever.co'] } },
    });
    await h.email.service.addRule('u1', {
      name: 'Receipts',
      importance: 'low',
      priority: 5,
      definition: { conditions: { subject_contains: ['receipt'] } },
    });
    expect((await process(message('Your receipt')))?.deliveryStatus).toBe('digest');
    expect(h.notifier.alerts).toHaveLength(0);
    // Two earlier sends this hour in the first test on this account: the limit (2) is reached already.
    const sentBefore = await h.email.alerts.sentSince(account.id, new Date(Date.now() - 3_600_000));
    const results = [];
    for (const subject of ['One', 'Two', 'Three'])
      results.push((await process(message(subject)))?.deliveryStatus);
    expect(results.filter((s) => s === 'sent')).toHaveLength(Math.max(0, 2 - sentBefore));
    expect(results.filter((s) => s === 'digest')).toHaveLength(3 - Math.max(0, 2 - sentBefore));

    expect(await h.email.processor.flushDigests()).toBe(1);
    expect(h.notifier.digests).toHaveLength(1);
    expect(h.notifier.digests[0]?.map((a) => a.subject)).toContain('Your receipt');
    expect(await h.email.processor.flushDigests()).toBe(0);
  });

  it('queues alerts during quiet hours and keeps failed deliveries for the digest', async () => {
    const other = await h.email.store.insertAccount({
      userId: 'u1',
      emailAddress: 'work@example.com',
      imapServer: 'imap.example.com',
      imapPort: 993,
      imapUsername: 'work@example.com',
      imapTls: true,
      encryptedPassword: '',
      alertChannelId: '123456',
    });
    await h.email.service.applyPreset('u1', 'urgent');
    h.notifier.failing = true;
    const failed = await process(message('URGENT: call me'), other);
    expect(failed?.deliveryStatus).toBe('failed');
    expect(failed?.target).toEqual({ kind: 'channel', channelId: '123456' });

    const hour = new Date().getUTCHours();
    const [quiet] = await h.email.service.configure('u1', 'work@example.com', {
      quietHours: { start: (hour + 23) % 24, end: (hour + 2) % 24 },
    });
    h.notifier.failing = false;
    expect((await process(message('urgent: later'), quiet))?.deliveryStatus).toBe('digest');
    expect(await h.email.processor.flushDigests()).toBe(0); // still quiet for this account
    await h.email.service.configure('u1', 'work@example.com', { quietHours: null });
    await h.email.processor.flushDigests();
    const digest = h.notifier.digests.find((d) => d[0]?.accountAddress === 'work@example.com');
    expect(digest?.map((a) => a.subject).sort()).toEqual(['URGENT: call me', 'urgent: later']);
  });

  it('asks the LLM for rules that want it and validates its JSON', async () => {
    await h.email.service.addRule('u1', {
      name: 'Interviews',
      importance: 'normal',
      definition: {
        conditions: { sender_domain: ['lever.co'] },
        llm: { instruction: 'Is this an interview invitation?' },
      },
    });
    fake.script('{"match": false, "reason": "a newsletter", "summary": "News"}');
    expect(await process(message('Weekly jobs'))).toBeUndefined();
    fake.script(
      '```json\n{"match": true, "reason": "asks for a time", "summary": "Interview on Tuesday", "importance": "urgent"}\n```',
    );
    const yes = await process(message('Chat next week?'));
    expect(yes?.reason).toBe('Interviews: sender domain is lever.co; LLM: asks for a time');
    expect(yes?.summary).toBe('Interview on Tuesday');
    expect(yes?.importance).toBe('urgent');
    const request = JSON.stringify(fake.chatRequests().at(-1)?.body);
    expect(request).toContain('Is this an interview invitation?');
    expect(request).toContain('Are you free on Tuesday?');
    fake.script('I think so!');
    expect((await process(message('Quick question')))?.reason).toBe(
      'Interviews: sender domain is lever.co (LLM check unavailable)',
    );
  });

  it('an LLM-only rule classifies mail without conditions, and never alerts when the LLM fails', async () => {
    await h.email.service.addRule('u1', {
      name: 'Flights',
      definition: { llm: { instruction: 'Is this about a flight booking?' } },
    });
    const other = message('Boarding pass', { from: 'x@airline.example', fromAddress: 'x@airline.example' });
    fake.script('{"match": true, "reason": "boarding pass", "summary": "Flight LH123 tomorrow"}');
    expect((await process(other))?.summary).toBe('Flight LH123 tomorrow');
    fake.script({ status: 500, message: 'boom' });
    expect(
      await process(message('Another', { from: 'y@z.example', fromAddress: 'y@z.example' })),
    ).toBeUndefined();
  });
});
