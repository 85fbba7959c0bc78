/**
 * MCP tools in Clara's ToolRegistry (spec §5.5): `<server>__<tool>`, the server's JSON Schema passed through,
 * description + ` (MCP: <server>)`. Names the LLM APIs would refuse are made safe (other characters → `_`,
 * at most 64 characters); the call still uses the tool's own name.
 */
import { z } from 'zod';
import { mcpToolName } from '../../domain/index.js';
import type { ToolContext, ToolRegistry, ToolResult } from '../../tools/index.js';
import type { CachedMcpTool } from '../config/index.js';

const MAX_NAME = 64;

export interface ToolBridgeOptions {
  registry: ToolRegistry;
  /** Runs one call; errors come back as an error result. */
  call(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    context: ToolContext,
  ): Promise<ToolResult>;
  /** The registry's own time limit for an MCP tool (above the MCP one, so ours speaks first). */
  timeoutMs: number;
  logger: { warn(obj: object, msg: string): void };
}

export function exposedToolName(server: string, tool: string): string {
  return mcpToolName(server, tool.replace(/[^A-Za-z0-9_-]/g, '_')).slice(0, MAX_NAME);
}

function describe(server: string, tool: CachedMcpTool): string {
  const text = tool.description.trim();
  const sentence = text === '' ? '' : /[.!?]$/.test(text) ? text : `${text}.`;
  return `${sentence}${sentence ? ' ' : ''}(MCP: ${server})`;
}

function parametersOf(tool: CachedMcpTool): Record<string, unknown> {
  const schema = { ...tool.inputSchema };
  if (schema.type !== 'object') return { type: 'object', properties: {} };
  schema.properties ??= {};
  return schema;
}

/** Keeps each server's tools registered under its exposed names. */
export class McpToolBridge {
  private readonly owned = new Map<string, string[]>();

  constructor(private readonly options: ToolBridgeOptions) {}

  /** Replaces the server's tools in the registry. */
  sync(server: string, tools: readonly CachedMcpTool[]): void {
    this.remove(server);
    const { registry, logger } = this.options;
    const names: string[] = [];
    const taken = new Set(registry.names());
    for (const tool of tools) {
      const name = exposedToolName(server, tool.name);
      if (taken.has(name)) {
        logger.warn({ server, tool: tool.name, name }, 'MCP tool skipped: its name is already taken');
        continue;
      }
      registry.registerWithJsonSchema(
        {
          name,
          description: describe(server, tool),
          schema: z.record(z.string(), z.unknown()),
          timeoutMs: this.options.timeoutMs,
          run: (args, context) =>
            this.options.call(server, tool.name, args as Record<string, unknown>, context),
        },
        parametersOf(tool),
      );
      taken.add(name);
      names.push(name);
    }
    this.owned.set(server, names);
  }

  remove(server: string): void {
    for (const name of this.owned.get(server) ?? []) this.options.registry.unregister(name);
    this.owned.delete(server);
  }
}
