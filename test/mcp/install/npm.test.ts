/**
 * npm installs with the real npm client against a local registry (no network): into Clara's own folder, run as
 * `node <bin>`; also from a packed tarball; an unknown package, an unreachable, failing or hanging registry are each
 * one clear paragraph and leave nothing behind.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeNpmRegistry, startFakeNpmRegistry } from './fake-npm-registry.js';
import { buildHarness, TINY_SERVER } from './setup.js';

let registry: FakeNpmRegistry;
let npmEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  registry = await startFakeNpmRegistry([TINY_SERVER]);
  npmEnv = {
    ...process.env,
    npm_config_registry: `${registry.url}/`,
    npm_config_cache: mkdtempSync(join(tmpdir(), 'clara-npm-cache-')),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
});
afterAll(async () => {
  await registry?.close();
});

describe('install from npm', () => {
  it('installs a package by name from the configured registry into the server folder', async () => {
    const harness = buildHarness({ env: npmEnv });
    try {
      const progress: string[] = [];
      const outcome = await harness.installer.install({
        source: 'tiny-mcp-server',
        onProgress: (event) => progress.push(event.message),
      });
      const dir = harness.store.serverDir('local', 'tiny_mcp_server');
      const bin = join(dir, 'node_modules', 'tiny-mcp-server', 'server.js');
      expect(outcome.config).toMatchObject({
        name: 'tiny_mcp_server',
        sourceType: 'npm',
        displayName: 'tiny-mcp-server',
        command: process.execPath,
        args: [bin],
      });
      expect(existsSync(bin)).toBe(true);
      expect(registry.requests).toContain('/tiny-mcp-server');
      expect(progress.some((line) => line.startsWith('Installing tiny-mcp-server with npm'))).toBe(true);
      const result = await harness.manager.callTool('tiny_mcp_server', 'echo', { message: 'npm' });
      expect(result.content).toBe('tiny echo: npm');
    } finally {
      await harness.close();
    }
  });

  it('installs from a packed tarball (npm:<file>)', async () => {
    const harness = buildHarness({ env: npmEnv });
    try {
      const tarball = registry.tarballs.get('tiny-mcp-server')!;
      const outcome = await harness.installer.install({ source: `npm:${tarball}`, name: 'from_tgz' });
      expect(outcome.tools.map((t) => t.name)).toEqual(['echo', 'add']);
      expect(outcome.config.sourceType).toBe('npm');
    } finally {
      await harness.close();
    }
  });

  it('says clearly when the package does not exist, and cleans up', async () => {
    const harness = buildHarness({ env: npmEnv });
    try {
      await expect(harness.installer.install({ source: 'no-such-mcp-package-xyz' })).rejects.toThrow(
        /does not exist in your npm registry/,
      );
      expect(existsSync(harness.store.serverDir('local', 'no_such_mcp_package_xyz'))).toBe(false);
      expect(await harness.store.list()).toEqual([]);
    } finally {
      await harness.close();
    }
  });

  it('says in one paragraph that the registry cannot be reached (closed port), within seconds', async () => {
    const closed = await closedPort();
    const harness = buildHarness({ env: { ...npmEnv, npm_config_registry: `http://127.0.0.1:${closed}/` } });
    try {
      const error = await harness.installer.install({ source: 'tiny-mcp-server' }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        `Could not reach the npm registry http://127.0.0.1:${closed} (connection refused) to install the npm package "tiny-mcp-server". ` +
          'Check your network, the registry setting (npm_config_registry or registry= in .npmrc) and any proxy, then try again.',
      );
      expect(existsSync(harness.store.serverDir('local', 'tiny_mcp_server'))).toBe(false);
    } finally {
      await harness.close();
    }
  });

  it('says clearly that the registry is failing (HTTP 500), without npm’s raw output', async () => {
    const harness = buildHarness({ env: npmEnv });
    registry.failWith(500);
    try {
      const error = (await harness.installer.install({ source: 'tiny-mcp-server' }).catch((e) => e)) as Error;
      expect(error.message).toMatch(
        /^The npm registry http:\/\/127\.0\.0\.1:\d+ failed with HTTP 500 when asked to install the npm package "tiny-mcp-server": it may be down\./,
      );
      expect(error.message).not.toMatch(/\n|npm error| {4}at /);
      expect(await harness.store.list()).toEqual([]);
    } finally {
      registry.failWith(undefined);
      await harness.close();
    }
  });

  it('stops npm at the install time limit when the registry never answers', async () => {
    const harness = buildHarness({ env: npmEnv, timeouts: { installMs: 3000 } });
    registry.failWith('hang');
    try {
      const error = (await harness.installer.install({ source: 'tiny-mcp-server' }).catch((e) => e)) as Error;
      expect(error.message).toMatch(
        /^npm did not install the npm package "tiny-mcp-server" within 3 s and was stopped: the npm registry http:\/\/127\.0\.0\.1:\d+ may be slow or not answering\./,
      );
      expect(error.message).not.toContain('\n');
    } finally {
      registry.failWith(undefined);
      await harness.close();
    }
  });
});

/** A port nothing listens on (a server bound it, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
