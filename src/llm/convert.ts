/**
 * Unified message shape → wire formats (spec §2.5.3): OpenAI Chat Completions and Anthropic Messages.
 * Stream/response → unified lives in `convert-stream.ts`.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import type { ChatMessage, ContentPart, ToolCall, ToolSpec } from './types.js';

type OpenAIMessage = OpenAI.Chat.ChatCompletionMessageParam;
type OpenAIPart = OpenAI.Chat.ChatCompletionContentPart;
type AnthropicMessage = Anthropic.MessageParam;
type AnthropicBlock = Anthropic.ContentBlockParam;
type AnthropicImageSource = Anthropic.ImageBlockParam['source'];
type AnthropicMediaType = Anthropic.Base64ImageSource['media_type'];

const EMPTY_SCHEMA = { type: 'object', properties: {} } as const;

/** `data:image/png;base64,AAAA` → its parts; `undefined` when it is not a base64 data URL. */
export function parseDataUrl(url: string): { mediaType: string; base64: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match?.[1] || match[2] === undefined) return undefined;
  return { mediaType: match[1], base64: match[2] };
}

// ── OpenAI ────────────────────────────────────────────────────────────────────────────────────────────────

function toOpenAIPart(part: ContentPart): OpenAIPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return { type: 'image_url', image_url: { url: `data:${part.mediaType};base64,${part.base64}` } };
    case 'image_url':
      return { type: 'image_url', image_url: { url: part.url } };
  }
}

function toOpenAIMessage(message: ChatMessage): OpenAIMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? message.content : message.content.map(toOpenAIPart),
      };
    case 'assistant':
      if (message.toolCalls && message.toolCalls.length > 0) {
        return {
          role: 'assistant',
          content: message.content || null,
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments || '{}' },
          })),
        };
      }
      return { role: 'assistant', content: message.content ?? '' };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

export function toOpenAIMessages(messages: readonly ChatMessage[]): OpenAIMessage[] {
  return messages.map(toOpenAIMessage);
}

export function toOpenAITools(tools: readonly ToolSpec[]): OpenAI.Chat.ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function' as const,
    function: { name: tool.name, description: tool.description, parameters: tool.parameters ?? EMPTY_SCHEMA },
  }));
}

// ── Anthropic ─────────────────────────────────────────────────────────────────────────────────────────────

function imageSource(part: Exclude<ContentPart, { type: 'text' }>): AnthropicImageSource {
  if (part.type === 'image') {
    return { type: 'base64', media_type: part.mediaType as AnthropicMediaType, data: part.base64 };
  }
  const data = parseDataUrl(part.url);
  if (data) return { type: 'base64', media_type: data.mediaType as AnthropicMediaType, data: data.base64 };
  return { type: 'url', url: part.url };
}

function toAnthropicUserContent(content: string | ContentPart[]): string | AnthropicBlock[] {
  if (typeof content === 'string') return content;
  return content.map(
    (part): AnthropicBlock =>
      part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image', source: imageSource(part) },
  );
}

/** Tool arguments as an object: Anthropic requires `input` to be one. Unparseable or non-object → `{}`. */
export function parseToolInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: 'assistant' }>,
  toolsAvailable: boolean,
): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = [];
  if (message.content) blocks.push({ type: 'text', text: message.content });
  for (const call of message.toolCalls ?? []) {
    blocks.push(
      toolsAvailable
        ? { type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call.arguments) }
        : { type: 'text', text: `[Called tool ${call.name} with arguments: ${call.arguments || '{}'}]` },
    );
  }
  return blocks;
}

export interface AnthropicRequestParts {
  system?: string;
  messages: AnthropicMessage[];
}

/**
 * System messages are joined with blank lines into `system`; consecutive `tool` results become ONE user
 * message of `tool_result` blocks. Without tools in the request (e.g. the tool loop's final summary call),
 * earlier tool calls and results are rendered as text, since the API rejects tool blocks without tools.
 */
export function toAnthropicRequest(
  messages: readonly ChatMessage[],
  options: { toolsAvailable: boolean } = { toolsAvailable: true },
): AnthropicRequestParts {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  const toolNames = new Map<string, string>();
  let pendingResults: AnthropicBlock[] | undefined;

  for (const message of messages) {
    if (message.role !== 'tool') pendingResults = undefined;
    switch (message.role) {
      case 'system':
        if (message.content.trim()) system.push(message.content);
        break;
      case 'user':
        out.push({ role: 'user', content: toAnthropicUserContent(message.content) });
        break;
      case 'assistant': {
        for (const call of message.toolCalls ?? []) toolNames.set(call.id, call.name);
        const blocks = assistantBlocks(message, options.toolsAvailable);
        if (blocks.length > 0) out.push({ role: 'assistant', content: blocks });
        break;
      }
      case 'tool': {
        const block: AnthropicBlock = options.toolsAvailable
          ? { type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }
          : {
              type: 'text',
              text: `[Result of tool ${toolNames.get(message.toolCallId) ?? 'call'}: ${message.content}]`,
            };
        if (pendingResults) pendingResults.push(block);
        else {
          pendingResults = [block];
          out.push({ role: 'user', content: pendingResults });
        }
        break;
      }
    }
  }
  return system.length > 0 ? { system: system.join('\n\n'), messages: out } : { messages: out };
}

export function toAnthropicTools(tools: readonly ToolSpec[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: (tool.parameters ?? EMPTY_SCHEMA) as Anthropic.Tool.InputSchema,
  }));
}

/** Unified tool call from an Anthropic `tool_use` block. */
export function fromToolUse(block: { id: string; name: string; input: unknown }): ToolCall {
  return { id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) };
}
