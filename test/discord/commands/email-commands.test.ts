/**
 * `/email` with the real email service and a real Dovecot: presets, connecting a mailbox through the private form
 * (the password only ever in the modal, never in answers or audit rows), a wrong password, status, rules,
 * the alert channel (Administrator), pause / resume / test / remove.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../../src/crypto/index.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { type Dovecot, startDovecot } from '../../support/dovecot.js';
import { commandDepsFromApp, eventually, type Harness, startHarness } from './harness.js';

const ALICE = { email: 'alice@example.com', password: 'alice-SECRET-pw' };

describe('/email', { timeout: 90_000 }, () => {
  let app: TestApp;
  let h: Harness;
  let dovecot: Dovecot;
  let bob: string;

  beforeAll(async () => {
    dovecot = await startDovecot([ALICE]);
    app = await startTestApp({ backend: 'sqlite', env: { EMAIL_ENCRYPTION_KEY: generateFernetKey() } });
    h = await startHarness(commandDepsFromApp(app));
    bob = h.users.member;
  });
  afterAll(async () => {
    await h?.close();
    await app?.stop();
    await dovecot?.dispose();
  });

  const submit = (fields: Record<string, string>) =>
    h.fake.submitModal('clara:email-add', fields, { userId: bob, channelId: h.general });

  it('lists the rule presets', async () => {
    const { embed } = await h.answer(h.slash('email presets', {}, bob), /Rule presets/);
    expect(embed.fields?.map((f) => f.name)).toEqual(
      expect.arrayContaining([expect.stringContaining('Job Hunting (`job_hunting`, high)')]),
    );
  });

  it('opens a private form for the password, prefilled with the options', async () => {
    const id = h.slash('email account add', { address: ALICE.email, port: dovecot.port }, bob);
    const interaction = await h.fake.waitForInteractionResponse(id);
    const [response] = interaction.responses;
    expect(response?.type).toBe(9);
    const data = response?.data as {
      custom_id: string;
      components: Array<{ components: Array<{ custom_id: string; value?: string }> }>;
    };
    expect(data.custom_id).toBe('clara:email-add');
    const inputs = data.components.map((row) => row.components[0]);
    expect(inputs.map((i) => i?.custom_id)).toEqual(['address', 'password', 'server', 'port', 'username']);
    expect(inputs[0]?.value).toBe(ALICE.email);
    expect(inputs[1]?.value).toBeUndefined();
    expect(inputs[3]?.value).toBe(String(dovecot.port));
  });

  it('refuses a wrong password and stores nothing', async () => {
    const wrong = submit({
      address: ALICE.email,
      password: 'not-it',
      server: dovecot.host,
      port: String(dovecot.port),
      username: '',
    });
    const { embed } = await h.answer(wrong.id, /❌/, 20_000);
    expect(embed.description).toMatch(/password|auth|login/i);
    expect(await app.email.service.listAccounts(`discord-${bob}`)).toEqual([]);
  });

  it('connects a mailbox; the password never appears in answers or the audit log', async () => {
    const ok = submit({
      address: ALICE.email,
      password: ALICE.password,
      server: dovecot.host,
      port: String(dovecot.port),
      username: '',
    });
    const { embed, message } = await h.answer(ok.id, /Connected/, 20_000);
    expect(embed.title).toBe(`✅ Connected ${ALICE.email}`);
    expect(message.flags & 64).toBe(64);
    const [account] = await app.email.service.listAccounts(`discord-${bob}`);
    expect(account).toMatchObject({
      emailAddress: ALICE.email,
      imapServer: dovecot.host,
      imapPort: dovecot.port,
    });

    const status = await h.answer(h.slash('email status', {}, bob), /Your mailboxes/);
    expect(status.embed.description).toContain(ALICE.email);
    expect(status.embed.footer?.text).toContain('EMAIL_MONITORING_ENABLED');

    const rows = await eventually('two audit rows', async () => {
      const found = await app.db.repos.adminAudit.recent({ action: '/email account add' });
      return found.length >= 2 && found;
    });
    expect(rows.map((r) => r.result)).toEqual(['ok', 'error']);
    expect(rows[0]?.details).toMatchObject({ address: ALICE.email, port: String(dovecot.port) });
    const everything = JSON.stringify([rows, h.fake.messages(h.general).map((m) => m.embeds)]);
    expect(everything).not.toContain('SECRET');
  });

  it('manages rules: presets, custom rules with validation, list, remove', async () => {
    await h.answer(
      h.slash('email rule preset', { preset: 'job_hunting' }, bob),
      /Preset applied: Job Hunting/,
    );
    const invalid = await h.answer(h.slash('email rule add', { name: 'empty' }, bob));
    expect(invalid.embed.title).toBe('❌ Email');
    expect(invalid.embed.description).toContain('needs at least one condition');
    const added = await h.answer(
      h.slash(
        'email rule add',
        { name: 'Boss', sender_contains: 'boss@work.example, ceo@', importance: 'urgent' },
        bob,
      ),
      /Rule added/,
    );
    expect(added.embed.description).toContain('sender contains boss@work.example|ceo@');
    const list = await h.answer(h.slash('email rule list', {}, bob), /Your email rules/);
    expect(list.embed.description).toContain('Job Hunting');
    expect(list.embed.description).toContain('Boss [urgent');
    await h.answer(h.slash('email rule remove', { rule: 'boss' }, bob), /Rule removed: Boss/);
    expect((await app.email.service.listRules(`discord-${bob}`)).map((r) => r.name)).toEqual(['Job Hunting']);
  });

  it('sends alerts to a server channel only for admins', async () => {
    const alerts = h.guild.channels.alerts as string;
    const denied = await h.answer(
      h.slash('email channel', { channel: { type: 'channel', value: alerts } }, bob),
    );
    expect(denied.embed.title).toBe('❌ Permission denied');
    const [account] = await app.email.service.listAccounts(`discord-${bob}`);
    expect(account?.alertChannelId).toBeNull();

    const admin = h.users.admin;
    const form = h.fake.submitModal(
      'clara:email-add',
      {
        address: ALICE.email,
        password: ALICE.password,
        server: dovecot.host,
        port: String(dovecot.port),
        username: '',
      },
      { userId: admin, channelId: h.general },
    );
    await h.answer(form.id, /Connected/, 20_000);
    const set = await h.answer(
      h.slash('email channel', { channel: { type: 'channel', value: alerts } }, admin),
      /Alert channel set/,
    );
    expect(set.embed.description).toContain(`now go to <#${alerts}>`);
    expect((await app.email.service.listAccounts(`discord-${admin}`))[0]?.alertChannelId).toBe(alerts);
    await h.answer(h.slash('email channel', {}, admin), /Alert channel set/);
    expect((await app.email.service.listAccounts(`discord-${admin}`))[0]?.alertChannelId).toBeNull();
  });

  it('pauses, resumes, tests and removes a mailbox', async () => {
    await h.answer(h.slash('email account pause', { address: ALICE.email }, bob), /Paused/);
    expect((await app.email.service.listAccounts(`discord-${bob}`))[0]?.enabled).toBe(false);
    await h.answer(h.slash('email account resume', { address: ALICE.email }, bob), /Resumed/);
    const tested = await h.answer(
      h.slash('email account test', { address: ALICE.email }, bob),
      /works/,
      20_000,
    );
    expect(tested.embed.description).toContain('INBOX has 0 message(s)');
    const unknown = await h.answer(h.slash('email account remove', { address: 'who@example.com' }, bob));
    expect(unknown.embed.description).toContain('Connected: alice@example.com');
    await h.answer(h.slash('email account remove', { address: ALICE.email }, bob), /Removed/);
    expect(await app.email.service.listAccounts(`discord-${bob}`)).toEqual([]);
  });
});
