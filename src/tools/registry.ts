/**
 * The tool registry: what the model is offered (filtered by platform and permissions), lenient coercion and
 * validation of arguments whose errors go back to the model, execution with a time limit, results capped at
 * `DISCORD_MAX_TOOL_RESULT_CHARS`, and every execution recorded (duration, success, error).
 */
import { z } from 'zod';
import type { ToolCallInput } from '../db/index.js';
import type { ToolProvider, ToolScope } from '../engine/index.js';
import type { ToolCall, ToolSpec } from '../llm/index.js';
import { coerceArguments } from './coerce.js';
import { capToolResult, DEFAULT_MAX_RESULT_CHARS } from './result.js';
import { genericStatus, toolEmoji } from './status.js';
import type { ToolContext, ToolDefinition, ToolResult } from './types.js';
import { invalidArgumentsMessage, parameterSummary } from './validation.js';

export interface RegisteredTool {
  definition: ToolDefinition;
  spec: ToolSpec;
}

export interface ToolRegistryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ToolRegistryOptions {
  logger?: ToolRegistryLogger;
  /** Where each execution is recorded (the `tool_calls` table); failures to record are logged, never thrown. */
  recorder?: { record(input: ToolCallInput): Promise<void> };
  /** `DISCORD_MAX_TOOL_RESULT_CHARS` (default 50 000). */
  maxResultChars?: number;
  /** Time limit of a tool that declares none (default 5 minutes). */
  defaultTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const LISTED_NAMES = 40;

/** The JSON Schema of a tool's arguments, as both providers accept it (a top-level object). */
export function toolParameters(name: string, schema: z.ZodType): Record<string, unknown> {
  const parameters = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  delete parameters.$schema;
  if (parameters.type !== 'object') {
    throw new Error(
      `Tool "${name}": its schema must be a z.object(...) (providers require an object schema).`,
    );
  }
  parameters.properties ??= {};
  return parameters;
}

export class ToolRegistry implements ToolProvider {
  private readonly tools = new Map<string, RegisteredTool>();
  private readonly moduleInstructions: Array<{ toolNames: readonly string[]; text: string }> = [];
  /** Why a known tool is not registered (e.g. a missing key), told to the model when it calls it anyway. */
  private readonly unavailable = new Map<string, string>();

  constructor(private readonly options: ToolRegistryOptions = {}) {}

  /**
   * Extra system-prompt text for a group of tools (the original's per-module system prompts, spec §1.9.5): added to
   * `instructions()` whenever at least one of `toolNames` is offered in the scope.
   */
  addInstructions(toolNames: readonly string[], text: string): void {
    this.moduleInstructions.push({ toolNames, text });
  }

  register(definition: ToolDefinition): void {
    if (this.tools.has(definition.name)) {
      this.options.logger?.warn({ tool: definition.name }, 'tool registered twice; keeping the first');
      return;
    }
    const parameters = toolParameters(definition.name, definition.schema);
    this.tools.set(definition.name, {
      definition,
      spec: { name: definition.name, description: definition.description, parameters },
    });
  }

  /** Records why `name` is not offered; a call to it returns this explanation instead of "no such tool". */
  explainUnavailable(name: string, reason: string): void {
    this.unavailable.set(name, reason);
  }

  /**
   * Registers a tool whose JSON Schema comes from elsewhere (an MCP server), passed to the model untouched; its zod
   * schema only checks the arguments' shape (the tool itself validates the rest).
   */
  registerWithJsonSchema(definition: ToolDefinition, parameters: Record<string, unknown>): void {
    if (this.tools.has(definition.name)) {
      this.options.logger?.warn({ tool: definition.name }, 'tool registered twice; keeping the first');
      return;
    }
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

  private offered(tool: RegisteredTool, scope: ToolScope): boolean {
    const { definition } = tool;
    return (
      (!definition.platforms || definition.platforms.includes(scope.platform)) &&
      (!definition.adminOnly || scope.isAdmin)
    );
  }

  private available(scope: ToolScope): RegisteredTool[] {
    return [...this.tools.values()].filter((tool) => this.offered(tool, scope));
  }

  specs(scope: ToolScope): ToolSpec[] {
    return this.available(scope).map((tool) => tool.spec);
  }

  instructions(scope: ToolScope): string {
    const available = this.available(scope);
    if (available.length === 0) return '';
    const offered = new Set(available.map((tool) => tool.definition.name));
    const modules = this.moduleInstructions
      .filter((module) => module.toolNames.some((name) => offered.has(name)))
      .map((module) => module.text);
    return [
      'You have tools. When a tool can do what the person asks, call it instead of describing what you would do, ' +
        'then explain the outcome in plain words. Never invent tool results. If a tool returns an error, read it: ' +
        'fix the arguments and try again, or tell the person what went wrong.',
      ...modules,
    ].join('\n\n');
  }

  status(name: string, args: string): { emoji: string; status: string } {
    const tool = this.tools.get(name);
    const parsed = parseArguments(args);
    const record = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
    let status = genericStatus(name, record);
    if (tool?.definition.status) {
      const valid = tool.definition.schema.safeParse(coerceArguments(record, tool.spec.parameters));
      if (valid.success) status = tool.definition.status(valid.data);
    }
    return { emoji: toolEmoji(name, tool?.definition.emoji), status };
  }

  executor(scope: ToolScope) {
    return {
      execute: (call: ToolCall, signal?: AbortSignal) =>
        this.execute(call, { ...scope, ...(signal ? { signal } : {}) }),
    };
  }

  /**
   * Runs a tool exactly as the model would: unknown tools, bad arguments, failures and time-outs come back as
   * `Error: …` text (never thrown), the result is capped, and the execution is recorded.
   */
  async execute(call: Pick<ToolCall, 'name' | 'arguments'>, context: ToolContext): Promise<ToolResult> {
    const started = performance.now();
    const outcome = await this.run(call, context);
    const { content, truncated } = capToolResult(
      outcome.content,
      this.options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS,
    );
    const ok = !outcome.isError && !outcome.content.startsWith('Error:');
    await this.record(call.name, context, {
      durationMs: performance.now() - started,
      ok,
      error: ok ? null : outcome.content,
      resultChars: outcome.content.length,
      truncated,
    });
    return ok ? { content } : { content, isError: true };
  }

  private async run(call: Pick<ToolCall, 'name' | 'arguments'>, context: ToolContext): Promise<ToolResult> {
    const tool = this.tools.get(call.name);
    if (!tool) return this.unknownTool(call.name, context);
    if (!this.offered(tool, context)) {
      const why =
        tool.definition.adminOnly && !context.isAdmin
          ? 'only for admins'
          : `not offered on ${context.platform}`;
      return { content: `Error: the tool ${call.name} is ${why}.`, isError: true };
    }
    const parsed = parseArguments(call.arguments);
    if (!parsed.ok) {
      return {
        content:
          `Error: the arguments for ${call.name} are not valid JSON (${parsed.error}). Send one JSON object. ` +
          `Its parameters: ${parameterSummary(tool.spec.parameters)}.`,
        isError: true,
      };
    }
    const args = coerceArguments(parsed.value, tool.spec.parameters);
    const valid = tool.definition.schema.safeParse(args, { reportInput: true });
    if (!valid.success) {
      return {
        content: invalidArgumentsMessage(call.name, valid.error.issues, tool.spec.parameters),
        isError: true,
      };
    }
    return this.runWithLimit(tool.definition, valid.data, context);
  }

  private async runWithLimit(
    definition: ToolDefinition,
    args: unknown,
    context: ToolContext,
  ): Promise<ToolResult> {
    const limitMs = definition.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = new AbortController();
    const signal = context.signal ? AbortSignal.any([context.signal, timer.signal]) : timer.signal;
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<ToolResult>((resolve) => {
      timeout = setTimeout(() => {
        timer.abort(new Error('time limit'));
        resolve({
          content: `Error: ${definition.name} did not finish within ${formatSeconds(limitMs)} and was stopped.`,
          isError: true,
        });
      }, limitMs);
    });
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<ToolResult>((resolve) => {
      onAbort = () => resolve({ content: `Error: ${definition.name} was cancelled.`, isError: true });
      if (context.signal?.aborted) onAbort();
      else context.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const running = (async (): Promise<ToolResult> => {
      try {
        const result = await definition.run(args, { ...context, signal });
        return typeof result === 'string' ? { content: result } : result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { content: `Error: ${definition.name} failed: ${message}`, isError: true };
      }
    })();
    try {
      return await Promise.race([running, expired, cancelled]);
    } finally {
      clearTimeout(timeout);
      if (onAbort) context.signal?.removeEventListener('abort', onAbort);
    }
  }

  private unknownTool(name: string, context: ToolContext): ToolResult {
    const reason = this.unavailable.get(name);
    if (reason) return { content: `Error: ${reason}`, isError: true };
    const names = this.available(context).map((tool) => tool.definition.name);
    const listed = names.slice(0, LISTED_NAMES).join(', ');
    const more = names.length > LISTED_NAMES ? ` and ${names.length - LISTED_NAMES} more` : '';
    return {
      content:
        names.length > 0
          ? `Error: there is no tool named "${name}". Available tools: ${listed}${more}.`
          : `Error: there is no tool named "${name}", and no tools are available here.`,
      isError: true,
    };
  }

  private async record(
    toolName: string,
    context: ToolContext,
    outcome: Pick<ToolCallInput, 'durationMs' | 'ok' | 'error' | 'resultChars' | 'truncated'>,
  ): Promise<void> {
    const durationMs = Math.round(outcome.durationMs);
    const fields = {
      tool: toolName,
      userId: context.userId,
      ...(context.sessionId ? { sessionId: context.sessionId } : {}),
      conversationId: context.conversationId,
      platform: context.platform,
      durationMs,
      ok: outcome.ok,
      ...(outcome.truncated ? { truncated: true, resultChars: outcome.resultChars } : {}),
    };
    if (outcome.ok) this.options.logger?.info(fields, `tool ${toolName} finished`);
    else
      this.options.logger?.warn(
        { ...fields, error: outcome.error?.slice(0, 500) },
        `tool ${toolName} failed`,
      );
    if (!this.options.recorder) return;
    try {
      await this.options.recorder.record({
        toolName,
        userId: context.userId,
        conversationId: context.conversationId,
        sessionId: context.sessionId || null,
        platform: context.platform,
        ...outcome,
        durationMs,
      });
    } catch (error) {
      this.options.logger?.warn(
        { tool: toolName, error: error instanceof Error ? error.message : String(error) },
        'could not record the tool call',
      );
    }
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} second${seconds === 1 ? '' : 's'}`;
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
