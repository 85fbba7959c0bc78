/**
 * Running the Discord adapter: the monitor API served by the web server, log lines mirrored to the log channel
 * (lifecycle lines included), and email alerts delivered as DMs by the Discord notifier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordNotifier } from '../../src/adapters/discord/index.js';
import type { EmailAlert, Notifier } from '../../src/email/index.js';
import { CHANNEL_IDS, type DiscordWorld, startDiscordWorld, waitUntil } from '../support/discord-bot.js';

describe('Discord operations', () => {
  let w: DiscordWorld;
  let base: string;

  beforeAll(async () => {
    w = await startDiscordWorld({
      env: { DISCORD_LOG_CHANNEL_ID: CHANNEL_IDS.logs, PORT: '0', LOG_LEVEL: 'info' },
    });
    base = (
      await w.app.startWeb({ routes: w.discord.webRoutes, status: () => ({ discord: w.discord.status() }) })
    ).url;
  });
  afterAll(async () => {
    await w?.close();
  });

  it('serves the monitor: connection, servers, activity and queue', async () => {
    w.llm.script('Monitored reply.');
    w.fake.userSays(w.general, w.aliceId, 'watch this', { mentionsBot: true });
    await w.fake.waitForMessage(w.general, (m) => m.content === 'Monitored reply.');
    const stats = (await (await fetch(`${base}api/monitor`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(stats)).toContain('connected');
    expect(stats).toMatchObject({ guildCount: 1 });
    const logs = (await (await fetch(`${base}api/monitor/logs?limit=10`)).json()) as {
      logs: Array<{ type: string; content: string }>;
    };
    expect(logs.logs.some((l) => l.type === 'message' && l.content.includes('watch this'))).toBe(true);
    expect(logs.logs.some((l) => l.type === 'response' && l.content.includes('Monitored reply.'))).toBe(true);
    const bad = await fetch(`${base}api/monitor/logs?limit=zero`);
    expect(bad.status).toBe(400);
    const health = (await (await fetch(`${base}health`)).json()) as {
      discord?: { connected: boolean; guilds: number };
    };
    expect(health.discord).toMatchObject({ connected: true, guilds: 1 });
    const page = await fetch(`${base}monitor`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });

  it('mirrors the start line and log records to the log channel', async () => {
    await w.fake.waitForMessage(CHANNEL_IDS.logs, (m) => m.content.includes('🟢'), 15_000);
    w.app.log.logger.warn('disk space is getting low');
    const line = await w.fake.waitForMessage(
      CHANNEL_IDS.logs,
      (m) => m.content.includes('disk space is getting low'),
      15_000,
    );
    expect(line.content).toContain('⚠️');
  });

  it('syncs the slash commands once and answers them; /clara channel switches a channel to active', async () => {
    expect(
      w.fake
        .commands()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['backup', 'clara', 'email', 'mcp', 'memory', 'model', 'ors', 'sandbox'].sort());
    const interaction = w.fake.slashCommand(
      'clara channel',
      { mode: 'active' },
      { userId: w.aliceId, channelId: w.random },
    );
    await w.fake.waitForInteractionResponse(interaction.id, 1);
    let mode: string | undefined;
    await waitUntil('the mode stored', () => {
      void w.app.db.repos.channelConfigs.get(w.random).then((row) => {
        mode = row?.mode;
      });
      return mode === 'active';
    });
    w.llm.script('Active now.');
    w.fake.userSays(w.random, w.bobId, 'no mention needed any more');
    await w.fake.waitForMessage(w.random, (m) => m.content === 'Active now.');
    const audit = await w.app.db.repos.adminAudit.recent({ limit: 5 });
    expect(audit.some((a) => a.action === '/clara channel' && a.result === 'ok')).toBe(true);
  });

  it('handles the text channel command before chat', async () => {
    const asked = w.fake.userSays(w.general, w.aliceId, 'channel status', { mentionsBot: true });
    const reply = await w.fake.waitForMessage(w.general, (m) => m.replyToId === asked);
    expect(reply.content.toLowerCase()).toContain('mention');
  });

  it('delivers an email alert for a Discord user as a DM, and others to the fallback', async () => {
    const fallback: EmailAlert[] = [];
    const logged: Notifier = {
      sendAlert: async (alert) => {
        fallback.push(alert);
        return undefined;
      },
      sendDigest: async () => undefined,
    };
    const notifier = new DiscordNotifier(w.discord.bot.client, logged);
    const alert = emailAlert(`discord-${w.bobId}`);
    const sent = await notifier.sendAlert(alert);
    const dm = w.fake.dmChannel(w.bobId);
    const message = await w.fake.waitForMessage(dm, (m) => m.content.includes('Invoice overdue'));
    expect(sent?.messageId).toBe(message.id);
    await notifier.sendAlert(emailAlert('web-owner'));
    expect(fallback.map((a) => a.userId)).toEqual(['web-owner']);
  });
});

function emailAlert(userId: string): EmailAlert {
  return {
    id: `alert-${userId}`,
    userId,
    accountId: 'account-1',
    accountAddress: 'bob@example.org',
    ruleId: null,
    ruleName: 'Urgent',
    importance: 'high',
    from: 'Billing <billing@example.org>',
    subject: 'Invoice overdue',
    snippet: 'Your invoice #42 is overdue.',
    reason: 'subject contains "overdue"',
    summary: 'Your invoice #42 is overdue.',
    receivedAt: new Date('2026-11-20T10:00:00Z'),
    uid: 7,
    uidValidity: '1',
    ping: true,
    target: { kind: 'user', userId },
    deliveryStatus: 'pending',
    messageId: null,
    sentAt: null,
  };
}
