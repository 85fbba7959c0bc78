/**
 * Test bench for the Claude Code tools: the real SDK and its bundled `claude` binary run against the fake
 * Anthropic endpoint, with a trap proxy (HTTPS_PROXY/HTTP_PROXY) that records and refuses any attempt to reach
 * another host, a throw-away HOME, and Clara secrets planted in the host environment to prove they stay out.
 */
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ClaudeCode,
  type ClaudeCodeConfig,
  createClaudeCode,
  registerClaudeCodeTools,
} from '../../src/claude-code/index.js';
import { type ToolContext, ToolRegistry, type ToolResult } from '../../src/tools/index.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';

export const API_KEY = 'sk-ant-test-claude-code-key';
/** Clara secrets present in the host environment; none may reach the child. */
export const PLANTED_SECRETS = {
  DISCORD_BOT_TOKEN: 'planted-discord-token-0001',
  DATABASE_URL: 'postgres://clara:planted-db-password@127.0.0.1/clara',
  TAVILY_API_KEY: 'planted-tavily-key-0002',
  OPENROUTER_API_KEY: 'planted-openrouter-key-0003',
};

export interface TrapProxy {
  url: string;
  attempts: string[];
  close(): Promise<void>;
}

/** An HTTP proxy that answers 403 to everything and records what was attempted (CONNECT host:port or URL). */
export async function startTrapProxy(): Promise<TrapProxy> {
  const attempts: string[] = [];
  const server: Server = createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403);
    res.end();
  });
  server.on('connect', (req, socket) => {
    socket.on('error', () => {});
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Bench {
  fake: FakeLlm;
  trap: TrapProxy;
  root: string;
  /** CLAUDE_CODE_WORKDIR (inside `root`). */
  workdir: string;
  home: string;
  hostEnv: NodeJS.ProcessEnv;
  config(overrides?: Partial<ClaudeCodeConfig>): ClaudeCodeConfig;
  close(): Promise<void>;
}

export async function startBench(): Promise<Bench> {
  const fake = await startFakeLlm();
  const trap = await startTrapProxy();
  const root = mkdtempSync(path.join(tmpdir(), 'clara-cc-'));
  const workdir = path.join(root, 'work');
  const home = path.join(root, 'home');
  mkdirSync(workdir);
  mkdirSync(home);
  const hostEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    HTTPS_PROXY: trap.url,
    HTTP_PROXY: trap.url,
    https_proxy: trap.url,
    http_proxy: trap.url,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...PLANTED_SECRETS,
  };
  return {
    fake,
    trap,
    root,
    workdir,
    home,
    hostEnv,
    config: (overrides = {}) => ({
      ANTHROPIC_API_KEY: API_KEY,
      ANTHROPIC_BASE_URL: fake.url,
      CLAUDE_CODE_OAUTH_TOKEN: undefined,
      CLAUDE_CODE_WORKDIR: workdir,
      CLAUDE_CODE_MAX_TURNS: 10,
      CLAUDE_CODE_ALLOWED_ROOTS: undefined,
      ...overrides,
    }),
    close: async () => {
      await fake.close();
      await trap.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface ToolBench {
  claudeCode: ClaudeCode;
  registry: ToolRegistry;
  progress: string[];
  call(name: string, args: Record<string, unknown>, extra?: Partial<ToolContext>): Promise<ToolResult>;
}

export function toolBench(bench: Bench, overrides: Partial<ClaudeCodeConfig> = {}): ToolBench {
  const claudeCode = createClaudeCode({ config: bench.config(overrides), env: bench.hostEnv });
  const registry = new ToolRegistry();
  registerClaudeCodeTools(registry, claudeCode);
  const progress: string[] = [];
  return {
    claudeCode,
    registry,
    progress,
    call: (name, args, extra = {}) =>
      registry.execute(
        { name, arguments: JSON.stringify(args) },
        {
          userId: 'discord-1',
          conversationId: 'c1',
          sessionId: 's1',
          platform: 'discord',
          isAdmin: true,
          progress: (text) => progress.push(text),
          ...extra,
        },
      ),
  };
}

/** Pids of live processes whose current directory is `dir` or below (the agent and its shell commands). */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return pids;
}

/** Polls until `check` holds (the test's own timeout bounds the wait). */
export async function until(check: () => boolean, stepMs = 50): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, stepMs));
}

/** The text of every tool_result the agent sent back to the model, over all recorded requests. */
export function toolResultsSent(fake: FakeLlm): string[] {
  const out: string[] = [];
  for (const request of fake.chatRequests()) {
    for (const message of request.body?.messages ?? []) {
      if (!Array.isArray(message.content)) continue;
      for (const block of message.content) {
        if (block?.type !== 'tool_result') continue;
        const content = block.content;
        if (typeof content === 'string') out.push(content);
        else if (Array.isArray(content)) {
          out.push(content.map((part: { text?: string }) => part.text ?? '').join(''));
        }
      }
    }
  }
  return out;
}
