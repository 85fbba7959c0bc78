/**
 * Email alerts reach Discord: a real Dovecot mailbox connected by a Discord user, a matching message delivered,
 * and the alert arrives as a DM from Clara through the Discord adapter (issue 7 with issue 4). Nothing is marked read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../src/crypto/index.js';
import { mail, until } from '../email/harness.js';
import { type DiscordWorld, startDiscordWorld } from '../support/discord-bot.js';
import { type Dovecot, startDovecot } from '../support/dovecot.js';

const BOB = { email: 'bob@example.com', password: 'bob-pw-123' };

describe('email alerts in Discord', { timeout: 120_000 }, () => {
  let dovecot: Dovecot;
  let w: DiscordWorld;

  beforeAll(async () => {
    dovecot = await startDovecot([BOB]);
    w = await startDiscordWorld({
      env: { EMAIL_MONITORING_ENABLED: 'true', EMAIL_ENCRYPTION_KEY: generateFernetKey() },
    });
  });
  afterAll(async () => {
    await w?.close();
    await dovecot?.dispose();
  });

  it('sends a matching email as a DM to the Discord user who connected the mailbox', async () => {
    const context = {
      userId: `discord-${w.bobId}`,
      conversationId: `discord-dm-${w.bobId}`,
      sessionId: 's1',
      platform: 'discord',
      isAdmin: false,
    };
    const run = async (name: string, args: object) =>
      (await w.app.tools.execute({ name, arguments: JSON.stringify(args) }, context)).content;
    expect(
      await run('email_connect_imap', {
        email_address: BOB.email,
        password: BOB.password,
        imap_server: dovecot.host,
        imap_port: dovecot.port,
        use_tls: false,
      }),
    ).toMatch(/^Connected bob@example\.com/);
    expect(await run('email_apply_preset', { preset_name: 'security' })).toMatch(/^Applied preset/);
    await until('watching', async () => (await run('email_list_accounts', {})).includes('watching'));

    await dovecot.deliver(BOB.email, mail('Your verification code is 424242'));
    const dm = w.fake.dmChannel(w.bobId);
    const alert = await w.fake.waitForMessage(
      dm,
      (m) => m.content.includes('verification code is 424242'),
      60_000,
    );
    expect(alert.content).toContain('Security Alerts');
    expect([...(await dovecot.flags(BOB.email)).values()].flat()).not.toContain('\\Seen');
  });
});
