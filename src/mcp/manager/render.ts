/**
 * An MCP tool result as text for the model (spec §5.5): text parts joined by newlines, `[Image: <mime>]`,
 * `[Resource: <uri>]`, other parts as JSON, `structuredContent` appended; unlike the original, `isError` is kept.
 */

interface ContentPart {
  type?: string;
  text?: string;
  mimeType?: string;
  uri?: string;
  name?: string;
  resource?: { uri?: string; text?: string };
}

export interface RenderedResult {
  content: string;
  isError: boolean;
}

export function renderToolResult(result: unknown): RenderedResult {
  const record = (result ?? {}) as {
    content?: ContentPart[];
    structuredContent?: unknown;
    isError?: boolean;
    toolResult?: unknown;
  };
  const lines: string[] = [];
  const parts = Array.isArray(record.content) ? record.content : [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        lines.push(part.text ?? '');
        break;
      case 'image':
        lines.push(`[Image: ${part.mimeType ?? 'unknown'}]`);
        break;
      case 'audio':
        lines.push(`[Audio: ${part.mimeType ?? 'unknown'}]`);
        break;
      case 'resource':
        lines.push(`[Resource: ${part.resource?.uri ?? 'unknown'}]`);
        break;
      case 'resource_link':
        lines.push(`[Resource: ${part.uri ?? 'unknown'}]`);
        break;
      default:
        lines.push(JSON.stringify(part));
    }
  }
  // Older servers answer `{ toolResult }` (compatibility shape).
  if (parts.length === 0 && record.toolResult !== undefined)
    lines.push(JSON.stringify(record.toolResult, null, 2));
  if (record.structuredContent !== undefined) {
    lines.push(`Structured: ${JSON.stringify(record.structuredContent, null, 2)}`);
  }
  const isError = record.isError === true;
  const text = lines.join('\n');
  if (isError) return { content: `Error: ${text || 'the tool reported an error without details'}`, isError };
  return { content: text || 'Tool executed successfully (no output)', isError };
}
