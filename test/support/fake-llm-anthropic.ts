/** Anthropic Messages wire protocol for the fake LLM: SSE events and plain JSON. */
import type { ServerResponse } from 'node:http';
import {
  dropConnection,
  estimateTokens,
  requestTokens,
  splitRaw,
  splitText,
  toolArguments,
} from './fake-llm-text.js';
import type { ReplyContext } from './fake-llm-types.js';

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicErrorBody(status: number, message: string): unknown {
  return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
}

function event(res: ServerResponse, name: string, payload: Record<string, unknown>): void {
  res.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...payload })}\n\n`);
}

export async function writeAnthropicMessage(ctx: ReplyContext): Promise<void> {
  const { res, reply, request } = ctx;
  const model = reply.model ?? request.body?.model ?? 'fake-claude';
  const text = reply.text ?? '';
  const calls = (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `toolu_fake_${index}`,
    name: call.name,
    args: toolArguments(call),
  }));
  const stop = reply.finishReason ?? (calls.length > 0 ? 'tool_use' : 'end_turn');
  const inputTokens = reply.usage?.inputTokens ?? requestTokens(request);
  const outputTokens = reply.usage?.outputTokens ?? estimateTokens(text + calls.map((c) => c.args).join(''));
  const id = `msg_fake_${Date.now()}`;

  if (!request.body?.stream) {
    const content = [
      ...(text ? [{ type: 'text', text }] : []),
      ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: safeParse(c.args) })),
    ];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: outputTokens },
      }),
    );
    return;
  }

  const pause = () => ctx.sleep(reply.chunkDelayMs ?? ctx.chunkDelayMs);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  event(res, 'message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
  event(res, 'ping', {});
  let index = 0;
  if (text) {
    event(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
    let sent = 0;
    for (const piece of splitText(text, reply.chunks)) {
      if (reply.dropAfterChunks !== undefined && sent >= reply.dropAfterChunks) {
        await dropConnection(res);
        return;
      }
      await pause();
      event(res, 'content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      sent++;
    }
    event(res, 'content_block_stop', { index });
    index++;
  }
  for (const call of calls) {
    await pause();
    event(res, 'content_block_start', {
      index,
      content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
    });
    for (const piece of splitRaw(call.args)) {
      await pause();
      event(res, 'content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    }
    event(res, 'content_block_stop', { index });
    index++;
  }
  if (reply.dropAfterChunks !== undefined) {
    await dropConnection(res);
    return;
  }
  event(res, 'message_delta', {
    delta: { stop_reason: stop, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  event(res, 'message_stop', {});
  res.end();
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

export function anthropicModels(ids: readonly string[]): unknown {
  const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
  return { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null };
}
