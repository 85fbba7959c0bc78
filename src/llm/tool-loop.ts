/**
 * The tool-calling loop (spec §2.5, with the intended fixes): one streamed call per iteration, tools executed
 * sequentially, results capped, failures reported back to the model, and a summary call when the budget ends.
 * A plain reply costs exactly one LLM call.
 */
import type { TokenUsage } from '../domain/index.js';
import {
  type CallPurpose,
  type ChatMessage,
  type ChatRequest,
  type Llm,
  LlmError,
  type ProviderName,
  type ToolCall,
  type ToolExecutor,
  type ToolLoopEvent,
  type ToolLoopOptions,
} from './types.js';

export const WRAP_UP_NOTICE = '⏳ wrapping up…';

export const WRAP_UP_PROMPT =
  'You have used up the tool budget for this request, so no more tools can be called. ' +
  'Summarize for the user what you accomplished so far, what is still unfinished, and what they could do next.';

/** Keeps the first `max` characters and says how to get the rest (spec §2.5.2 step 6). */
export function truncateToolResult(content: string, max: number): string {
  if (content.length <= max) return content;
  return (
    `${content.slice(0, max)}\n\n[Output truncated: showing the first ${max.toLocaleString('en-US')} of ` +
    `${content.length.toLocaleString('en-US')} characters. Use pagination parameters (e.g. per_page, page) ` +
    'or narrower filters to get the rest.]'
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function executeCall(
  executor: ToolExecutor,
  call: ToolCall,
  signal: AbortSignal | undefined,
  maxChars: number,
): Promise<{ content: string; ok: boolean }> {
  try {
    const result = await executor.execute(call, signal);
    const content = truncateToolResult(result.content, maxChars);
    return { content, ok: !result.isError && !content.startsWith('Error:') };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { content: truncateToolResult(`Error: ${errorMessage(error)}`, maxChars), ok: false };
  }
}

interface CallOutcome {
  text: string;
  toolCalls: ToolCall[];
  model: string;
  provider: ProviderName;
  usage: TokenUsage;
}

function addUsage(total: TokenUsage, usage: TokenUsage): TokenUsage {
  const cost =
    total.cost !== undefined || usage.cost !== undefined ? (total.cost ?? 0) + (usage.cost ?? 0) : undefined;
  return {
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
    ...(cost !== undefined ? { cost } : {}),
  };
}

export async function* runToolLoop(llm: Llm, options: ToolLoopOptions): AsyncGenerator<ToolLoopEvent> {
  const messages: ChatMessage[] = [...options.messages];
  const { signal, tools } = options;
  let shown = '';
  let total: TokenUsage = { inputTokens: 0, outputTokens: 0 };

  const checkAbort = () => {
    if (signal?.aborted) throw new LlmError('aborted', 'The reply was cancelled.', llm.primary);
  };

  /** Streams one call: text as it comes (separated from earlier rounds), then a usage event. */
  async function* call(
    request: ChatRequest,
    purpose: CallPurpose,
  ): AsyncGenerator<ToolLoopEvent, CallOutcome> {
    checkAbort();
    const started = Date.now();
    let text = '';
    let toolCalls: ToolCall[] = [];
    for await (const event of llm.stream({ ...request, purpose })) {
      if (event.type === 'text') {
        if (!text && shown && !shown.endsWith('\n')) {
          shown += '\n\n';
          yield { type: 'text', text: '\n\n' };
        }
        text += event.text;
        shown += event.text;
        yield { type: 'text', text: event.text };
      } else if (event.type === 'tool_calls') {
        toolCalls = event.calls;
      } else {
        total = addUsage(total, event.usage);
        const { usage, model, provider } = event;
        yield { type: 'usage', usage, model, provider, purpose, durationMs: Date.now() - started };
        return { text, toolCalls, model, provider, usage };
      }
    }
    throw new LlmError('unavailable', 'The model ended its response without finishing it.', llm.primary);
  }

  const base = { messages, ...(options.tier ? { tier: options.tier } : {}), ...(signal ? { signal } : {}) };
  const iterations = Math.max(1, options.maxIterations);
  let step = 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const outcome = tools.length > 0 ? yield* call({ ...base, tools }, 'tools') : yield* call(base, 'chat');
    if (outcome.toolCalls.length === 0) {
      yield { type: 'done', text: shown, model: outcome.model, provider: outcome.provider, usage: total };
      return;
    }
    messages.push({ role: 'assistant', content: outcome.text || null, toolCalls: outcome.toolCalls });
    for (const toolCall of outcome.toolCalls) {
      checkAbort();
      step++;
      yield { type: 'tool_start', call: toolCall, step };
      const started = Date.now();
      const result = await executeCall(options.executor, toolCall, signal, options.maxResultChars);
      yield {
        type: 'tool_end',
        call: toolCall,
        ok: result.ok,
        durationMs: Date.now() - started,
        content: result.content,
      };
      messages.push({ role: 'tool', toolCallId: toolCall.id, content: result.content });
    }
  }

  yield { type: 'notice', text: WRAP_UP_NOTICE };
  messages.push({ role: 'user', content: WRAP_UP_PROMPT });
  const final = yield* call(base, 'chat');
  yield { type: 'done', text: shown, model: final.model, provider: final.provider, usage: total };
}
