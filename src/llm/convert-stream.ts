/**
 * Wire stream/response payloads → unified pieces (text deltas, complete tool calls, usage, finish reason).
 * Both readers are tolerant: unknown fields and odd chunks are ignored rather than fatal.
 */
import type { TokenUsage } from '../domain/index.js';
import { fromToolUse } from './convert.js';
import type { ProviderName, StreamEvent, ToolCall } from './types.js';

type Rec = Record<string, unknown>;

function rec(value: unknown): Rec | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
}

/** Accumulates OpenAI Chat Completions chunks (or one whole completion, or a bare string from a proxy). */
export class OpenAIStreamState {
  usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  finishReason: string | null = null;
  model: string | undefined;
  private readonly calls = new Map<number, PartialCall>();
  private lastIndex: number | undefined;

  /** Takes one payload; returns the text it carries (possibly empty). */
  push(payload: unknown): string {
    if (typeof payload === 'string') return payload;
    const chunk = rec(payload);
    if (!chunk) return '';
    this.model = str(chunk.model) || this.model;
    this.readUsage(rec(chunk.usage));
    let text = '';
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const raw of choices) {
      const choice = rec(raw);
      if (!choice) continue;
      const finish = str(choice.finish_reason);
      if (finish) this.finishReason = finish;
      // Streaming chunks carry `delta`; a whole completion (proxy ignoring stream:true) carries `message`.
      const delta = rec(choice.delta) ?? rec(choice.message);
      if (!delta) continue;
      const content = str(delta.content);
      if (content) text += content;
      if (Array.isArray(delta.tool_calls)) {
        for (const [position, call] of delta.tool_calls.entries()) this.readCall(call, position);
      }
    }
    return text;
  }

  private readUsage(usage: Rec | undefined): void {
    if (!usage) return;
    const cost = num(usage.cost);
    this.usage = {
      inputTokens: num(usage.prompt_tokens) ?? num(usage.input_tokens) ?? this.usage.inputTokens,
      outputTokens: num(usage.completion_tokens) ?? num(usage.output_tokens) ?? this.usage.outputTokens,
      ...(cost !== undefined ? { cost } : this.usage.cost !== undefined ? { cost: this.usage.cost } : {}),
    };
  }

  private readCall(raw: unknown, position: number): void {
    const delta = rec(raw);
    if (!delta) return;
    const id = str(delta.id);
    let index = num(delta.index);
    if (index === undefined && id) {
      for (const [key, call] of this.calls) if (call.id === id) index = key;
      index ??= this.calls.size;
    }
    // No index and no id: a continuation of the call last written to (or a new first call).
    index ??= this.lastIndex ?? position;
    this.lastIndex = index;
    const call = this.calls.get(index) ?? { id: '', name: '', args: '' };
    this.calls.set(index, call);
    if (id && !call.id) call.id = id;
    const fn = rec(delta.function);
    const name = str(fn?.name);
    if (name && !call.name) call.name = name;
    const args = fn?.arguments;
    if (typeof args === 'string') call.args += args;
    else if (rec(args)) call.args += JSON.stringify(args);
  }

  toolCalls(): ToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, call]) => call.name)
      .map(([index, call]) => ({
        id: call.id || `call_${index}`,
        name: call.name,
        arguments: call.args || '{}',
      }));
  }
}

const ANTHROPIC_FINISH: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
};

/** Anthropic `stop_reason` → the unified (OpenAI-style) finish reason. */
export function anthropicFinishReason(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return ANTHROPIC_FINISH[reason] ?? reason;
}

function anthropicInputTokens(usage: Rec): number | undefined {
  const input = num(usage.input_tokens);
  if (input === undefined) return undefined;
  return input + (num(usage.cache_creation_input_tokens) ?? 0) + (num(usage.cache_read_input_tokens) ?? 0);
}

/** Accumulates Anthropic Messages stream events (message_start … message_stop). */
export class AnthropicStreamState {
  usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  finishReason: string | null = null;
  model: string | undefined;
  private readonly blocks = new Map<number, PartialCall & { input: unknown }>();

  /** Takes one event; returns the text it carries (possibly empty). A whole message is accepted too. */
  push(payload: unknown): string {
    const event = rec(payload);
    if (!event) return typeof payload === 'string' ? payload : '';
    switch (event.type) {
      case 'message':
        return this.pushMessage(event);
      case 'message_start': {
        const message = rec(event.message);
        if (message) this.pushMessage(message);
        return '';
      }
      case 'content_block_start':
        return this.startBlock(num(event.index) ?? this.blocks.size, rec(event.content_block));
      case 'content_block_delta': {
        const delta = rec(event.delta);
        if (delta?.type === 'text_delta') return str(delta.text) ?? '';
        if (delta?.type === 'input_json_delta') {
          const block = this.blocks.get(num(event.index) ?? -1);
          if (block) block.args += str(delta.partial_json) ?? '';
        }
        return '';
      }
      case 'message_delta': {
        const reason = str(rec(event.delta)?.stop_reason);
        if (reason) this.finishReason = anthropicFinishReason(reason);
        const usage = rec(event.usage);
        if (usage) {
          this.usage = {
            inputTokens: anthropicInputTokens(usage) ?? this.usage.inputTokens,
            outputTokens: num(usage.output_tokens) ?? this.usage.outputTokens,
          };
        }
        return '';
      }
      default:
        return '';
    }
  }

  private pushMessage(message: Rec): string {
    this.model = str(message.model) || this.model;
    const usage = rec(message.usage);
    if (usage) {
      this.usage = {
        inputTokens: anthropicInputTokens(usage) ?? 0,
        outputTokens: num(usage.output_tokens) ?? 0,
      };
    }
    const reason = str(message.stop_reason);
    if (reason) this.finishReason = anthropicFinishReason(reason);
    let text = '';
    const content = Array.isArray(message.content) ? message.content : [];
    content.forEach((block, index) => {
      text += this.startBlock(this.blocks.size + index, rec(block));
    });
    return text;
  }

  private startBlock(index: number, block: Rec | undefined): string {
    if (!block) return '';
    if (block.type === 'text') return str(block.text) ?? '';
    if (block.type === 'tool_use') {
      this.blocks.set(index, {
        id: str(block.id) ?? '',
        name: str(block.name) ?? '',
        args: '',
        input: block.input,
      });
    }
    return '';
  }

  toolCalls(): ToolCall[] {
    return [...this.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, block]) => block.name)
      .map(([index, block]) => {
        const call = block.args
          ? { id: block.id, name: block.name, arguments: block.args }
          : fromToolUse({ id: block.id, name: block.name, input: block.input });
        return { ...call, id: call.id || `toolu_${index}` };
      });
  }
}

/** What both protocol states offer: fed raw payloads, they yield text and end with calls, usage and reasons. */
export interface ProtocolStreamState {
  usage: TokenUsage;
  finishReason: string | null;
  model: string | undefined;
  push(payload: unknown): string;
  toolCalls(): ToolCall[];
}

/** Turns a provider's parsed payloads into unified stream events (text deltas, then tool calls, then done). */
export async function* unifiedEvents(
  payloads: AsyncIterable<unknown>,
  state: ProtocolStreamState,
  fallback: { model: string; provider: ProviderName },
): AsyncGenerator<StreamEvent> {
  for await (const payload of payloads) {
    const text = state.push(payload);
    if (text) yield { type: 'text', text };
  }
  const calls = state.toolCalls();
  if (calls.length > 0) yield { type: 'tool_calls', calls };
  yield {
    type: 'done',
    usage: state.usage,
    finishReason: state.finishReason,
    model: state.model ?? fallback.model,
    provider: fallback.provider,
  };
}
