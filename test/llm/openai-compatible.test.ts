import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleProvider } from '../../src/llm/index.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';
import { collect, failureOf, openAISettings, TEST_KEY, textOf } from './helpers.js';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const hello = [{ role: 'user' as const, content: 'Hello there' }];

describe('OpenAI-compatible provider (real openai SDK against the fake)', () => {
  it('streams text in several deltas, then done with usage, model and finish reason', async () => {
    fake.script({ text: 'One two three four five six', usage: { inputTokens: 12, outputTokens: 6 } });
    const provider = createOpenAICompatibleProvider(openAISettings(fake, { name: 'nanogpt' }));
    const events = await collect(provider.stream({ model: 'fake-model', messages: hello }));
    const texts = events.filter((e) => e.type === 'text');
    expect(texts.length).toBeGreaterThan(1);
    expect(textOf(events)).toBe('One two three four five six');
    expect(events.at(-1)).toEqual({
      type: 'done',
      usage: { inputTokens: 12, outputTokens: 6 },
      finishReason: 'stop',
      model: 'fake-model',
      provider: 'nanogpt',
    });
    const body = fake.requests[0]?.body;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.usage).toBeUndefined();
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(fake.requests[0]?.headers['http-referer']).toBeUndefined();
  });

  it('OpenRouter: attribution headers, usage accounting and the reported cost', async () => {
    fake.script({ text: 'Priced answer', usage: { inputTokens: 100, outputTokens: 20, cost: 0.0042 } });
    const provider = createOpenAICompatibleProvider(openAISettings(fake));
    const events = await collect(provider.stream({ model: 'anthropic/claude-sonnet-4', messages: hello }));
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      usage: { inputTokens: 100, outputTokens: 20, cost: 0.0042 },
    });
    const request = fake.requests[0];
    expect(request?.headers['http-referer']).toBe('http://localhost:3000');
    expect(request?.headers['x-title']).toBe('MyPalClara');
    expect(request?.body.usage).toEqual({ include: true });
    expect(request?.body.model).toBe('anthropic/claude-sonnet-4');
  });

  it('OpenRouter: custom site and title', async () => {
    const provider = createOpenAICompatibleProvider(
      openAISettings(fake, { openRouterSite: 'https://clara.example', openRouterTitle: 'Clara Test' }),
    );
    await collect(provider.stream({ model: 'm', messages: hello }));
    expect(fake.requests[0]?.headers['http-referer']).toBe('https://clara.example');
    expect(fake.requests[0]?.headers['x-title']).toBe('Clara Test');
  });

  it('custom openai endpoint sends Cloudflare Access headers when configured', async () => {
    const provider = createOpenAICompatibleProvider(
      openAISettings(fake, {
        name: 'openai',
        cfAccess: { clientId: 'cf-id', clientSecret: 'cf-secret-value' },
      }),
    );
    await collect(provider.stream({ model: 'gpt-4o', messages: hello }));
    expect(fake.requests[0]?.headers['cf-access-client-id']).toBe('cf-id');
    expect(fake.requests[0]?.headers['cf-access-client-secret']).toBe('cf-secret-value');
    expect(fake.requests[0]?.headers['x-title']).toBeUndefined();
  });

  it('streams tool calls whose argument JSON arrives in pieces, and sends tools in function format', async () => {
    fake.script({
      text: 'Let me look.',
      toolCalls: [
        { id: 'call_a', name: 'web_search', arguments: { query: 'weather in Paris', max_results: 3 } },
        { id: 'call_b', name: 'get_time', arguments: {} },
      ],
    });
    const provider = createOpenAICompatibleProvider(openAISettings(fake, { name: 'openai' }));
    const tools = [
      { name: 'web_search', description: 'Search', parameters: { type: 'object', properties: {} } },
      { name: 'get_time', description: 'Time', parameters: { type: 'object', properties: {} } },
    ];
    const events = await collect(provider.stream({ model: 'gpt-4o', messages: hello, tools }));
    const calls = events.find((e) => e.type === 'tool_calls');
    expect(calls).toEqual({
      type: 'tool_calls',
      calls: [
        { id: 'call_a', name: 'web_search', arguments: '{"query":"weather in Paris","max_results":3}' },
        { id: 'call_b', name: 'get_time', arguments: '{}' },
      ],
    });
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
    expect(fake.requests[0]?.body.tools[0]).toEqual({
      type: 'function',
      function: { name: 'web_search', description: 'Search', parameters: { type: 'object', properties: {} } },
    });
  });

  it('sends images as image_url data URLs', async () => {
    const provider = createOpenAICompatibleProvider(openAISettings(fake, { name: 'openai' }));
    await collect(
      provider.stream({
        model: 'gpt-4o',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', mediaType: 'image/png', base64: 'iVBORw0KGgo=' },
              { type: 'image_url', url: 'https://example.com/cat.jpg' },
            ],
          },
        ],
      }),
    );
    expect(fake.requests[0]?.body.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('tolerates proxies: no usage, a whole completion instead of a stream, a bare string', async () => {
    const provider = createOpenAICompatibleProvider(openAISettings(fake, { name: 'openai' }));
    fake.script({ text: 'no usage here', omitUsage: true });
    const noUsage = await collect(provider.stream({ model: 'm', messages: hello }));
    expect(noUsage.at(-1)).toMatchObject({ usage: { inputTokens: 0, outputTokens: 0 } });

    const completion = {
      id: 'x',
      object: 'chat.completion',
      model: 'proxy-model',
      choices: [{ index: 0, message: { role: 'assistant', content: 'whole answer' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    };
    fake.script({ status: 200, body: completion });
    const whole = await collect(provider.stream({ model: 'm', messages: hello }));
    expect(textOf(whole)).toBe('whole answer');
    expect(whole.at(-1)).toMatchObject({ model: 'proxy-model', usage: { inputTokens: 3, outputTokens: 2 } });

    fake.script({ status: 200, body: JSON.stringify('just a string') });
    expect(textOf(await collect(provider.stream({ model: 'm', messages: hello })))).toBe('just a string');
  });

  it('maps an error reported inside a 200 stream', async () => {
    const provider = createOpenAICompatibleProvider(openAISettings(fake));
    fake.script({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: ': comment\n\ndata: not json\n\ndata: {"error":{"code":502,"message":"Provider disconnected"}}\n\n',
    });
    const error = await failureOf(provider.stream({ model: 'm', messages: hello }));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('Provider disconnected');
  });

  it('maps HTTP failures to LlmError kinds without leaking the key', async () => {
    const provider = createOpenAICompatibleProvider(openAISettings(fake));
    fake.script({ status: 401, message: `Incorrect API key provided: ${TEST_KEY}` });
    const auth = await failureOf(provider.stream({ model: 'm', messages: hello }));
    expect(auth).toMatchObject({ kind: 'auth', status: 401, provider: 'openrouter' });
    expect(auth.message).toContain('OPENROUTER_API_KEY');
    expect(auth.message).not.toContain(TEST_KEY);

    fake.script({ status: 404 });
    const missing = await failureOf(provider.stream({ model: 'no/such-model', messages: hello }));
    expect(missing).toMatchObject({ kind: 'not_found', status: 404 });
    expect(missing.message).toContain('no/such-model');

    fake.script({ status: 400, message: 'messages: field required' });
    expect(await failureOf(provider.stream({ model: 'm', messages: hello }))).toMatchObject({
      kind: 'bad_request',
    });

    fake.script({ status: 429 });
    expect(await failureOf(provider.stream({ model: 'm', messages: hello }))).toMatchObject({
      kind: 'rate_limited',
    });

    fake.script({ status: 503 });
    expect(await failureOf(provider.stream({ model: 'm', messages: hello }))).toMatchObject({
      kind: 'unavailable',
    });

    fake.script({ drop: true });
    expect(await failureOf(provider.stream({ model: 'm', messages: hello }))).toMatchObject({
      kind: 'unavailable',
    });
  });

  it('times out a request that never answers', async () => {
    const provider = createOpenAICompatibleProvider(openAISettings(fake, { timeoutMs: 150 }));
    fake.script({ hang: true });
    const error = await failureOf(provider.stream({ model: 'm', messages: hello }));
    expect(error.kind).toBe('timeout');
  });

  it('times out a stream that stalls between chunks, but not a slow consumer', async () => {
    const provider = createOpenAICompatibleProvider(openAISettings(fake, { timeoutMs: 150 }));
    fake.script({ text: 'one two three four', chunkDelayMs: 600 });
    expect((await failureOf(provider.stream({ model: 'm', messages: hello }))).kind).toBe('timeout');

    fake.script({ text: 'one two three four', chunkDelayMs: 0 });
    const seen: string[] = [];
    for await (const event of provider.stream({ model: 'm', messages: hello })) {
      seen.push(event.type);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(seen.at(-1)).toBe('done');
  });

  it('reports cancellation as aborted', async () => {
    const provider = createOpenAICompatibleProvider(openAISettings(fake));
    fake.script({ hang: true });
    const controller = new AbortController();
    const failure = failureOf(provider.stream({ model: 'm', messages: hello, signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    expect((await failure).kind).toBe('aborted');
  });

  it('uses TOOL_API_KEY / TOOL_BASE_URL only for calls that carry tools', async () => {
    const provider = createOpenAICompatibleProvider(
      openAISettings(fake, { name: 'openai', toolApiKey: 'tool-key-abcdef', toolBaseUrl: `${fake.url}/v1` }),
    );
    const tools = [{ name: 't', description: 'd', parameters: { type: 'object' } }];
    await collect(provider.stream({ model: 'm', messages: hello }));
    await collect(provider.stream({ model: 'm', messages: hello, tools }));
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${TEST_KEY}`,
      'Bearer tool-key-abcdef',
    ]);
  });
});
