/** Shared pieces of the MCP runtime tests: server-everything (stdio / HTTP), stores, managers, broken servers. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateFernetKey } from '../../../src/crypto/index.js';
import {
  createMcpConfigStore,
  type McpConfigStore,
  newLocalServer,
  newRemoteServer,
} from '../../../src/mcp/config/index.js';
import { McpManager, type McpManagerOptions } from '../../../src/mcp/manager/index.js';
import { REPO_ROOT } from '../../support/cli.js';

export const EVERYTHING_BIN = path.join(
  REPO_ROOT,
  'node_modules',
  '@modelcontextprotocol',
  'server-everything',
  'dist',
  'index.js',
);

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface LogLines {
  lines: string[];
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export function logLines(): LogLines {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      info: (_obj, msg) => lines.push(`info ${msg}`),
      warn: (_obj, msg) => lines.push(`warn ${msg}`),
    },
  };
}

export async function freshStore(dir?: string, key = generateFernetKey()) {
  const root = dir ?? (await tempDir('clara-mcp-'));
  const log = logLines();
  const store = createMcpConfigStore({ dir: root, secretKey: key, logger: log.logger });
  return { dir: root, key, store, log };
}

/** A local server-everything (stdio) config, its cwd a fresh folder. */
export async function saveEverythingStdio(
  store: McpConfigStore,
  name = 'everything',
  extra: Partial<Parameters<typeof newLocalServer>[0]> = {},
) {
  const cwd = extra.cwd ?? (await tempDir('clara-mcp-cwd-'));
  return store.save(
    newLocalServer({
      name,
      command: process.execPath,
      args: [EVERYTHING_BIN, 'stdio'],
      cwd,
      ...extra,
    }),
  );
}

/** Node scripts that misbehave: one exits at once with a message, one never answers. */
export async function brokenServers(store: McpConfigStore) {
  const dir = await tempDir('clara-mcp-broken-');
  const exits = path.join(dir, 'exits.mjs');
  const hangs = path.join(dir, 'hangs.mjs');
  await writeFile(exits, "process.stderr.write('missing API_KEY: cannot start\\n'); process.exit(3);\n");
  await writeFile(hangs, 'process.stdin.resume(); setInterval(() => {}, 1000);\n');
  await store.save(newLocalServer({ name: 'exits', command: process.execPath, args: [exits], cwd: dir }));
  await store.save(newLocalServer({ name: 'hangs', command: process.execPath, args: [hangs], cwd: dir }));
}

export function testManager(store: McpConfigStore, options: Partial<McpManagerOptions> = {}) {
  const log = logLines();
  const manager = new McpManager({
    store,
    logger: log.logger,
    startTimeoutMs: 15_000,
    toolTimeoutMs: 15_000,
    healthIntervalMs: 0,
    backoffBaseMs: 100,
    hotReloadDebounceMs: 300,
    ...options,
  });
  return { manager, log };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface HttpEverything {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** server-everything over Streamable HTTP (`/mcp`) or SSE (`/sse`) on a free port. */
export async function startHttpEverything(
  mode: 'streamableHttp' | 'sse' = 'streamableHttp',
): Promise<HttpEverything> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING_BIN, mode], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server-everything did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on port|running on port/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server-everything exited (${code}): ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function saveRemote(
  store: McpConfigStore,
  name: string,
  url: string,
  transport: 'streamable-http' | 'sse',
) {
  return store.save(
    newRemoteServer({ name, url, transport, headers: { 'X-Test-Token': 'header-secret-789' } }),
  );
}

/** Polls until `check` returns a value (bounded; the bound is a failure, not a timing assertion). */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
