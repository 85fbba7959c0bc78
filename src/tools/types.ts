/** Tools the model can call: declared with a zod schema, emitted as JSON Schema, validated before they run. */
import type { z } from 'zod';
import type { ToolScope } from '../engine/index.js';

/** Who is asking and where (the engine's ToolScope), plus the turn's abort signal. */
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
  emoji?: string;
  /** Short status line shown while the tool runs, from its (validated) arguments. */
  status?: (args: z.infer<Schema>) => string;
  run(args: z.infer<Schema>, context: ToolContext): Promise<string | ToolResult>;
}

export function defineTool<Schema extends z.ZodType>(
  definition: ToolDefinition<Schema>,
): ToolDefinition<Schema> {
  return definition;
}
