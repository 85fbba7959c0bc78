/** Tools the model can call: declared with a zod schema, emitted as JSON Schema, validated before they run. */
import type { z } from 'zod';
import type { ToolScope } from '../engine/index.js';

/**
 * Who is asking and where: the engine's ToolScope (userId, conversationId, sessionId, platform, channelId,
 * isAdmin), plus an abort signal that fires when the turn is cancelled or the tool's time limit passes.
 */
export interface ToolContext extends ToolScope {
  signal?: AbortSignal;
}

export interface ToolResult {
  content: string;
  isError?: boolean;
}

export interface ToolDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: Schema;
  /** Platforms where the tool is offered; all when omitted. */
  platforms?: readonly string[];
  /** Offered only to admins. */
  adminOnly?: boolean;
  /** Time limit of one run (default: the registry's, 5 minutes); the run's signal aborts when it passes. */
  timeoutMs?: number;
  emoji?: string;
  /** Short status line shown while the tool runs, from its (validated) arguments. */
  status?: (args: z.infer<Schema>) => string;
  /** Returns the text for the model; a thrown error becomes `Error: <name> failed: <message>`. */
  run(args: z.infer<Schema>, context: ToolContext): Promise<string | ToolResult>;
}

export function defineTool<Schema extends z.ZodType>(
  definition: ToolDefinition<Schema>,
): ToolDefinition<Schema> {
  return definition;
}
