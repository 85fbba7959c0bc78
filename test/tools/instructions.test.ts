/** Tool-module instructions (the original's per-module system prompts): shown only when their tools are offered. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MCP_INSTRUCTIONS, MCP_INSTRUCTIONS_ADMIN, MCP_INSTRUCTIONS_PUBLIC } from '../../src/mcp/index.js';
import { defineTool, ToolRegistry } from '../../src/tools/index.js';
import { startTestApp } from '../support/app.js';

const scope = (isAdmin: boolean) => ({
  userId: 'discord-1',
  conversationId: 'discord-dm-1',
  sessionId: 's',
  platform: 'discord',
  isAdmin,
});

describe('tool instructions', () => {
  it('adds a module’s text only when one of its tools is offered', () => {
    const registry = new ToolRegistry({ logger: pino({ level: 'silent' }) });
    registry.register(
      defineTool({
        name: 'admin_thing',
        description: 'admins only',
        schema: z.object({}),
        adminOnly: true,
        run: async () => 'ok',
      }),
    );
    registry.register(
      defineTool({
        name: 'public_thing',
        description: 'anyone',
        schema: z.object({}),
        run: async () => 'ok',
      }),
    );
    registry.addInstructions(['admin_thing'], 'ADMIN MODULE TEXT');
    expect(registry.instructions(scope(true))).toContain('ADMIN MODULE TEXT');
    expect(registry.instructions(scope(false))).not.toContain('ADMIN MODULE TEXT');
    expect(registry.instructions(scope(false))).toContain('You have tools');
  });

  it('every tool the MCP text mentions exists in Clara, and an admin’s prompt carries the text', async () => {
    const app = await startTestApp({ backend: 'sqlite' });
    try {
      const mentioned = MCP_INSTRUCTIONS.match(/\b(?:mcp|smithery)_[a-z_]+/g) ?? [];
      expect(mentioned.length).toBeGreaterThan(10);
      for (const name of mentioned) expect(app.tools.names()).toContain(name);
      expect(app.tools.instructions(scope(true))).toContain(MCP_INSTRUCTIONS_PUBLIC);
      expect(app.tools.instructions(scope(true))).toContain(MCP_INSTRUCTIONS_ADMIN);
    } finally {
      await app.stop();
    }
  });

  it('tells a non-admin about the MCP tools they are offered and none of the admin ones', async () => {
    const app = await startTestApp({ backend: 'sqlite' });
    try {
      const text = app.tools.instructions(scope(false));
      expect(text).toContain(MCP_INSTRUCTIONS_PUBLIC);
      expect(text).not.toContain(MCP_INSTRUCTIONS_ADMIN);
      const offered = new Set(app.tools.specs(scope(false)).map((spec) => spec.name));
      const named = text.match(/\b(?:mcp|smithery)_[a-z_]+/g) ?? [];
      expect(named).toEqual(expect.arrayContaining(['mcp_list', 'mcp_status', 'mcp_tools']));
      expect(named.filter((name) => !offered.has(name))).toEqual([]);
      // An admin is offered every tool the admin part names.
      const adminOffered = new Set(app.tools.specs(scope(true)).map((spec) => spec.name));
      const adminNamed = MCP_INSTRUCTIONS_ADMIN.match(/\b(?:mcp|smithery)_[a-z_]+/g) ?? [];
      expect(adminNamed.filter((name) => !adminOffered.has(name))).toEqual([]);
      expect(adminNamed.filter((name) => offered.has(name))).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
