/** Failures of MCP tool calls that go back to the model as clear `Error: …` text. */

export class McpUnavailableError extends Error {
  override name = 'McpUnavailableError';
}

export class McpToolTimeoutError extends Error {
  override name = 'McpToolTimeoutError';
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
