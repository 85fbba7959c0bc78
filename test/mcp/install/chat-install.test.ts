/**
 * `mcp_install` asked for in chat: through the engine's tool loop with the fake LLM, its steps reach the turn's
 * tool progress (what Discord shows under the tool's status line), and it has a time limit of its own that a slow
 * but valid install (GitHub: clone + install + build + test connection) fits in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_TIMEOUTS, MCP_INSTALL_TIMEOUT_MS, mcpInstallTools } from '../../../src/mcp/install/index.js';
import { createSmitheryClient } from '../../../src/mcp/smithery/index.js';
import { defineTool, ToolRegistry } from '../../../src/tools/index.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { useFakeLlm } from '../../support/hooks.js';
import { collect, inbound, promptOf } from '../../support/turns.js';
import { buildHarness, TINY_SERVER } from './setup.js';

const admin = { userId: 'admin', conversationId: 'c', sessionId: 's', platform: 'discord', isAdmin: true };

describe('mcp_install from chat', () => {
  const llm = useFakeLlm();
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('forwards the install steps to the tool progress of the turn', async () => {
    app = await startTestApp({ backend: 'sqlite', fake: llm.current });
    llm.current.script(
      { toolCalls: [{ id: 'i', name: 'mcp_install', arguments: { source: TINY_SERVER, name: 'tiny' } }] },
      'Installed it.',
    );
    const progress: string[] = [];
    const events = await collect(
      app.engine.handle(inbound('install the tiny server', { isAdmin: true }), {
        onToolProgress: (text) => progress.push(text),
      }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'Installed it.' });
    expect(progress).toContain('Testing the server (start, list tools, stop)…');
    const [result] = promptOf(llm.current.chatRequests().at(-1)!).filter((m) => m.role === 'tool');
    expect(result?.content).toBe(
      'Installed "tiny" (local): running with 2 tools, available as tiny__<tool>.',
    );
    expect((await app.mcp.manager.server('tiny'))?.status).toBe('running');
  });

  it('is not bound by the registry’s default time limit', async () => {
    const harness = buildHarness();
    try {
      // A registry whose default limit is far shorter than any install: only a limit of the tool's own lets it finish.
      const registry = new ToolRegistry({ defaultTimeoutMs: 20 });
      const tools = mcpInstallTools({
        installer: harness.installer,
        smithery: createSmitheryClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 }),
        startServer: (name) => harness.manager.startServer(name),
      });
      for (const tool of tools) registry.register(tool);
      registry.register(
        defineTool({
          name: 'slow_default',
          description: 'Takes longer than the default limit.',
          schema: z.object({}),
          run: () => new Promise((resolve) => setTimeout(() => resolve('finished'), 500)),
        }),
      );
      expect((await registry.execute({ name: 'slow_default', arguments: '{}' }, admin)).content).toMatch(
        /did not finish within/,
      );
      const progress: string[] = [];
      const result = await registry.execute(
        { name: 'mcp_install', arguments: JSON.stringify({ source: TINY_SERVER, name: 'tiny' }) },
        { ...admin, progress: (text) => progress.push(text) },
      );
      expect(result).toEqual({
        content: 'Installed "tiny" (local): running with 2 tools, available as tiny__<tool>.',
      });
      expect(progress).toContain('Testing the server (start, list tools, stop)…');
      // The limit covers every step of the slowest kind of install (a GitHub repository that is built).
      const { cloneMs, installMs, probeMs } = DEFAULT_TIMEOUTS;
      expect(tools.find((t) => t.name === 'mcp_install')?.timeoutMs).toBe(MCP_INSTALL_TIMEOUT_MS);
      expect(MCP_INSTALL_TIMEOUT_MS).toBeGreaterThan(cloneMs + 2 * installMs + probeMs);
    } finally {
      await harness.close();
    }
  });
});
