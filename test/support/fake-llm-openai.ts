/** OpenAI wire protocol for the fake LLM: chat completions (JSON and SSE), embeddings, models. */
import type { ServerResponse } from 'node:http';
import {
  dropConnection,
  embed,
  estimateTokens,
  requestTokens,
  splitRaw,
  splitText,
  toBase64Floats,
  toolArguments,
} from './fake-llm-text.js';
import type { RecordedRequest, ReplyContext } from './fake-llm-types.js';

export function openAIErrorBody(status: number, message: string): unknown {
  const type =
    status === 401
      ? 'invalid_request_error'
      : status === 429
        ? 'rate_limit_exceeded'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  return { error: { message, type, code: status === 404 ? 'model_not_found' : null } };
}

function usageOf(ctx: ReplyContext, outputText: string): Record<string, number> {
  const { reply, request } = ctx;
  const prompt = reply.usage?.inputTokens ?? requestTokens(request);
  const completion = reply.usage?.outputTokens ?? estimateTokens(outputText);
  const wantsCost = request.body?.usage?.include === true;
  const cost = reply.usage?.cost ?? (wantsCost ? (prompt + completion) * 0.000001 : undefined);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cost !== undefined ? { cost } : {}),
  };
}

function sse(res: ServerResponse, payload: unknown): void {
  res.write(`data: ${JSON.stringify(payload)}\n\n`);
}

export async function writeOpenAIChat(ctx: ReplyContext): Promise<void> {
  const { res, reply, request } = ctx;
  const model = reply.model ?? request.body?.model ?? 'fake-model';
  const text = reply.text ?? '';
  const calls = (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_fake_${index}`,
    name: call.name,
    args: toolArguments(call),
  }));
  const finish = reply.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
  const usage = usageOf(ctx, text + calls.map((c) => c.args).join(''));
  const id = `chatcmpl-fake-${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);

  if (!request.body?.stream) {
    const message = {
      role: 'assistant',
      content: text || null,
      ...(calls.length > 0
        ? {
            tool_calls: calls.map((c) => ({
              id: c.id,
              type: 'function',
              function: { name: c.name, arguments: c.args },
            })),
          }
        : {}),
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finish }],
        ...(reply.omitUsage ? {} : { usage }),
      }),
    );
    return;
  }

  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(': FAKE PROCESSING\n\n');
  sse(res, chunk({ role: 'assistant', content: '' }));
  let sent = 0;
  for (const piece of splitText(text, reply.chunks)) {
    if (reply.dropAfterChunks !== undefined && sent >= reply.dropAfterChunks) {
      await dropConnection(res);
      return;
    }
    await ctx.sleep(reply.chunkDelayMs ?? ctx.chunkDelayMs);
    sse(res, chunk({ content: piece }));
    sent++;
  }
  for (const [index, call] of calls.entries()) {
    await ctx.sleep(reply.chunkDelayMs ?? ctx.chunkDelayMs);
    sse(
      res,
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const piece of splitRaw(call.args)) {
      await ctx.sleep(reply.chunkDelayMs ?? ctx.chunkDelayMs);
      sse(res, chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  }
  if (reply.dropAfterChunks !== undefined) {
    await dropConnection(res);
    return;
  }
  sse(res, chunk({}, finish));
  if (request.body?.stream_options?.include_usage && !reply.omitUsage) {
    sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  }
  res.end('data: [DONE]\n\n');
}

/** `POST /v1/embeddings`: deterministic vectors; float arrays or base64 (the SDK's default). */
export function writeEmbeddings(res: ServerResponse, request: RecordedRequest): void {
  const raw = request.body?.input;
  const inputs: unknown[] = Array.isArray(raw) && !raw.every((x) => typeof x === 'number') ? raw : [raw];
  const dimensions = Number(request.body?.dimensions) || 1536;
  const base64 = request.body?.encoding_format === 'base64';
  const texts = inputs.map((input) => (typeof input === 'string' ? input : JSON.stringify(input)));
  const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      object: 'list',
      model: request.body?.model ?? 'fake-embedding',
      data: texts.map((text, index) => {
        const vector = embed(text, dimensions);
        return { object: 'embedding', index, embedding: base64 ? toBase64Floats(vector) : vector };
      }),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    }),
  );
}

export function openAIModels(ids: readonly string[]): unknown {
  return {
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })),
  };
}
