/**
 * GitHub installs against local git repositories made at test time from fixture files (cloned over file://):
 * a monorepo whose MCP package must be found and built, and a repository started through smithery.yaml.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHarness, type InstallHarness, makeRepo, OFFLINE_NPM } from './setup.js';

let harness: InstallHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('install from a git repository', () => {
  it('clones a monorepo, finds the MCP package, installs, builds and runs its bin', async () => {
    const url = makeRepo('git-monorepo', { serverAt: 'packages/mcp/src/server.js' });
    harness = buildHarness({ env: OFFLINE_NPM });
    const steps: string[] = [];
    const outcome = await harness.installer.install({
      source: url,
      name: 'acme',
      onProgress: (event) => event.kind === 'step' && steps.push(event.message),
    });
    const checkout = join(harness.store.serverDir('local', 'acme'), 'repo');
    expect(outcome.config).toMatchObject({
      sourceType: 'github',
      sourceUrl: url,
      command: process.execPath,
      args: [join(checkout, 'packages', 'mcp', 'dist', 'server.js')],
      cwd: join(checkout, 'packages', 'mcp'),
    });
    expect(steps).toEqual(
      expect.arrayContaining([
        `Cloning ${url}…`,
        'Monorepo: using the package in packages/mcp',
        'Installing dependencies with npm…',
        'Building with npm run build…',
      ]),
    );
    const result = await harness.manager.callTool('acme', 'echo', { message: 'from git' });
    expect(result.content).toBe('tiny echo: from git');
  });

  it('honours smithery.yaml startCommand', async () => {
    const url = makeRepo('git-smithery', { serverAt: 'server.js' });
    harness = buildHarness({ env: OFFLINE_NPM });
    const outcome = await harness.installer.install({ source: `git+${url}` });
    expect(outcome.config).toMatchObject({
      name: 'git_smithery',
      command: 'node',
      args: ['server.js', '--label=smithery'],
    });
    const result = await harness.manager.callTool('git_smithery', 'echo', { message: 'x' });
    expect(result.content).toBe('smithery echo: x');
  });

  it('fails clearly for a repository that does not exist and leaves no folder', async () => {
    harness = buildHarness({ env: OFFLINE_NPM });
    const missing = `file://${join(tmpdir(), 'clara-no-such-repo')}`;
    await expect(harness.installer.install({ source: missing, name: 'missing' })).rejects.toThrow(
      /does not exist or is private/,
    );
    expect(existsSync(harness.store.serverDir('local', 'missing'))).toBe(false);
  });

  it('deletes the clone when the server cannot start', async () => {
    const url = makeRepo('git-smithery', { serverAt: 'server.js' });
    harness = buildHarness({ env: OFFLINE_NPM });
    await expect(harness.installer.install({ source: url, name: 'fails', args: ['--fail'] })).rejects.toThrow(
      /did not pass its test connection/,
    );
    expect(existsSync(harness.store.serverDir('local', 'fails'))).toBe(false);
  });
});
