/**
 * `/mcp oauth_*` success paths with the real app and OAuth flow: `/mcp install` of a Smithery-hosted server (saved
 * as pending_auth), `/mcp oauth_status` for anyone, `/mcp oauth_start` (admins; ephemeral link with PKCE and
 * state), the out-of-band code pasted into `/mcp oauth_complete`, the server connected and its tool working.
 * Fakes: the OAuth authorization server, the hosted MCP server and the Smithery registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OOB_REDIRECT_URI } from '../../../src/mcp/oauth/index.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import {
  type FakeAuthServer,
  type FakeHostedMcp,
  startFakeAuthServer,
  startFakeHostedMcp,
} from '../../support/fake-oauth.js';
import { type FakeSmithery, startFakeSmithery } from '../../support/fake-smithery.js';
import { commandDepsFromApp, eventually, type Harness, startHarness } from './harness.js';

const EPHEMERAL = 64;

describe('/mcp oauth_start, oauth_complete, oauth_status', { timeout: 60_000 }, () => {
  let auth: FakeAuthServer;
  let hosted: FakeHostedMcp;
  let smithery: FakeSmithery;
  let app: TestApp;
  let h: Harness;
  let authorizationUrl: string;

  beforeAll(async () => {
    auth = await startFakeAuthServer();
    hosted = await startFakeHostedMcp({ auth });
    smithery = await startFakeSmithery([
      { qualifiedName: '@acme/weather', displayName: 'Weather', deploymentUrl: hosted.url },
    ]);
    // No CLARA_API_URL: the authorization is out-of-band (the page shows a code to paste back).
    app = await startTestApp({
      backend: 'sqlite',
      env: { SMITHERY_REGISTRY_URL: smithery.url, MCP_HEALTH_CHECK_SECONDS: '0' },
    });
    h = await startHarness(commandDepsFromApp(app));
  });
  afterAll(async () => {
    await h?.close();
    await app?.stop();
    await Promise.all([hosted?.close(), auth?.close(), smithery?.close()]);
  });

  const field = (embed: { fields?: Array<{ name: string; value: string }> }, name: string) =>
    embed.fields?.find((f) => f.name === name)?.value;

  it('installs the hosted server as pending authorization and shows its OAuth status to anyone', async () => {
    const installed = await h.answer(
      h.slash('mcp install', { source: 'smithery-hosted:@acme/weather' }, h.users.admin),
      /Installed weather/,
    );
    expect(installed.embed.title).toBe('⚠️ Installed weather: authorization needed');
    expect(installed.embed.description).toContain('/mcp oauth_start server:weather');
    const status = await h.answer(
      h.slash('mcp oauth_status', { server: 'weather' }, h.users.member),
      /OAuth: weather/,
    );
    expect(field(status.embed, 'Status')).toBe('pending_auth');
    expect(field(status.embed, 'Authorized')).toBe('❌');
  });

  it('starts the authorization for an admin only, with an ephemeral link', async () => {
    const denied = await h.answer(h.slash('mcp oauth_start', { server: 'weather' }, h.users.member));
    expect(denied.embed.title).toBe('❌ Permission denied');
    expect(auth.clients.size).toBe(0);

    const id = h.slash('mcp oauth_start', { server: 'weather' }, h.users.admin);
    const { message, embed } = await h.answer(id, /Authorize weather/);
    expect(embed.title).toBe('🔐 Authorize weather');
    expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
    const link = /https?:\/\/\S+\/authorize\?\S+/.exec(embed.description ?? '')?.[0];
    expect(link, embed.description).toBeDefined();
    authorizationUrl = link!;
    const params = new URL(authorizationUrl).searchParams;
    expect(params.get('redirect_uri')).toBe(OOB_REDIRECT_URI);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(embed.description).toContain('/mcp oauth_complete server:weather code:<code>');
    expect(embed.footer?.text).toMatch(/^The link is valid until \d{4}-\d\d-\d\dT/);

    const status = await h.answer(
      h.slash('mcp oauth_status', { server: 'weather' }, h.users.member),
      /OAuth: weather/,
    );
    expect(field(status.embed, 'Pending')).toBe('An authorization was started and not finished yet.');
  });

  it('completes with the pasted code (admins), connects the server and shows it authorized', async () => {
    const page = await (await fetch(authorizationUrl)).text();
    const code = /<code id="code">([^<]+)<\/code>/.exec(page)![1]!;

    const denied = await h.answer(h.slash('mcp oauth_complete', { server: 'weather', code }, h.users.member));
    expect(denied.embed.title).toBe('❌ Permission denied');
    expect(auth.grants.authorization_code).toBe(0);

    const done = await h.answer(
      h.slash('mcp oauth_complete', { server: 'weather', code }, h.users.admin),
      /Authorized weather/,
    );
    expect(done.embed).toMatchObject({
      title: '✅ Authorized weather',
      description: 'Connected with 1 tools.',
    });
    expect(JSON.stringify(done.message)).not.toContain(code);
    expect(auth.grants.authorization_code).toBe(1);
    expect(await app.mcp.manager.server('weather')).toMatchObject({ status: 'running', connected: true });
    expect((await app.mcp.manager.callTool('weather', 'weather', { city: 'Oslo' })).content).toBe(
      'Sunny in Oslo',
    );
    expect(hosted.authHeaders.at(-1)).toMatch(/^Bearer at-/);

    const status = await h.answer(
      h.slash('mcp oauth_status', { server: 'weather' }, h.users.member),
      /OAuth: weather/,
    );
    expect(field(status.embed, 'Status')).toBe('running');
    expect(field(status.embed, 'Authorized')).toBe('✅');
    expect(field(status.embed, 'Token')).toBe('valid');
    expect(field(status.embed, 'Pending')).toBeUndefined();
    expect(JSON.stringify(status.message)).not.toContain(hosted.authHeaders.at(-1)!.slice(7));

    const rows = await eventually('the OAuth audit rows', async () => {
      const found = await app.db.repos.adminAudit.recent({ guildId: h.guild.id });
      const oauth = found.filter((r) => r.action.startsWith('/mcp oauth_') && r.result === 'ok');
      return oauth.length >= 2 && oauth;
    });
    expect(rows.map((r) => [r.action, r.target, r.actorId])).toEqual(
      expect.arrayContaining([
        ['/mcp oauth_start', 'weather', `discord-${h.users.admin}`],
        ['/mcp oauth_complete', 'weather', `discord-${h.users.admin}`],
      ]),
    );
  });
});
