/**
 * The `Llm` facade: the primary provider (with retries), then each fallback in order. A stream that has
 * already yielded something is never switched to another provider; its error propagates.
 */
import type { Tier, TokenUsage } from '../domain/index.js';
import { createAnthropicProvider } from './anthropic.js';
import { allowsFallback } from './errors.js';
import { createOpenAICompatibleProvider } from './openai-compatible.js';
import { type Sleep, withRetries } from './retry.js';
import type { ProviderSettings } from './settings.js';
import {
  type CallPurpose,
  type ChatRequest,
  type ChatResult,
  type Llm,
  LlmError,
  type LlmErrorKind,
  type LlmProvider,
  type ProviderName,
  type StreamEvent,
  type ToolCall,
} from './types.js';

/** One finished provider call (after its retries), reported through `onCall`. */
export interface LlmCallRecord {
  provider: ProviderName;
  model: string;
  purpose: CallPurpose;
  tier: Tier | undefined;
  usage: TokenUsage;
  durationMs: number;
  ok: boolean;
  /** Number of HTTP attempts (1 + retries). */
  attempts: number;
  error?: { kind: LlmErrorKind; message: string };
}

export interface LlmRuntimeOptions {
  /** Retries per provider for 429/5xx/timeouts/connection errors (0 = no retries). */
  maxRetries?: number;
  sleep?: Sleep;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onCall?: (record: LlmCallRecord) => void;
  /** Clock for durations (injectable for tests). */
  now?: () => number;
}

export interface CreateLlmOptions extends LlmRuntimeOptions {
  primary: ProviderSettings;
  fallbacks?: ProviderSettings[];
}

const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

export function createProvider(settings: ProviderSettings): LlmProvider {
  return settings.name === 'anthropic'
    ? createAnthropicProvider(settings)
    : createOpenAICompatibleProvider(settings);
}

export function createLlm(options: CreateLlmOptions): Llm {
  const providers = [options.primary, ...(options.fallbacks ?? [])].map(createProvider);
  return llmFromProviders(providers, options);
}

/** The facade over already-built providers (the first is the primary). */
export function llmFromProviders(providers: readonly LlmProvider[], options: LlmRuntimeOptions = {}): Llm {
  const first = providers[0];
  if (!first) throw new Error('llmFromProviders needs at least one provider.');
  const primary: LlmProvider = first;
  const now = options.now ?? Date.now;

  async function* streamFrom(provider: LlmProvider, request: ChatRequest): AsyncGenerator<StreamEvent> {
    const purpose = request.purpose ?? (request.tools?.length ? 'tools' : 'chat');
    const model = provider.modelFor(request.tier, purpose);
    const started = now();
    let attempts = 0;
    let reported = false;
    const report = (ok: boolean, usage: TokenUsage, reportedModel: string, error?: LlmError) => {
      reported = true;
      options.onCall?.({
        provider: provider.name,
        model: reportedModel,
        purpose,
        tier: request.tier,
        usage,
        durationMs: now() - started,
        ok,
        attempts,
        ...(error ? { error: { kind: error.kind, message: error.message } } : {}),
      });
    };
    const start = () => {
      attempts++;
      return provider.stream({
        messages: request.messages,
        ...(request.tools?.length ? { tools: request.tools } : {}),
        ...(request.maxTokens ? { maxTokens: request.maxTokens } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        model,
      });
    };
    try {
      for await (const event of withRetries(start, {
        ...options,
        maxRetries: options.maxRetries ?? 0,
        provider: provider.name,
        signal: request.signal,
      })) {
        if (event.type === 'done') report(true, event.usage, event.model);
        yield event;
      }
    } catch (error) {
      if (error instanceof LlmError) report(false, ZERO_USAGE, model, error);
      throw error;
    } finally {
      if (!reported) {
        report(
          false,
          ZERO_USAGE,
          model,
          new LlmError('aborted', 'The stream was closed early.', provider.name),
        );
      }
    }
  }

  async function* stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
    for (const [index, provider] of providers.entries()) {
      if (request.signal?.aborted) {
        throw new LlmError('aborted', `The call to ${provider.name} was cancelled.`, provider.name);
      }
      let yielded = false;
      try {
        for await (const event of streamFrom(provider, request)) {
          yielded = true;
          yield event;
        }
        return;
      } catch (error) {
        const isLast = index === providers.length - 1;
        if (yielded || isLast || !(error instanceof LlmError) || !allowsFallback(error)) throw error;
      }
    }
  }

  async function complete(request: ChatRequest): Promise<ChatResult> {
    let text = '';
    let toolCalls: ToolCall[] = [];
    for await (const event of stream(request)) {
      if (event.type === 'text') text += event.text;
      else if (event.type === 'tool_calls') toolCalls = event.calls;
      else
        return {
          text,
          toolCalls,
          usage: event.usage,
          finishReason: event.finishReason,
          model: event.model,
          provider: event.provider,
        };
    }
    throw new LlmError(
      'unavailable',
      `${primary.name} ended the response without finishing it.`,
      primary.name,
    );
  }

  return {
    primary: primary.name,
    modelFor: (tier, purpose) => primary.modelFor(tier, purpose),
    stream,
    complete,
  };
}
