/** The Smithery client and `smithery_search` against a fake registry; `smithery-hosted:` installs. */
import { copyFileSync, cpSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpInstallTools } from '../../../src/mcp/install/index.js';
import { createSmitheryClient } from '../../../src/mcp/smithery/index.js';
import { ToolRegistry } from '../../../src/tools/index.js';
import {
  type FakeAuthServer,
  type FakeHostedMcp,
  startFakeAuthServer,
  startFakeHostedMcp,
} from '../../support/fake-oauth.js';
import { type FakeSmithery, startFakeSmithery } from '../../support/fake-smithery.js';
import { startFakeNpmRegistry } from './fake-npm-registry.js';
import { buildHarness, FIXTURES, TINY_SERVER } from './setup.js';

let smithery: FakeSmithery;
let auth: FakeAuthServer;
let hosted: FakeHostedMcp;

beforeAll(async () => {
  auth = await startFakeAuthServer();
  hosted = await startFakeHostedMcp({ auth, staticToken: 'static-smithery-token-123' });
  smithery = await startFakeSmithery([
    {
      qualifiedName: '@acme/weather',
      displayName: 'Weather',
      description: 'Forecasts for any city',
      verified: true,
      useCount: 1234,
      deploymentUrl: hosted.url,
    },
    { qualifiedName: '@acme/notes', description: 'Take notes', useCount: 5 },
    ...Array.from({ length: 14 }, (_, i) => ({
      qualifiedName: `@bulk/tool-${i}`,
      description: 'bulk weather helper',
    })),
  ]);
});
afterAll(async () => {
  await Promise.all([smithery?.close(), hosted?.close(), auth?.close()]);
});

const scope = { userId: 'tester', conversationId: 'c', sessionId: 's', platform: 'cli', isAdmin: false };

describe('Smithery registry client', () => {
  it('searches with the token as Bearer and validates the response', async () => {
    const client = createSmitheryClient({ baseUrl: smithery.url, token: 'smithery-key-abc' });
    const result = await client.search('weather', { pageSize: 5 });
    expect(result.totalCount).toBe(15);
    expect(result.servers).toHaveLength(5);
    expect(result.servers[0]).toMatchObject({
      qualifiedName: '@acme/weather',
      displayName: 'Weather',
      verified: true,
      useCount: 1234,
      remote: true,
    });
    expect(smithery.requests.at(-1)).toEqual({
      path: '/servers?q=weather&page=1&pageSize=5',
      authorization: 'Bearer smithery-key-abc',
    });
    expect(await client.getServer('@acme/weather')).toMatchObject({
      deploymentUrl: hosted.url,
      remote: true,
    });
    expect(await client.getServer('@acme/missing')).toBeUndefined();
  });

  it('reports HTTP errors with the status, invalid bodies and time-outs, without the token', async () => {
    const client = createSmitheryClient({ baseUrl: smithery.url, token: 'secret-token-xyz' });
    smithery.failNext(500, 'internal trouble');
    await expect(client.search('x')).rejects.toThrow(/answered 500: internal trouble/);
    smithery.failNext(401, 'no');
    const unauthorized = await client.search('x').catch((e: Error) => e);
    expect((unauthorized as Error).message).toMatch(/Set SMITHERY_API_KEY/);
    expect((unauthorized as Error).message).not.toContain('secret-token-xyz');
    smithery.failNext(200, '{"servers": "nope"}');
    await expect(client.search('x')).rejects.toThrow(/Unexpected search response/);

    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const slow = createSmitheryClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
    await expect(slow.search('x')).rejects.toThrow(/timed out after 0 s|timed out/);
    silent.close();
  });

  it('smithery_search gives 10 results with install hints', async () => {
    const harness = buildHarness({ smitheryUrl: smithery.url });
    const registry = new ToolRegistry();
    for (const tool of mcpInstallTools({
      installer: harness.installer,
      smithery: createSmitheryClient({ baseUrl: smithery.url }),
      startServer: (name) => harness.manager.startServer(name),
    }))
      registry.register(tool);
    const result = await registry.execute(
      { name: 'smithery_search', arguments: '{"query":"weather"}' },
      scope,
    );
    const bullets = result.content.split('\n').filter((line) => line.startsWith('• '));
    expect(bullets).toHaveLength(10);
    expect(bullets[0]).toBe('• **@acme/weather** ✓ · 1,234 uses · hosted — Forecasts for any city');
    expect(result.content).toContain('smithery-hosted:<name>');
    // mcp_install is for admins only.
    expect(registry.specs(scope).map((s) => s.name)).toEqual(['smithery_search']);
    await harness.close();
  });
});

describe('smithery-hosted: installs', () => {
  it('saves a hosted server as pending_auth when it needs OAuth', async () => {
    const harness = buildHarness({ smitheryUrl: smithery.url });
    try {
      const outcome = await harness.installer.install({ source: 'smithery-hosted:@acme/weather' });
      expect(outcome.pendingAuth).toBe(true);
      expect(outcome.config).toMatchObject({
        name: 'weather',
        type: 'remote',
        url: hosted.url,
        sourceType: 'smithery-hosted',
        displayName: 'Weather',
        status: 'pending_auth',
        oauthRequired: true,
      });
      expect(outcome.config.lastError).toMatch(/mcp_oauth_start/);
      // No registration or authorization was started by the install itself.
      expect(auth.requests.filter((r) => r.path === '/register')).toHaveLength(0);
    } finally {
      await harness.close();
    }
  });

  it('connects at once with SMITHERY_ACCESS_TOKEN', async () => {
    const harness = buildHarness({
      smitheryUrl: smithery.url,
      smitheryAccessToken: 'static-smithery-token-123',
    });
    try {
      const outcome = await harness.installer.install({
        source: 'smithery-hosted:@acme/weather',
        name: 'wx',
      });
      expect(outcome.pendingAuth).toBe(false);
      expect(outcome.tools.map((t) => t.name)).toEqual(['weather']);
      const result = await harness.manager.callTool('wx', 'weather', { city: 'Oslo' });
      expect(result.content).toBe('Sunny in Oslo');
    } finally {
      await harness.close();
    }
  });

  it('installs a remote server from its URL (pending_auth until authorized)', async () => {
    const harness = buildHarness();
    try {
      const outcome = await harness.installer.install({ source: hosted.url, name: 'direct' });
      expect(outcome.config).toMatchObject({
        type: 'remote',
        sourceType: 'remote',
        url: hosted.url,
        status: 'pending_auth',
      });
    } finally {
      await harness.close();
    }
  });

  it('refuses names the registry does not know', async () => {
    const harness = buildHarness({ smitheryUrl: smithery.url });
    try {
      await expect(harness.installer.install({ source: 'smithery-hosted:@acme/nothing' })).rejects.toThrow(
        /has no server named "@acme\/nothing"/,
      );
      expect(await harness.store.list()).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

describe('smithery: installs (local stdio)', () => {
  it('installs the Smithery CLI package into the server folder and runs `smithery run <name>` with the key', async () => {
    const cliDir = join(mkdtempSync(join(tmpdir(), 'clara-fake-smithery-cli-')), 'cli');
    cpSync(join(FIXTURES, 'fake-smithery-cli'), cliDir, { recursive: true });
    copyFileSync(join(TINY_SERVER, 'server.js'), join(cliDir, 'server.js'));
    const npmRegistry = await startFakeNpmRegistry([cliDir]);
    const env = {
      ...process.env,
      npm_config_registry: `${npmRegistry.url}/`,
      npm_config_cache: mkdtempSync(join(tmpdir(), 'clara-npm-cache-')),
      npm_config_update_notifier: 'false',
    };
    const harness = buildHarness({ smitheryUrl: smithery.url, env, smitheryApiKey: 'smithery-key-local' });
    try {
      const outcome = await harness.installer.install({ source: 'smithery:@acme/notes' });
      const dir = harness.store.serverDir('local', 'notes');
      expect(outcome.config).toMatchObject({
        name: 'notes',
        type: 'local',
        sourceType: 'smithery',
        command: process.execPath,
        args: [join(dir, 'node_modules', '@smithery', 'cli', 'cli.js'), 'run', '@acme/notes'],
        env: { SMITHERY_API_KEY: 'smithery-key-local' },
      });
      expect(npmRegistry.requests).toContain('/@smithery/cli');
      const result = await harness.manager.callTool('notes', 'echo', { message: 'hi' });
      expect(result.content).toBe('@acme/notes/keyed echo: hi');
      await expect(harness.installer.install({ source: 'smithery:@acme/unknown' })).rejects.toThrow(
        /has no server named "@acme\/unknown"/,
      );
    } finally {
      await harness.close();
      await npmRegistry.close();
    }
  });
});
