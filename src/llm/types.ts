/**
 * The LLM specification the rest of Clara depends on. Providers (OpenAI-compatible, Anthropic) implement it;
 * nothing outside `src/llm` sees an SDK type.
 */
import type { Tier, TokenUsage } from '../domain/index.js';

export const PROVIDER_NAMES = ['openrouter', 'nanogpt', 'openai', 'anthropic'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** JSON Schema object describing a tool's parameters. */
export type JsonSchema = Record<string, unknown>;

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text as produced by the model. */
  arguments: string;
}

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; mediaType: string; base64: string }
  | { type: 'image_url'; url: string };

/** Unified message shape (OpenAI-like); providers convert to their wire format. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** What a call is for; used for model choice (tools never use the low tier) and for usage records. */
export type CallPurpose = 'chat' | 'tools' | 'auto_tier' | 'summary' | 'doctor' | 'memory';

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  tier?: Tier;
  purpose?: CallPurpose;
  maxTokens?: number;
  signal?: AbortSignal;
}

/** A request bound to one concrete model of one provider. */
export interface ProviderRequest extends Omit<ChatRequest, 'tier' | 'purpose'> {
  model: string;
}

export type StreamEvent =
  | { type: 'text'; text: string }
  /** Emitted once, complete, when the model finished asking for tools. */
  | { type: 'tool_calls'; calls: ToolCall[] }
  | { type: 'done'; usage: TokenUsage; finishReason: string | null; model: string; provider: ProviderName };

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  finishReason: string | null;
  model: string;
  provider: ProviderName;
}

/** One configured provider (one SDK client, one base URL, one key, one tier table). */
export interface LlmProvider {
  readonly name: ProviderName;
  /** Model for a tier; `undefined` tier → the provider's base model. Tool calls never use the low tier. */
  modelFor(tier: Tier | undefined, purpose?: CallPurpose): string;
  stream(request: ProviderRequest): AsyncIterable<StreamEvent>;
}

/**
 * The facade the engine uses: the primary provider plus optional fallbacks, with retries.
 * Streams may only fall back to another provider before the first event has been yielded.
 */
export interface Llm {
  readonly primary: ProviderName;
  modelFor(tier: Tier | undefined, purpose?: CallPurpose): string;
  stream(request: ChatRequest): AsyncIterable<StreamEvent>;
  complete(request: ChatRequest): Promise<ChatResult>;
}

/** Why an LLM call failed, in terms a user message and a log entry can use. */
export type LlmErrorKind =
  | 'auth'
  | 'not_found'
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_request'
  | 'aborted';

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly provider: ProviderName,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

/** Executes tool calls for the tool loop; implemented by the tool registry. */
export interface ToolExecutor {
  execute(call: ToolCall, signal?: AbortSignal): Promise<{ content: string; isError?: boolean }>;
}

export type ToolLoopEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_start'; call: ToolCall; step: number }
  | { type: 'tool_end'; call: ToolCall; ok: boolean; durationMs: number; content: string }
  | { type: 'notice'; text: string }
  | {
      type: 'usage';
      usage: TokenUsage;
      model: string;
      provider: ProviderName;
      purpose: CallPurpose;
      /** Wall time of this LLM call (for usage records). */
      durationMs: number;
    }
  | { type: 'done'; text: string; model: string; provider: ProviderName; usage: TokenUsage };

export interface ToolLoopOptions {
  messages: ChatMessage[];
  tools: ToolSpec[];
  executor: ToolExecutor;
  tier?: Tier;
  /** `MAX_TOOL_ITERATIONS`, default 75. */
  maxIterations: number;
  /** `DISCORD_MAX_TOOL_RESULT_CHARS`, default 50 000. */
  maxResultChars: number;
  signal?: AbortSignal;
}
