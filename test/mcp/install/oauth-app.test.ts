/**
 * OAuth of a hosted MCP server end to end through the real app: `mcp_install smithery-hosted:…` (pending_auth),
 * `mcp_oauth_start` (discovery, dynamic registration, PKCE, state), the browser redirect to Clara's real web server
 * (`GET /oauth/mcp/callback`), token exchange, connect, a tool call with the Bearer token, expiry → refresh, and
 * callbacks with a wrong state refused. Fakes: authorization server, hosted MCP server, Smithery registry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../../src/crypto/index.js';
import type { ToolScope } from '../../../src/engine/index.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { freshSqliteDir } from '../../support/databases.js';
import {
  type FakeAuthServer,
  type FakeHostedMcp,
  startFakeAuthServer,
  startFakeHostedMcp,
} from '../../support/fake-oauth.js';
import { type FakeSmithery, startFakeSmithery } from '../../support/fake-smithery.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const admin: ToolScope = {
  userId: 'admin-1',
  conversationId: 'c',
  sessionId: 's',
  platform: 'cli',
  isAdmin: true,
};

let auth: FakeAuthServer;
let hosted: FakeHostedMcp;
let smithery: FakeSmithery;
let app: TestApp;
let base: string;
let dataDir: string;

beforeAll(async () => {
  auth = await startFakeAuthServer();
  hosted = await startFakeHostedMcp({ auth });
  smithery = await startFakeSmithery([
    { qualifiedName: '@acme/weather', displayName: 'Weather', deploymentUrl: hosted.url },
  ]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = await freshSqliteDir('clara-oauth-app-');
  app = await startTestApp({
    backend: 'sqlite',
    dataDir,
    env: {
      PORT: String(port),
      CLARA_API_URL: base,
      CLARA_SECRET_KEY: generateFernetKey(),
      SMITHERY_REGISTRY_URL: smithery.url,
      MCP_HEALTH_CHECK_SECONDS: '0',
      // The web token guards the API; the OAuth callback (authenticated by its state) must still get through.
      CLARA_WEB_TOKEN: 'web-token-for-oauth-test-0123',
    },
  });
  await app.startWeb();
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await Promise.all([hosted?.close(), auth?.close(), smithery?.close()]);
});

const run = async (name: string, args: Record<string, unknown>) =>
  (await app.tools.execute({ name, arguments: JSON.stringify(args) }, admin)).content;

describe('OAuth for a hosted MCP server, through the app and its web server', () => {
  let authorizationUrl: URL;

  it('installs the hosted server as pending_auth and starts the authorization', async () => {
    expect(await run('mcp_install', { source: 'smithery-hosted:@acme/weather' })).toMatch(
      /Installed "weather".*mcp_oauth_start/,
    );
    const text = await run('mcp_oauth_start', { server_name: 'weather' });
    const link = /https?:\/\/\S+\/authorize\?\S+/.exec(text)?.[0];
    expect(link, text).toBeDefined();
    authorizationUrl = new URL(link!);
    const params = authorizationUrl.searchParams;
    expect(params.get('redirect_uri')).toBe(`${base}/oauth/mcp/callback`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(auth.clients.has(params.get('client_id')!)).toBe(true);
    const registration = auth.requests.find((r) => r.path === '/register');
    expect(registration?.body).toMatchObject({
      client_name: 'Clara AI Assistant',
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
    expect((await app.mcp.store.get('weather'))?.status).toBe('pending_auth');
  });

  it('refuses a callback whose state does not match, without exchanging the code', async () => {
    const approve = await fetch(authorizationUrl, { redirect: 'manual' });
    const callback = new URL(approve.headers.get('location')!);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state-we-sent');
    const refused = await fetch(forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/Unknown or expired OAuth state/);
    const missing = await fetch(`${base}/oauth/mcp/callback?code=x`);
    expect(missing.status).toBe(400);
    expect((await fetch(`${base}/api/status`)).status).toBe(401);
    expect(auth.grants.authorization_code).toBe(0);

    // The real redirect completes the flow: code exchanged with the PKCE verifier, server connected.
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/&#34;weather&#34; is authorized and connected \(1 tools\)/);
    expect(auth.grants.authorization_code).toBe(1);
    // The same code and state cannot be replayed.
    expect((await fetch(callback)).status).toBe(400);
  });

  it('calls the hosted tool with the Bearer token; tokens are encrypted at rest', async () => {
    expect(await run('weather__weather', { city: 'Oslo' })).toBe('Sunny in Oslo');
    expect(hosted.authHeaders.at(-1)).toMatch(/^Bearer at-/);
    const status = await run('mcp_oauth_status', { server_name: 'weather' });
    expect(status).toMatch(/Authorized: ✅/);
    expect(status).toMatch(/\(valid\)/);
    const oauthDir = join(dataDir, '.mcp_servers', '.oauth');
    const file = readFileSync(join(oauthDir, readdirSync(oauthDir)[0]!), 'utf8');
    const token = hosted.authHeaders.at(-1)!.slice(7);
    expect(file).not.toContain(token);
    expect(file).not.toContain('refresh');
  });

  it('refreshes an expired token and retries', async () => {
    const before = hosted.authHeaders.at(-1);
    auth.expireAccessTokens();
    expect(await run('weather__weather', { city: 'Rome' })).toBe('Sunny in Rome');
    expect(auth.grants.refresh_token).toBe(1);
    expect(hosted.authHeaders.at(-1)).not.toBe(before);
  });

  it('uninstalling the server also deletes its OAuth tokens', async () => {
    const oauthDir = join(dataDir, '.mcp_servers', '.oauth');
    expect(readdirSync(oauthDir)).toHaveLength(1);
    expect(await run('mcp_uninstall', { server_name: 'weather' })).toMatch(/weather/);
    expect(await app.mcp.store.get('weather')).toBeUndefined();
    expect(readdirSync(oauthDir)).toEqual([]);
  });
});
