/**
 * `/mcp` with the real MCP manager and installer: install server-everything from its local path (admins only),
 * list, status and the per-server tools list (broken in the original), Smithery search against the fake registry,
 * disable / enable, restart (a new process) and refresh (configs changed on disk are applied), and uninstall through
 * the confirm button.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { type FakeSmithery, startFakeSmithery } from '../../support/fake-smithery.js';
import { commandDepsFromApp, componentIds, eventually, type Harness, startHarness } from './harness.js';

const EVERYTHING = join(
  resolve(import.meta.dirname, '..', '..', '..'),
  'node_modules',
  '@modelcontextprotocol',
  'server-everything',
);
const INSTALL_TIMEOUT = 40_000;

describe('/mcp', { timeout: 90_000 }, () => {
  let app: TestApp;
  let h: Harness;
  let smithery: FakeSmithery;

  beforeAll(async () => {
    smithery = await startFakeSmithery([
      {
        qualifiedName: '@acme/weather',
        displayName: 'Weather',
        description: 'Forecasts and weather alerts',
        verified: true,
        useCount: 42,
      },
    ]);
    app = await startTestApp({ backend: 'sqlite', env: { SMITHERY_REGISTRY_URL: smithery.url } });
    h = await startHarness(commandDepsFromApp(app));
  });
  afterAll(async () => {
    await h?.close();
    await app?.stop();
    await smithery?.close();
  });

  it('lists nothing at first, and refuses an install by a member', async () => {
    const empty = await h.answer(h.slash('mcp list', {}, h.users.member), /MCP servers/);
    expect(empty.embed.description).toContain('No MCP servers are installed');
    const denied = await h.answer(h.slash('mcp install', { source: EVERYTHING }, h.users.member));
    expect(denied.embed.title).toBe('❌ Permission denied');
    expect(denied.embed.description).toContain('Administrator');
    expect(await app.mcp.manager.servers()).toEqual([]);
  });

  it('installs server-everything from a local path, then lists it, shows its status and its tools', async () => {
    const id = h.slash('mcp install', { source: EVERYTHING, name: 'everything' }, h.users.admin);
    const { embed } = await h.answer(id, /Installed|❌/, INSTALL_TIMEOUT);
    expect(embed.title).toBe('✅ Installed everything');
    expect(embed.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Name', value: 'everything' }),
        expect.objectContaining({ name: 'Source', value: 'local' }),
      ]),
    );
    const toolCount = Number(embed.fields?.find((f) => f.name === 'Tools')?.value);
    expect(toolCount).toBeGreaterThan(5);
    const original = h.fake.interaction(id)?.originalMessageId as string;
    expect(h.fake.message(original)?.flags).toBe(64);
    // Progress steps were shown while installing: the deferred answer was edited before the result.
    await eventually(
      'two edits of the answer',
      async () =>
        h.fake.requests.filter(
          (r) => r.method === 'PATCH' && r.path.includes(`/interaction-token-${id}/messages/`),
        ).length >= 2,
    );

    const list = await h.answer(h.slash('mcp list', {}, h.users.member), /MCP servers \(1\)/);
    expect(list.embed.description).toContain('✅ **everything** — local (local), enabled');

    const status = await h.answer(
      h.slash('mcp status', { server: 'everything' }, h.users.member),
      /everything/,
    );
    expect(status.embed.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Status', value: 'running' }),
        expect.objectContaining({ name: 'Transport', value: 'stdio (local)' }),
      ]),
    );
    const overall = await h.answer(h.slash('mcp status', {}, h.users.member), /MCP status/);
    expect(overall.embed.fields?.find((f) => f.name === 'Connected')?.value).toBe('1');

    const tools = await h.answer(
      h.slash('mcp tools', { server: 'everything' }, h.users.member),
      /Tools of everything/,
    );
    expect(tools.embed.description).toMatch(/`echo` — /);
    const perServer = await h.answer(h.slash('mcp tools', {}, h.users.member), /MCP tools/);
    expect(perServer.embed.description).toContain(`**everything**: ${toolCount} tools`);

    const unknown = await h.answer(h.slash('mcp tools', { server: 'nope' }, h.users.member));
    expect(unknown.embed.title).toBe('❌ Unknown MCP server');
    expect(unknown.embed.description).toContain('Servers: everything');

    const [row] = await eventually('the install audit row', async () => {
      const rows = await app.db.repos.adminAudit.recent({ action: '/mcp install', guildId: h.guild.id });
      return rows.filter((r) => r.result === 'ok').length > 0 && rows.filter((r) => r.result === 'ok');
    });
    expect(row).toMatchObject({ target: 'everything', actorId: `discord-${h.users.admin}` });
  });

  it('searches Smithery', async () => {
    const { embed } = await h.answer(h.slash('mcp search', { query: 'weather' }, h.users.member), /Smithery/);
    expect(embed.description).toContain('**@acme/weather** ✓ · 42 uses — Forecasts and weather alerts');
    expect(embed.footer?.text).toContain('1 servers in total');
  });

  it('disables and enables a server (Manage Channels)', async () => {
    const denied = await h.answer(h.slash('mcp disable', { server: 'everything' }, h.users.member));
    expect(denied.embed.title).toBe('❌ Permission denied');
    await h.answer(h.slash('mcp disable', { server: 'everything' }, h.users.mod), /Disabled everything/);
    expect((await app.mcp.manager.server('everything'))?.enabled).toBe(false);
    await h.answer(
      h.slash('mcp enable', { server: 'everything' }, h.users.mod),
      /Enabled everything/,
      INSTALL_TIMEOUT,
    );
    expect((await app.mcp.manager.server('everything'))?.status).toBe('running');
  });

  it('restarts a server (Manage Channels) with a new process, and refreshes the configs (admins)', async () => {
    const denied = await h.answer(h.slash('mcp restart', { server: 'everything' }, h.users.member));
    expect(denied.embed.title).toBe('❌ Permission denied');
    const before = (await app.mcp.manager.server('everything'))?.pid;
    expect(before).toBeGreaterThan(0);
    const restarted = await h.answer(
      h.slash('mcp restart', { server: 'everything' }, h.users.mod),
      /Restarted everything/,
      INSTALL_TIMEOUT,
    );
    expect(restarted.embed.title).toBe('✅ Restarted everything');
    expect(restarted.embed.description).toMatch(/^✅ running, \d+ tools$/);
    const after = await app.mcp.manager.server('everything');
    expect(after).toMatchObject({ status: 'running' });
    expect(after?.pid).not.toBe(before);
    const unknown = await h.answer(h.slash('mcp restart', { server: 'nope' }, h.users.mod));
    expect(unknown.embed.title).toBe('❌ Unknown MCP server');

    const notAdmin = await h.answer(h.slash('mcp refresh', {}, h.users.mod));
    expect(notAdmin.embed.title).toBe('❌ Permission denied');
    // A config changed behind Clara's back (like `clara mcp disable` in a terminal) is applied by a refresh.
    await app.mcp.store.update('everything', { enabled: false });
    const refreshed = await h.answer(
      h.slash('mcp refresh', {}, h.users.admin),
      /MCP configs reloaded/,
      INSTALL_TIMEOUT,
    );
    expect(refreshed.embed.description).toBe('No enabled servers.');
    expect(await app.mcp.manager.server('everything')).toMatchObject({ enabled: false, connected: false });
    await app.mcp.store.update('everything', { enabled: true });
    const again = await h.answer(
      h.slash('mcp refresh', {}, h.users.admin),
      /MCP configs reloaded/,
      INSTALL_TIMEOUT,
    );
    expect(again.embed.description).toBe('• ✅ everything');
    expect(await app.mcp.manager.server('everything')).toMatchObject({ status: 'running', connected: true });
    const rows = await eventually('the refresh audit rows', async () => {
      const found = await app.db.repos.adminAudit.recent({ action: '/mcp refresh' });
      return found.length >= 2 && found;
    });
    expect(rows.map((r) => r.message)).toEqual(expect.arrayContaining(['1 connected', '0 connected']));
  });

  it('uninstalls after the confirm button', async () => {
    const { message } = await h.answer(
      h.slash('mcp uninstall', { server: 'everything' }, h.users.admin),
      /Uninstall everything/,
    );
    const [yes] = componentIds(message);
    expect(yes).toMatch(/^clara:cf:yes:mcp-uninstall:[0-9a-z]+:\d+:everything$/);
    const click = h.fake.clickButton(message.id, yes as string, { userId: h.users.admin });
    await h.fake.waitForInteractionResponse(click.id);
    await h.messageWith(message.id, /Uninstalled everything/);
    expect(await app.mcp.manager.servers()).toEqual([]);
    const rows = await eventually('the uninstall audit row', async () => {
      const found = await app.db.repos.adminAudit.recent({ action: '/mcp uninstall (confirm)' });
      return found.length > 0 && found;
    });
    expect(rows[0]).toMatchObject({ target: 'everything', result: 'ok' });
  });
});
