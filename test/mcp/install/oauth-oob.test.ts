/**
 * OAuth without CLARA_API_URL (out-of-band: the user pastes the code), proactive refresh of an expired token before
 * a request, wrong state and stale flows refused, manual tokens — on the real SDK client against the fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpOAuthTools, OOB_REDIRECT_URI } from '../../../src/mcp/oauth/index.js';
import { ToolRegistry } from '../../../src/tools/index.js';
import {
  type FakeAuthServer,
  type FakeHostedMcp,
  startFakeAuthServer,
  startFakeHostedMcp,
} from '../../support/fake-oauth.js';
import { type FakeSmithery, startFakeSmithery } from '../../support/fake-smithery.js';
import { buildHarness, type InstallHarness } from './setup.js';

let auth: FakeAuthServer;
let hosted: FakeHostedMcp;
let smithery: FakeSmithery;

beforeAll(async () => {
  auth = await startFakeAuthServer();
  hosted = await startFakeHostedMcp({ auth });
  smithery = await startFakeSmithery([{ qualifiedName: '@acme/weather', deploymentUrl: hosted.url }]);
});
afterAll(async () => {
  await Promise.all([hosted?.close(), auth?.close(), smithery?.close()]);
});

async function installed(clock?: { now: Date }): Promise<InstallHarness> {
  const harness = buildHarness({ smitheryUrl: smithery.url, ...(clock ? { now: () => clock.now } : {}) });
  await harness.installer.install({ source: 'smithery-hosted:@acme/weather' });
  return harness;
}

async function oobCode(authorizationUrl: string): Promise<string> {
  const page = await (await fetch(authorizationUrl)).text();
  return /<code id="code">([^<]+)<\/code>/.exec(page)![1]!;
}

const member = { userId: 'u', conversationId: 'c', sessionId: 's', platform: 'discord', isAdmin: false };
const admin = { ...member, userId: 'admin', isAdmin: true };

describe('out-of-band OAuth', () => {
  it('authorizes with a pasted code through the model tools', async () => {
    const harness = await installed();
    try {
      const registry = new ToolRegistry();
      for (const tool of mcpOAuthTools(harness.oauth)) registry.register(tool);
      // Authorizing connects the server for everyone: a member is neither offered these tools nor may run them.
      expect(registry.specs(member).map((s) => s.name)).toEqual(['mcp_oauth_status']);
      for (const name of ['mcp_oauth_start', 'mcp_oauth_complete', 'mcp_oauth_set_token']) {
        const refused = await registry.execute(
          { name, arguments: '{"server_name":"weather","code":"x","access_token":"t"}' },
          member,
        );
        expect(refused).toEqual({ content: `Error: the tool ${name} is only for admins.`, isError: true });
      }
      expect(await harness.oauth.status('weather')).toMatchObject({ authorized: false, pending: false });
      const started = await registry.execute(
        { name: 'mcp_oauth_start', arguments: '{"server_name":"weather"}' },
        admin,
      );
      expect(started.content).toMatch(/mcp_oauth_complete/);
      const link = /https?:\/\/\S+\/authorize\?\S+/.exec(started.content)![0];
      expect(new URL(link).searchParams.get('redirect_uri')).toBe(OOB_REDIRECT_URI);
      const code = await oobCode(link);
      const done = await registry.execute(
        { name: 'mcp_oauth_complete', arguments: JSON.stringify({ server_name: 'weather', code }) },
        admin,
      );
      expect(done.content).toBe('"weather" is authorized and connected with 1 tools.');
      expect((await harness.manager.callTool('weather', 'weather', { city: 'Lima' })).content).toBe(
        'Sunny in Lima',
      );
      const status = await registry.execute(
        { name: 'mcp_oauth_status', arguments: '{"server_name":"weather"}' },
        member,
      );
      expect(status.content).toMatch(/Authorized: ✅/);
    } finally {
      await harness.close();
    }
  });

  it('refuses a pasted redirect URL whose state differs, a code without a started flow, and a stale flow', async () => {
    const clock = { now: new Date('2026-01-01T10:00:00Z') };
    const harness = await installed(clock);
    try {
      const exchanges = auth.grants.authorization_code;
      await expect(harness.oauth.complete('weather', { code: 'abc' })).rejects.toThrow(
        /No authorization is in progress/,
      );
      const started = await harness.oauth.start('weather');
      const code = await oobCode(started.authorizationUrl);
      await expect(
        harness.oauth.complete('weather', { code: `https://example.org/cb?code=${code}&state=forged` }),
      ).rejects.toThrow(/state does not match/);
      clock.now = new Date('2026-01-01T10:16:00Z');
      await expect(harness.oauth.complete('weather', { code })).rejects.toThrow(/expired \(15 minutes\)/);
      expect(auth.grants.authorization_code).toBe(exchanges);
      await expect(harness.oauth.start('nothing')).rejects.toThrow(/no MCP server named "nothing"/);
    } finally {
      await harness.close();
    }
  });

  it('refreshes a token that expired before the request is sent', async () => {
    const clock = { now: new Date('2026-01-01T10:00:00Z') };
    const harness = await installed(clock);
    try {
      const started = await harness.oauth.start('weather');
      const result = await harness.oauth.complete('weather', {
        code: await oobCode(started.authorizationUrl),
      });
      expect(result.connected).toBe(true);
      const refreshesBefore = auth.grants.refresh_token;
      expect((await harness.oauth.status('weather')).expired).toBe(false);
      clock.now = new Date('2026-01-01T11:30:00Z');
      const status = await harness.oauth.status('weather');
      expect(status).toMatchObject({ authorized: true, expired: true, canRefresh: true });
      await harness.manager.restart('weather');
      expect((await harness.manager.callTool('weather', 'weather', { city: 'Oslo' })).content).toBe(
        'Sunny in Oslo',
      );
      expect(auth.grants.refresh_token).toBe(refreshesBefore + 1);
      expect((await harness.oauth.status('weather')).expired).toBe(false);
    } finally {
      await harness.close();
    }
  });

  it('stores manual tokens and reports a failed connection clearly', async () => {
    const harness = await installed();
    try {
      const registrations = auth.requests.filter((r) => r.path === '/register').length;
      const result = await harness.oauth.setToken('weather', 'not-a-valid-token');
      expect(result.connected).toBe(false);
      expect(result.connectError).toMatch(/authoriz/i);
      expect(result.connectError).not.toContain('not-a-valid-token');
      expect((await harness.oauth.status('weather')).authorized).toBe(true);
      // A failed connection never registers a client by itself (only mcp_oauth_start does).
      expect(auth.requests.filter((r) => r.path === '/register')).toHaveLength(registrations);
    } finally {
      await harness.close();
    }
  });
});
