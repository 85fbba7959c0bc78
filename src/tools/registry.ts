/**
 * The tool registry: what the model is offered (filtered by platform and permissions), argument validation whose
 * errors go back to the model, and execution with failures reported as `Error: …` results.
 */
import { z } from 'zod';
import type { ToolProvider, ToolScope } from '../engine/index.js';
import type { ToolCall, ToolSpec } from '../llm/index.js';
import { genericStatus, toolEmoji } from './status.js';
import type { ToolContext, ToolDefinition, ToolResult } from './types.js';

export interface RegisteredTool {
  definition: ToolDefinition;
  spec: ToolSpec;
}

export class ToolRegistry implements ToolProvider {
  private readonly tools = new Map<string, RegisteredTool>();

  constructor(private readonly options: { logger?: { warn(obj: object, msg: string): void } } = {}) {}

  register(definition: ToolDefinition): void {
    if (this.tools.has(definition.name)) {
      this.options.logger?.warn({ tool: definition.name }, 'tool registered twice; keeping the first');
      return;
    }
    const parameters = z.toJSONSchema(definition.schema, { target: 'draft-7', io: 'input' }) as Record<
      string,
      unknown
    >;
    delete parameters.$schema;
    this.tools.set(definition.name, {
      definition,
      spec: { name: definition.name, description: definition.description, parameters },
    });
  }

  unregister(name: string): void {
    this.tools.delete(name);
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  private available(scope: ToolScope): RegisteredTool[] {
    return [...this.tools.values()].filter(
      ({ definition }) =>
        (!definition.platforms || definition.platforms.includes(scope.platform)) &&
        (!definition.adminOnly || scope.isAdmin),
    );
  }

  specs(scope: ToolScope): ToolSpec[] {
    return this.available(scope).map((tool) => tool.spec);
  }

  instructions(scope: ToolScope): string {
    if (this.available(scope).length === 0) return '';
    return (
      'You have tools. When a tool can do what the person asks, call it instead of describing what you would do, ' +
      'then explain the outcome in plain words. Never invent tool results.'
    );
  }

  status(name: string, args: string): { emoji: string; status: string } {
    const tool = this.tools.get(name);
    const parsed = parseArguments(args);
    const record = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
    let status = genericStatus(name, record);
    if (tool?.definition.status) {
      const valid = tool.definition.schema.safeParse(record);
      if (valid.success) status = tool.definition.status(valid.data);
    }
    return { emoji: toolEmoji(name, tool?.definition.emoji), status };
  }

  executor(scope: ToolScope) {
    return {
      execute: (call: ToolCall, signal?: AbortSignal) => this.execute(call, { ...scope, signal }),
    };
  }

  /** Runs a tool exactly as the model would: validation errors and failures come back as `Error: …` text. */
  async execute(call: Pick<ToolCall, 'name' | 'arguments'>, context: ToolContext): Promise<ToolResult> {
    const tool = this.tools.get(call.name);
    if (!tool || !this.available(context).includes(tool)) {
      return { content: `Error: there is no tool named "${call.name}" available here.`, isError: true };
    }
    const parsed = parseArguments(call.arguments);
    if (!parsed.ok)
      return { content: `Error: the arguments are not valid JSON (${parsed.error}).`, isError: true };
    const valid = tool.definition.schema.safeParse(parsed.value);
    if (!valid.success) {
      const problems = valid.error.issues
        .map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`)
        .join('; ');
      return { content: `Error: invalid arguments for ${call.name}: ${problems}`, isError: true };
    }
    try {
      const result = await tool.definition.run(valid.data, context);
      return typeof result === 'string' ? { content: result } : result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { content: `Error: ${call.name} failed: ${message}`, isError: true };
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseArguments(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
