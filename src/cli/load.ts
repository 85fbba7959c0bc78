/** Loading config and building the app for a CLI command, with errors a person can act on. */
import { type Config, ConfigError, loadConfig } from '../config/index.js';
import { DatabaseConnectionError } from '../db/index.js';
import { LlmError } from '../llm/index.js';
import { DimensionMismatchError, EmbeddingError } from '../memory/index.js';

export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function loadConfigOrExit(envFile: string | undefined): Config {
  try {
    return loadConfig({ envFile: envFile ?? undefined });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(2, error.message);
    throw error;
  }
}

/** Known failures become a message and an exit code; anything else is a bug and keeps its stack. */
export function explain(error: unknown): { code: number; message: string } {
  if (error instanceof CliExit) return { code: error.code, message: error.message };
  if (error instanceof ConfigError) return { code: 2, message: error.message };
  if (error instanceof DatabaseConnectionError) return { code: 1, message: error.message };
  // The memory store was built with another vector size: the message names `clara memory reembed`.
  if (error instanceof DimensionMismatchError) return { code: 1, message: error.message };
  if (error instanceof EmbeddingError) return { code: 1, message: error.message };
  if (error instanceof LlmError) return { code: 1, message: `The LLM call failed: ${error.message}` };
  if (error instanceof Error && /already in use/.test(error.message))
    return { code: 1, message: error.message };
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: 1, message: `Unexpected error: ${detail}` };
}
