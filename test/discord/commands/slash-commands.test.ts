/**
 * Slash commands end to end: the real discord.js client against the fake Discord, the real app (SQLite):
 * registration, help and its menu, unknown commands, permissions with audit rows, server settings used by the
 * message pipeline (guildTierPreference), backups through the port (absent and present), the text channel command.
 */
import type { Client, Message } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackupCommandsPort,
  guildTierPreference,
  parseChannelCommand,
  type SlashCommandDeps,
} from '../../../src/adapters/discord/commands/index.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { commandDepsFromApp, componentIds, eventually, type Harness, startHarness } from './harness.js';

const EPHEMERAL = 64;

function backupPort(): BackupCommandsPort & { calls: Array<string[] | undefined> } {
  const made: Array<{ database: string; name: string; bytes: number; createdAt: Date }> = [];
  const calls: Array<string[] | undefined> = [];
  return {
    calls,
    async backupNow(databases) {
      calls.push(databases);
      const names = databases ?? ['clara', 'mem0'];
      const createdAt = new Date(Date.UTC(2026, 10, 24, 5, 0, made.length));
      const results = names.map((database) => {
        const name = `${database}_20261124_0500${made.length}.sql.gz`;
        made.push({ database, name, bytes: 2048, createdAt });
        return { database, ok: true, location: `backups/${name}`, bytes: 2048 };
      });
      return { status: 'success', results };
    },
    async list(database, limit = 10) {
      return made
        .filter((b) => !database || b.database === database)
        .slice(-limit)
        .reverse();
    },
    async status() {
      const last = made.at(-1);
      return {
        destination: 'local folder /var/backups/clara',
        databases: [
          { name: 'clara', configured: true, reachable: true },
          { name: 'mem0', configured: false, reachable: false },
        ],
        retentionDays: 7,
        ...(last ? { lastBackup: { name: last.name, bytes: last.bytes, createdAt: last.createdAt } } : {}),
      };
    },
  };
}

describe('Discord slash commands', { timeout: 60_000 }, () => {
  let app: TestApp;
  let h: Harness;
  let deps: SlashCommandDeps;
  const textAnswers: Message[] = [];

  beforeAll(async () => {
    app = await startTestApp({ backend: 'sqlite' });
    deps = commandDepsFromApp(app);
    h = await startHarness(deps);
    h.client.on('messageCreate', (message) => {
      if (message.author.bot) return;
      void h.commands.handleText(message).then((handled) => handled && textAnswers.push(message));
    });
  });
  afterAll(async () => {
    await h?.close();
    await app?.stop();
  });
  afterEach(() => {
    expect(h.fake.unexpectedRequests()).toEqual([]);
  });

  /** Audit rows of `action`, newest first, once there are `count` of them. */
  const audits = (action: string, count: number) =>
    eventually(`${count} audit rows of ${action}`, async () => {
      const rows = (await app.db.repos.adminAudit.recent({ guildId: h.guild.id, limit: 100 })).filter(
        (r) => r.action === action,
      );
      return rows.length >= count && rows;
    });

  it('registers every command globally and returns the count', async () => {
    const count = await h.commands.register(h.client as Client<true>);
    expect(count).toBe(8);
    const registered = h.fake.commands();
    expect(registered.map((c) => c.name).sort()).toEqual(
      ['backup', 'clara', 'email', 'mcp', 'memory', 'model', 'ors', 'sandbox'].sort(),
    );
    const backup = registered.find((c) => c.name === 'backup') as unknown as { raw: Record<string, unknown> };
    expect(backup.raw.default_member_permissions).toBe('8');
  });

  it('answers an unknown command with a clear ephemeral message', async () => {
    const id = h.slash('frobnicate', {}, h.users.member);
    const { message, embed } = await h.answer(id);
    expect(embed.title).toMatch(/Unknown command/);
    expect(embed.description).toContain('/frobnicate');
    expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('shows help with a topic menu that switches the page; a topic option shows it directly', async () => {
    const id = h.slash('clara help', {}, h.users.member);
    const { message, embed } = await h.answer(id, /Clara help/);
    expect(embed.description).toContain('/memory');
    expect(componentIds(message)).toEqual(['clara:help']);
    const pick = h.fake.selectMenu(message.id, 'clara:help', ['email'], { userId: h.users.member });
    await h.fake.waitForInteractionResponse(pick.id);
    const switched = await h.messageWith(message.id, /Help: 📧 Email/);
    expect(switched.embed.description).toContain('/email account add');
    expect(componentIds(switched.message)).toEqual(['clara:help']);

    const direct = await h.answer(h.slash('clara help', { topic: 'backup' }, h.users.member), /Help/);
    expect(direct.embed.title).toBe('📚 Help: 💾 Backups');
  });

  it('/clara channel sets the mode for Manage Channels and the admin role, refuses others; every try is audited', async () => {
    const denied = await h.answer(h.slash('clara channel', { mode: 'active' }, h.users.member));
    expect(denied.embed.title).toBe('❌ Permission denied');
    expect(denied.embed.description).toContain('Manage Channels');
    expect(denied.message.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(await app.db.repos.channelConfigs.get(h.general)).toBeUndefined();

    const ok = await h.answer(h.slash('clara channel', { mode: 'active' }, h.users.mod));
    expect(ok.embed.title).toBe('✅ Channel mode: active');
    expect(await app.db.repos.channelConfigs.get(h.general)).toMatchObject({
      guildId: h.guild.id,
      mode: 'active',
      configuredBy: `discord-${h.users.mod}`,
    });
    await h.answer(h.slash('clara channel', { mode: 'mention' }, h.users.roleAdmin), /Channel mode/);
    expect((await app.db.repos.channelConfigs.get(h.general))?.mode).toBe('mention');

    const rows = await audits('/clara channel', 3);
    expect(rows.map((r) => [r.actorId, r.result, r.details?.mode])).toEqual([
      [`discord-${h.users.roleAdmin}`, 'ok', 'mention'],
      [`discord-${h.users.mod}`, 'ok', 'active'],
      [`discord-${h.users.member}`, 'denied', 'active'],
    ]);
    expect(rows[1]).toMatchObject({
      platform: 'discord',
      channelId: h.general,
      target: h.general,
      actorName: 'Mo',
    });
  });

  it('/model tier and /model auto are stored and returned by guildTierPreference', async () => {
    expect(await guildTierPreference(app.db.repos, h.guild.id)).toBeUndefined();
    const denied = await h.answer(h.slash('model tier', { tier: 'high' }, h.users.mod));
    expect(denied.embed.description).toContain('Administrator');
    await h.answer(h.slash('model tier', { tier: 'high' }, h.users.admin), /Default tier set/);
    expect(await guildTierPreference(app.db.repos, h.guild.id)).toBe('high');
    await h.answer(h.slash('model auto', { enabled: 'on' }, h.users.admin), /Auto tier on/);
    expect(await guildTierPreference(app.db.repos, h.guild.id)).toBe('auto');
    expect(await h.commands.tierPreference(h.guild.id)).toBe('auto');
    const status = await h.answer(h.slash('model status', {}, h.users.member), /Model/);
    expect(status.embed.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Server default tier', value: 'high' }),
        expect.objectContaining({ name: 'Auto tier', value: 'on (this server)' }),
      ]),
    );
    await h.answer(h.slash('model auto', { enabled: 'off' }, h.users.admin), /Auto tier off/);
    await h.answer(h.slash('model tier', { tier: 'default' }, h.users.admin), /Default tier set/);
    expect(await guildTierPreference(app.db.repos, h.guild.id)).toBeUndefined();
  });

  it('/ors stores the server settings, validates quiet hours and says proactive messages are not built', async () => {
    const alerts = h.guild.channels.alerts as string;
    const bad = await h.answer(h.slash('ors quiet', { start: '25:00', end: '07:00' }, h.users.admin));
    expect(bad.embed.title).toMatch(/❌/);
    expect(bad.embed.description).toContain('HH:MM');
    await h.answer(h.slash('ors quiet', { start: '22:00', end: '7:30' }, h.users.admin), /Quiet hours set/);
    await h.answer(
      h.slash('ors channel', { channel: { type: 'channel', value: alerts } }, h.users.admin),
      /channel set/,
    );
    await h.answer(h.slash('ors enable', {}, h.users.admin), /enabled/);
    expect(await app.db.repos.guildConfigs.get(h.guild.id)).toMatchObject({
      orsEnabled: true,
      orsChannelId: alerts,
      orsQuietStart: '22:00',
      orsQuietEnd: '07:30',
    });
    const status = await h.answer(h.slash('ors status', {}, h.users.member), /Proactive/);
    expect(status.embed.description).toContain('not available in this build');
    expect(status.embed.fields?.find((f) => f.name === 'Channel')?.value).toBe(`<#${alerts}>`);

    const refused = await h.answer(h.slash('ors disable', {}, h.users.member));
    expect(refused.embed.title).toBe('❌ Permission denied');
    expect((await app.db.repos.guildConfigs.get(h.guild.id))?.orsEnabled).toBe(true);
    await h.answer(h.slash('ors disable', {}, h.users.admin), /Proactive messages disabled/);
    expect(await app.db.repos.guildConfigs.get(h.guild.id)).toMatchObject({
      orsEnabled: false,
      orsChannelId: alerts,
    });
    const rows = await audits('/ors disable', 2);
    expect(rows.map((r) => r.result)).toEqual(['ok', 'denied']);
  });

  it('/sandbox status says when the sandbox is unreachable or not configured; /sandbox mode is stored', async () => {
    // The app's real sandbox: no Docker daemon and no remote service here.
    const status = await h.answer(h.slash('sandbox status', {}, h.users.member), /sandbox/);
    expect(JSON.stringify(status.embed.fields)).toContain('❌ no');
    expect(JSON.stringify(status.embed)).toMatch(/Docker/);
    const real = deps.sandbox;
    deps.sandbox = undefined;
    try {
      const absent = await h.answer(h.slash('sandbox status', {}, h.users.member), /sandbox/);
      expect(absent.embed.description).toContain('No code sandbox is configured');
    } finally {
      deps.sandbox = real;
    }
    await h.answer(h.slash('sandbox mode', { mode: 'remote' }, h.users.admin), /Sandbox mode: remote/);
    expect((await app.db.repos.guildConfigs.get(h.guild.id))?.sandboxMode).toBe('remote');
  });

  it('/backup without a backup port says how to configure it; with one it backs up, lists and reports', async () => {
    const real = deps.backup;
    deps.backup = undefined;
    const absent = await h.answer(h.slash('backup now', {}, h.users.admin));
    expect(absent.embed.title).toBe('❌ Backups are not configured');
    expect(absent.embed.description).toContain('BACKUP_DIR');

    const port = backupPort();
    deps.backup = port;
    try {
      expect((await h.answer(h.slash('backup list', {}, h.users.member))).embed.title).toBe(
        '❌ Permission denied',
      );
      const done = await h.answer(
        h.slash('backup now', { database: 'clara' }, h.users.admin),
        /Backup finished/,
      );
      expect(port.calls).toEqual([['clara']]);
      expect(done.embed.description).toContain('backups/clara_20261124_05000.sql.gz (2.0 KB)');
      const listed = await h.answer(h.slash('backup list', { limit: 5 }, h.users.admin), /Backups/);
      expect(listed.embed.description).toContain('clara_20261124_05000.sql.gz');
      const status = await h.answer(h.slash('backup status', {}, h.users.admin), /Backups/);
      expect(status.embed.fields?.find((f) => f.name === 'Databases')?.value).toBe(
        '✅ connected — clara\n❌ not configured — mem0',
      );
      const rows = await audits('/backup now', 2);
      expect(rows.map((r) => [r.result, r.target])).toEqual([
        ['ok', 'clara'],
        ['error', null],
      ]);
    } finally {
      deps.backup = real;
    }
  });

  it('/backup now runs the app’s real backup service (DATA_DIR/backups by default)', async () => {
    const done = await h.answer(
      h.slash('backup now', { database: 'clara' }, h.users.admin),
      /Backup finished/,
    );
    expect(done.embed.description).toMatch(/clara_\d{8}_\d{6}\.sqlite\.gz/);
    const listed = await app.backups.list('clara');
    expect(listed.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps secrets out of answers and audit rows, and turns service errors into a short error embed', async () => {
    const id = h.slash(
      'mcp oauth_set_token',
      { server: 'nowhere', access_token: 'tok-SECRET-123', refresh_token: 'ref-SECRET-456' },
      h.users.admin,
    );
    const { embed } = await h.answer(id);
    expect(embed.title).toMatch(/❌/);
    expect(embed.description).toContain('nowhere');
    expect(JSON.stringify(embed)).not.toContain('SECRET');
    const [row] = await audits('/mcp oauth_set_token', 1);
    expect(row).toMatchObject({
      result: 'error',
      details: { server: 'nowhere', access_token: '[redacted]', refresh_token: '[redacted]' },
    });
    expect(JSON.stringify(row)).not.toContain('SECRET');
  });

  it('/clara info shows version, provider, MCP servers, memory and email state', async () => {
    const { embed } = await h.answer(h.slash('clara info', {}, h.users.member), /Clara/);
    expect(embed.fields).toEqual([
      expect.objectContaining({ name: 'Version', value: app.version }),
      expect.objectContaining({ name: 'LLM provider', value: 'openai (no API key)' }),
      expect.objectContaining({ name: 'MCP servers', value: '0 connected of 0 (0 tools)' }),
      expect.objectContaining({ name: 'Memory', value: 'off (MEMORY_ENABLED=false)' }),
      expect.objectContaining({ name: 'Email monitoring', value: 'off' }),
    ]);
  });

  it('refuses server settings in a DM', async () => {
    const dm = h.fake.dmChannel(h.users.admin);
    const { embed } = await h.answer(h.slash('model tier', { tier: 'low' }, h.users.admin, dm));
    expect(embed.title).toBe('Servers only');
  });

  it('parses the text channel command', () => {
    expect(parseChannelCommand('<@1> Channel   SET Active')).toEqual({ kind: 'set', mode: 'active' });
    expect(parseChannelCommand('channel set loud')).toEqual({ kind: 'invalid-mode', given: 'loud' });
    expect(parseChannelCommand('<@!2> channel status')).toEqual({ kind: 'status' });
    expect(parseChannelCommand('channel list')).toEqual({ kind: 'list' });
    expect(parseChannelCommand('channel please')).toEqual({ kind: 'usage' });
    expect(parseChannelCommand('channels are great')).toBeUndefined();
    expect(parseChannelCommand('hello channel set off')).toBeUndefined();
  });

  it('runs the text channel command for allowed members only, audited', async () => {
    const bot = h.fake.botUser.id;
    const say = async (userId: string, text: string) => {
      const id = h.fake.userSays(h.general, userId, `<@${bot}> ${text}`, { mentionsBot: true });
      return h.fake.waitForMessage(h.general, (m) => m.replyToId === id);
    };
    expect((await say(h.users.member, 'channel set off')).content).toContain('Manage Channels');
    expect((await app.db.repos.channelConfigs.get(h.general))?.mode).toBe('mention');
    expect((await say(h.users.mod, 'channel set off')).content).toContain('Channel mode set to **off**');
    expect((await app.db.repos.channelConfigs.get(h.general))?.mode).toBe('off');
    expect((await say(h.users.roleAdmin, 'channel status')).content).toContain('This channel is **off**');
    expect((await say(h.users.admin, 'channel list')).content).toBe(`<#${h.general}>: off`);
    expect((await say(h.users.admin, 'channel set loud')).content).toContain('Valid modes');
    const rows = await audits('channel set', 2);
    expect(rows.map((r) => [r.actorId, r.result])).toEqual([
      [`discord-${h.users.mod}`, 'ok'],
      [`discord-${h.users.member}`, 'denied'],
    ]);
    await eventually('5 handled text commands', async () => textAnswers.length === 5);
  });
});
