/** Builds the real MCP parts for installer tests: config store, manager, Smithery client, installer, OAuth. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { generateFernetKey } from '../../../src/crypto/index.js';
import { createMcpConfigStore, type McpConfigStore } from '../../../src/mcp/config/index.js';
import {
  createMcpInstaller,
  type InstallProgress,
  type InstallTimeouts,
  type McpInstaller,
} from '../../../src/mcp/install/index.js';
import { McpManager } from '../../../src/mcp/manager/index.js';
import { createMcpOAuth, createOAuthStateStore, type McpOAuth } from '../../../src/mcp/oauth/index.js';
import { createSmitheryClient } from '../../../src/mcp/smithery/index.js';
import { ToolRegistry } from '../../../src/tools/index.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'mcp');
export const TINY_SERVER = join(FIXTURES, 'tiny-server');
export const EVERYTHING = join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'server-everything');

/** npm must not need the network for the git fixtures: a registry that refuses connections proves it. */
export const OFFLINE_NPM: NodeJS.ProcessEnv = {
  ...process.env,
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_update_notifier: 'false',
};

/**
 * A git repository made from a fixture folder (cloned by the tests over file://): `serverAt` gets a copy of the
 * tiny server, `edit` may change the copied files before the commit.
 */
export function makeRepo(
  fixture: string,
  options: { serverAt?: string; edit?: (dir: string) => void } = {},
): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'clara-git-fixture-')), fixture);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  if (options.serverAt) {
    mkdirSync(dirname(join(dir, options.serverAt)), { recursive: true });
    copyFileSync(join(TINY_SERVER, 'server.js'), join(dir, options.serverAt));
  }
  options.edit?.(dir);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
      cwd: dir,
      stdio: 'pipe',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'fixture');
  return `file://${dir}`;
}

export interface InstallHarness {
  dir: string;
  store: McpConfigStore;
  manager: McpManager;
  registry: ToolRegistry;
  installer: McpInstaller;
  oauth: McpOAuth;
  progress: InstallProgress[];
  close(): Promise<void>;
}

const quietLogger = { info() {}, warn() {} };

export function buildHarness(
  options: {
    smitheryUrl?: string;
    smitheryServerUrl?: string;
    smitheryAccessToken?: string;
    smitheryApiKey?: string;
    env?: NodeJS.ProcessEnv;
    apiBaseUrl?: string;
    now?: () => Date;
    timeouts?: Partial<InstallTimeouts>;
  } = {},
): InstallHarness {
  const dir = mkdtempSync(join(tmpdir(), 'clara-mcp-install-'));
  const secretKey = generateFernetKey();
  const store = createMcpConfigStore({ dir: join(dir, 'servers'), secretKey, logger: quietLogger });
  const states = createOAuthStateStore({ dir: join(dir, 'oauth'), secretKey });
  let manager: McpManager | undefined;
  const oauth = createMcpOAuth({
    states,
    configs: store,
    ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
    connect: async (name) => {
      const info = await manager!.startServer(name);
      if (info.status !== 'running') throw new Error(info.lastError ?? info.status);
      return info.tools.length;
    },
  });
  const registry = new ToolRegistry();
  manager = new McpManager({
    store,
    registry,
    logger: quietLogger,
    startTimeoutMs: 20_000,
    healthIntervalMs: 0,
    authProviderFor: (config) =>
      config.oauthRequired || config.sourceType === 'smithery-hosted'
        ? oauth.authProvider(config.name, config.url)
        : undefined,
  });
  const smithery = createSmitheryClient({
    baseUrl: options.smitheryUrl ?? 'http://127.0.0.1:9',
    timeoutMs: 5000,
  });
  const progress: InstallProgress[] = [];
  const installer = createMcpInstaller({
    store,
    testConnect: (config, timeoutMs) => manager!.testConnect(config, timeoutMs),
    smithery,
    ...(options.smitheryServerUrl ? { smitheryServerUrl: options.smitheryServerUrl } : {}),
    ...(options.smitheryAccessToken ? { smitheryAccessToken: options.smitheryAccessToken } : {}),
    ...(options.smitheryApiKey ? { smitheryApiKey: options.smitheryApiKey } : {}),
    env: options.env ?? process.env,
    timeouts: { probeMs: 20_000, ...options.timeouts },
  });
  return {
    dir,
    store,
    manager,
    registry,
    installer,
    oauth,
    progress,
    close: () => manager!.stop(),
  };
}
