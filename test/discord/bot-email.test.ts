/**
 * Email alerts reach Discord through the real adapter (discord.js against the fake Discord) from a real Dovecot:
 * DMs (urgent ones notify, others arrive silently), digests, channel-wide alerts in the log channel
 * (DISCORD_LOG_CHANNEL_ID) mentioning the owner, closed DMs (50007) retried a bounded number of times with the status
 * shown, `/email account resume` waking a watcher in a long back-off, and mail that arrived while Clara was down
 * reaching Discord after the restart exactly once (issue 7 with issue 4). Nothing is marked read.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscord, type DiscordHandle } from '../../src/app/discord.js';
import { generateFernetKey } from '../../src/crypto/index.js';
import { createCredentialCipher, MAX_DELIVERY_ATTEMPTS } from '../../src/email/index.js';
import type { ToolContext } from '../../src/tools/index.js';
import { mail, until } from '../email/harness.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { freshSqliteDir } from '../support/databases.js';
import {
  CHANNEL_IDS,
  type DiscordWorld,
  discordEnv,
  NO_IDENTIFY_WAIT,
  startDiscordWorld,
} from '../support/discord-bot.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';

const BOB = { email: 'bob@example.com', password: 'bob-pw-123' };
const ALICE = { email: 'alice@example.com', password: 'alice-pw-456' };
const CAROL = { email: 'carol@example.com', password: 'carol-pw-789' };
const SILENT = MessageFlags.SuppressNotifications;

function toolContext(discordId: string, isAdmin: boolean, channelId?: string): ToolContext {
  return {
    userId: `discord-${discordId}`,
    conversationId: channelId ? `discord-channel-${channelId}` : `discord-dm-${discordId}`,
    sessionId: 's1',
    platform: 'discord',
    ...(channelId ? { channelId } : {}),
    isAdmin,
  };
}

/** The JSON body Clara posted to create the message with `text` in `channelId` (recorded once answered). */
async function postedBody(fake: FakeDiscord, channelId: string, text: string) {
  const request = await fake.waitFor(`the POST with "${text}"`, () =>
    fake.requests.find(
      (r) =>
        r.method === 'POST' &&
        r.path.endsWith(`/channels/${channelId}/messages`) &&
        JSON.stringify(r.body).includes(text),
    ),
  );
  return request.body as { allowed_mentions?: { users?: string[]; parse?: string[] }; flags?: number };
}

describe('email alerts in Discord', { timeout: 180_000 }, () => {
  let dovecot: Dovecot;
  let w: DiscordWorld;
  const key = generateFernetKey();

  beforeAll(async () => {
    dovecot = await startDovecot([BOB, ALICE, CAROL]);
    w = await startDiscordWorld({
      env: {
        EMAIL_MONITORING_ENABLED: 'true',
        EMAIL_ENCRYPTION_KEY: key,
        DISCORD_LOG_CHANNEL_ID: CHANNEL_IDS.logs,
      },
    });
  });
  afterAll(async () => {
    await w?.close();
    await dovecot?.dispose();
  });

  const run = async (context: ToolContext, name: string, args: object) =>
    (await w.app.tools.execute({ name, arguments: JSON.stringify(args) }, context)).content;
  const connect = async (context: ToolContext, user: { email: string; password: string }) =>
    run(context, 'email_connect_imap', {
      email_address: user.email,
      password: user.password,
      imap_server: dovecot.host,
      imap_port: dovecot.port,
      use_tls: false,
    });
  const watching = (userId: string, address: string) =>
    until(`${address} watching`, async () => {
      const account = (await w.app.email.service.listAccounts(userId)).find(
        (a) => a.emailAddress === address,
      );
      return account?.watchMode === 'idle' && account.status === 'active';
    });

  it('DMs the owner (high and urgent alerts notify, others arrive silently) and sends digests as DMs', async () => {
    const bob = toolContext(w.bobId, false);
    expect(await connect(bob, BOB)).toMatch(/^Connected bob@example\.com/);
    expect(await run(bob, 'email_apply_preset', { preset_name: 'security' })).toMatch(/^Applied preset/);
    expect(await run(bob, 'email_apply_preset', { preset_name: 'shipping' })).toMatch(/^Applied preset/);
    expect(
      await run(bob, 'email_add_rule', {
        name: 'Newsletters',
        importance: 'low',
        subject_contains: ['newsletter'],
      }),
    ).toMatch(/^Added rule: Newsletters \[low/);
    await watching(bob.userId, BOB.email);

    const dm = w.fake.dmChannel(w.bobId);
    await dovecot.deliver(BOB.email, mail('Your verification code is 424242'));
    const alert = await w.fake.waitForMessage(dm, (m) => m.content.includes('verification code is 424242'));
    expect(alert.content).toContain('Why: Security Alerts: subject contains “verification code”');
    expect(alert.content).toContain('Importance: HIGH');
    expect(alert.flags & SILENT).toBe(0);

    await dovecot.deliver(BOB.email, mail('Your order has shipped'));
    const normal = await w.fake.waitForMessage(dm, (m) => m.content.includes('Your order has shipped'));
    expect(normal.flags & SILENT).toBe(SILENT);

    await dovecot.deliver(BOB.email, mail('The Friday newsletter'));
    await until('queued for the digest', async () =>
      (await w.app.email.service.recentAlerts(bob.userId, 20)).some((a) => a.deliveryStatus === 'digest'),
    );
    expect(await w.app.email.processor.flushDigests()).toBe(1);
    const digest = await w.fake.waitForMessage(dm, (m) => m.content.startsWith('📬 Email digest'));
    expect(digest.content).toBe(
      '📬 Email digest for bob@example.com: 1 message(s)\n• The Friday newsletter — Sender <sender@example.org> (Newsletters)',
    );
    expect(digest.flags & SILENT).toBe(SILENT);
    expect([...(await dovecot.flags(BOB.email)).values()].flat()).not.toContain('\\Seen');
  });

  it('posts channel-wide alerts and digests in the log channel, mentioning the owner; only admins choose a channel', async () => {
    const bob = toolContext(w.bobId, false, w.general);
    expect(await run(bob, 'email_set_alert_channel', { channel_id: w.general })).toMatch(
      /^Error: only an admin can send alerts to a channel/,
    );
    expect(await run(bob, 'email_set_alert_channel', {})).toMatch(/^Error: only an admin/);
    expect((await w.app.email.service.listAccounts(bob.userId))[0]?.alertChannelId).toBeNull();

    const alice = toolContext(w.aliceId, true, w.general);
    expect(await connect(alice, ALICE)).toMatch(/^Connected alice@example\.com/);
    expect(await run(alice, 'email_set_alert_channel', {})).toBe(
      `Alerts for alice@example.com go to the log channel ${CHANNEL_IDS.logs}.`,
    );
    // The slash command picks the same channel (Administrator only).
    const slash = w.fake.slashCommand(
      'email channel',
      { log_channel: true },
      { userId: w.aliceId, channelId: w.general },
    );
    await w.fake.waitForInteractionResponse(slash.id);
    await until(
      'the log channel is set',
      async () =>
        (await w.app.email.service.listAccounts(alice.userId))[0]?.alertChannelId === CHANNEL_IDS.logs,
    );
    expect(await run(alice, 'email_toggle_ping', { enabled: true })).toMatch(/^Pings on/);
    expect(await run(alice, 'email_apply_preset', { preset_name: 'urgent' })).toMatch(/^Applied preset/);
    expect(
      await run(alice, 'email_add_rule', {
        name: 'Digest me',
        importance: 'low',
        subject_contains: ['weekly'],
      }),
    ).toMatch(/^Added rule/);
    await watching(alice.userId, ALICE.email);

    await dovecot.deliver(ALICE.email, mail('URGENT: the build is red'));
    const posted = await w.fake.waitForMessage(CHANNEL_IDS.logs, (m) =>
      m.content.includes('the build is red'),
    );
    expect(posted.content.startsWith(`<@${w.aliceId}> 📬 **URGENT: the build is red**`)).toBe(true);
    expect(posted.mentionIds).toEqual([w.aliceId]);
    const body = await postedBody(w.fake, CHANNEL_IDS.logs, 'the build is red');
    expect(body.allowed_mentions).toEqual({ parse: [], users: [w.aliceId] });
    expect((body.flags ?? 0) & SILENT).toBe(0);

    await dovecot.deliver(ALICE.email, mail('Your weekly summary'));
    await until('queued for the digest', async () =>
      (await w.app.email.service.recentAlerts(alice.userId, 20)).some((a) => a.deliveryStatus === 'digest'),
    );
    expect(await w.app.email.processor.flushDigests()).toBe(1);
    const digest = await w.fake.waitForMessage(CHANNEL_IDS.logs, (m) => m.content.includes('Email digest'));
    expect(digest.content).toBe(
      `<@${w.aliceId}> 📬 Email digest for alice@example.com: 1 message(s)\n• Your weekly summary — Sender <sender@example.org> (Digest me)`,
    );
    const digestBody = await postedBody(w.fake, CHANNEL_IDS.logs, 'Your weekly summary');
    expect(digestBody.allowed_mentions).toEqual({ parse: [], users: [] });
    expect(digest.flags & SILENT).toBe(SILENT);
    // Nothing went to Alice's DMs.
    expect(w.fake.messages(w.fake.dmChannel(w.aliceId))).toEqual([]);
  });

  it(`retries an alert when the owner's DMs are closed (50007) at most ${MAX_DELIVERY_ATTEMPTS} times, and shows why`, async () => {
    const bob = toolContext(w.bobId, false);
    const dm = w.fake.dmChannel(w.bobId);
    const before = w.fake.messages(dm).length;
    w.fake.closeDms(w.bobId);
    try {
      await dovecot.deliver(BOB.email, mail('New sign-in attempt from Lisbon'));
      const failed = await until('delivery failed', async () => {
        const a = (await w.app.email.service.recentAlerts(bob.userId, 20)).find(
          (x) => x.subject === 'New sign-in attempt from Lisbon',
        );
        return a?.deliveryStatus === 'failed' ? a : undefined;
      });
      expect(failed.deliveryAttempts).toBe(1);
      expect(failed.deliveryError).toMatch(/Cannot send messages to this user/);
      for (let attempt = 2; attempt <= MAX_DELIVERY_ATTEMPTS; attempt += 1) {
        expect(await w.app.email.processor.flushDigests()).toBe(0);
      }
      expect(await run(bob, 'email_recent_alerts', { limit: 20 })).toMatch(
        /New sign-in attempt from Lisbon .*\[undeliverable after 5 attempts, not retried: Cannot send messages to this user\]$/m,
      );
    } finally {
      w.fake.closeDms(w.bobId, false);
    }
    expect(await w.app.email.processor.flushDigests()).toBe(0);
    expect(w.fake.messages(dm)).toHaveLength(before);
  });

  it('/email account resume wakes a watcher waiting out a long back-off', async () => {
    const { store, watcher } = w.app.email;
    const userId = `discord-${w.bobId}`;
    const cipher = createCredentialCipher(key);
    const account = await store.insertAccount({
      userId,
      emailAddress: CAROL.email,
      imapServer: dovecot.host,
      imapPort: dovecot.port,
      imapUsername: CAROL.email,
      imapTls: false,
      encryptedPassword: cipher.encrypt('an-old-password'),
    });
    // Many failures already: the next wait is EMAIL_ERROR_BACKOFF_MAX (60 minutes).
    await store.recordProgress(account.id, { status: 'error', errorCount: 12, lastError: 'earlier' });
    await watcher?.refresh();
    const waiting = await until('failed again', async () => {
      const a = await store.account(account.id);
      return a && a.errorCount === 13 && a.nextCheckAt ? a : undefined;
    });
    expect(waiting.lastError).toMatch(/^Login failed/);
    expect(
      (waiting.nextCheckAt as Date).getTime() - (waiting.lastCheckedAt ?? new Date()).getTime(),
    ).toBeGreaterThan(30 * 60_000);
    await store.updateSettings(account.id, { encryptedPassword: cipher.encrypt(CAROL.password) });

    const resume = w.fake.slashCommand(
      'email account resume',
      { address: CAROL.email },
      { userId: w.bobId, channelId: w.general },
    );
    await w.fake.waitForInteractionResponse(resume.id);
    const back = await until('watching again', async () => {
      const a = await store.account(account.id);
      return a?.status === 'active' && a.watchMode === 'idle' && a.lastCheckedAt ? a : undefined;
    });
    expect(back.errorCount).toBe(0);
    await w.app.email.service.removeAccount(userId, CAROL.email);
  });
});

describe('email alerts across a Clara restart', { timeout: 180_000 }, () => {
  let dovecot: Dovecot;
  let fake: FakeDiscord;
  let bobId: string;
  let dataDir: string;
  const key = generateFernetKey();

  beforeAll(async () => {
    dovecot = await startDovecot([BOB]);
    fake = await startFakeDiscord();
    bobId = fake.addUser({ username: 'bob', globalName: 'Bob' }).id;
    const guild = fake.addGuild({
      name: 'Clara Test',
      channels: [{ id: CHANNEL_IDS.general, name: 'general' }],
    });
    fake.addMember(guild.id, bobId);
    dataDir = await freshSqliteDir('clara-email-restart-');
  });
  afterAll(async () => {
    await fake?.close();
    await dovecot?.dispose();
  });

  const startClara = async (): Promise<TestApp> =>
    startTestApp({
      backend: 'sqlite',
      dataDir,
      env: await discordEnv(fake, { EMAIL_MONITORING_ENABLED: 'true', EMAIL_ENCRYPTION_KEY: key }),
    });
  const connectDiscord = async (app: TestApp): Promise<DiscordHandle> => {
    const discord = createDiscord(app, { clientOptions: NO_IDENTIFY_WAIT });
    await discord.start();
    return discord;
  };

  it('mail delivered while Clara was down reaches Discord after the restart, exactly once', async () => {
    const userId = `discord-${bobId}`;
    const dm = fake.dmChannel(bobId);
    const first = await startClara();
    const firstDiscord = await connectDiscord(first);
    try {
      const context = toolContext(bobId, false);
      const run = async (name: string, args: object) =>
        (await first.tools.execute({ name, arguments: JSON.stringify(args) }, context)).content;
      expect(
        await run('email_connect_imap', {
          email_address: BOB.email,
          password: BOB.password,
          imap_server: dovecot.host,
          imap_port: dovecot.port,
          use_tls: false,
        }),
      ).toMatch(/^Connected/);
      expect(await run('email_apply_preset', { preset_name: 'urgent' })).toMatch(/^Applied preset/);
      await until(
        'watching',
        async () => (await first.email.service.listAccounts(userId))[0]?.watchMode === 'idle',
      );
      await dovecot.deliver(BOB.email, mail('URGENT: before the restart'));
      await fake.waitForMessage(dm, (m) => m.content.includes('before the restart'));
    } finally {
      await firstDiscord.stop(2_000);
      await first.stop({ timeoutMs: 2_000 });
    }

    await dovecot.deliver(BOB.email, mail('URGENT: while Clara was down'));

    // The monitor starts with the app, before Discord is connected: the alert must wait, not be lost.
    const second = await startClara();
    let secondDiscord: DiscordHandle | undefined;
    try {
      const held = await until('the alert is recorded', async () =>
        (await second.email.service.recentAlerts(userId, 5)).find((a) => a.subject.includes('while Clara')),
      );
      expect([held.deliveryStatus, held.messageId]).toEqual(['pending', null]);
      expect(second.email.notifierReady).toBe(false);

      secondDiscord = await connectDiscord(second);
      const dmd = await fake.waitForMessage(dm, (m) => m.content.includes('while Clara was down'));
      const sent = await until('marked sent', async () => {
        const a = (await second.email.service.recentAlerts(userId, 5)).find((x) => x.id === held.id);
        return a?.deliveryStatus === 'sent' ? a : undefined;
      });
      expect(sent.messageId).toBe(dmd.id);
      // Later sweeps send nothing again.
      expect(await second.email.processor.deliverPending()).toBe(0);
      await second.email.watcher?.refresh();
      const contents = fake.messages(dm).map((m) => m.content);
      expect(contents.filter((c) => c.includes('while Clara was down'))).toHaveLength(1);
      expect(contents.filter((c) => c.includes('before the restart'))).toHaveLength(1);
      expect(
        (await second.email.service.recentAlerts(userId, 5)).map((a) => [a.subject, a.deliveryStatus]),
      ).toEqual([
        ['URGENT: while Clara was down', 'sent'],
        ['URGENT: before the restart', 'sent'],
      ]);
    } finally {
      await secondDiscord?.stop(2_000);
      await second.stop({ timeoutMs: 2_000 });
    }
  });
});
