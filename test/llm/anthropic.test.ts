import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/llm/index.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';
import { anthropicSettings, collect, failureOf, TEST_KEY, textOf } from './helpers.js';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('Anthropic provider (real @anthropic-ai/sdk against the fake)', () => {
  it('streams text deltas, joins system messages, defaults max_tokens to 4096 and reports usage', async () => {
    fake.script({
      text: 'Bonjour, comment allez-vous aujourd’hui ?',
      usage: { inputTokens: 40, outputTokens: 9 },
    });
    const provider = createAnthropicProvider(anthropicSettings(fake));
    const events = await collect(
      provider.stream({
        model: 'claude-test',
        messages: [
          { role: 'system', content: 'You are Clara.' },
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello in French' },
        ],
      }),
    );
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(textOf(events)).toBe('Bonjour, comment allez-vous aujourd’hui ?');
    expect(events.at(-1)).toEqual({
      type: 'done',
      usage: { inputTokens: 40, outputTokens: 9 },
      finishReason: 'stop',
      model: 'claude-test',
      provider: 'anthropic',
    });
    const body = fake.requests[0]?.body;
    expect(fake.requests[0]?.path).toBe('/v1/messages');
    expect(body.system).toBe('You are Clara.\n\nBe brief.');
    expect(body.max_tokens).toBe(4096);
    expect(body.stream).toBe(true);
    expect(body.messages).toEqual([{ role: 'user', content: 'Say hello in French' }]);
    expect(body.tools).toBeUndefined();
  });

  it('sends User-Agent Clara/1.0 with a custom base URL, Cloudflare Access headers and the key', async () => {
    const provider = createAnthropicProvider(
      anthropicSettings(fake, { cfAccess: { clientId: 'cf-id', clientSecret: 'cf-secret-value' } }),
    );
    await collect(
      provider.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }], maxTokens: 100 }),
    );
    const request = fake.requests[0];
    expect(request?.headers['user-agent']).toBe('Clara/1.0');
    expect(request?.headers['cf-access-client-id']).toBe('cf-id');
    expect(request?.headers['cf-access-client-secret']).toBe('cf-secret-value');
    expect(`${request?.headers['x-api-key'] ?? ''}${request?.headers.authorization ?? ''}`).toContain(
      TEST_KEY,
    );
    expect(request?.body.max_tokens).toBe(100);
  });

  it('streams tool_use blocks (input_json_delta in pieces) as complete tool calls', async () => {
    fake.script({
      text: 'Checking.',
      toolCalls: [{ id: 'toolu_1', name: 'web_search', arguments: { query: 'tides in Brest', page: 2 } }],
    });
    const provider = createAnthropicProvider(anthropicSettings(fake));
    const tools = [{ name: 'web_search', description: 'Search the web', parameters: { type: 'object' } }];
    const events = await collect(
      provider.stream({ model: 'm', messages: [{ role: 'user', content: 'tides?' }], tools }),
    );
    expect(events.find((e) => e.type === 'tool_calls')).toEqual({
      type: 'tool_calls',
      calls: [{ id: 'toolu_1', name: 'web_search', arguments: '{"query":"tides in Brest","page":2}' }],
    });
    expect(events.at(-1)).toMatchObject({ finishReason: 'tool_calls' });
    expect(fake.requests[0]?.body.tools).toEqual([
      { name: 'web_search', description: 'Search the web', input_schema: { type: 'object' } },
    ]);
  });

  it('sends images as base64 blocks and http URLs as url sources', async () => {
    const provider = createAnthropicProvider(anthropicSettings(fake));
    await collect(
      provider.stream({
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these' },
              { type: 'image', mediaType: 'image/jpeg', base64: '/9j/4AAQ' },
              { type: 'image_url', url: 'data:image/png;base64,iVBORw0KGgo=' },
              { type: 'image_url', url: 'https://example.com/a.png' },
            ],
          },
        ],
      }),
    );
    expect(fake.requests[0]?.body.messages[0].content).toEqual([
      { type: 'text', text: 'Compare these' },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
    ]);
  });

  it('uses the tool endpoint and key for calls with tools', async () => {
    const provider = createAnthropicProvider(
      anthropicSettings(fake, { baseUrl: undefined, toolApiKey: 'tool-key-abcdef', toolBaseUrl: fake.url }),
    );
    const tools = [{ name: 't', description: 'd', parameters: { type: 'object' } }];
    await collect(provider.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools }));
    const headers = fake.requests[0]?.headers ?? {};
    expect(`${headers['x-api-key'] ?? ''}${headers.authorization ?? ''}`).toContain('tool-key-abcdef');
    expect(headers['user-agent']).toBe('Clara/1.0');
  });

  it('maps failures: 401 auth, 404 not_found, 529 unavailable, stream error event, hang → timeout', async () => {
    const provider = createAnthropicProvider(anthropicSettings(fake, { timeoutMs: 150 }));
    const messages = [{ role: 'user' as const, content: 'hi' }];
    fake.script({ status: 401 });
    const auth = await failureOf(provider.stream({ model: 'm', messages }));
    expect(auth).toMatchObject({ kind: 'auth', status: 401, provider: 'anthropic' });
    expect(auth.message).toContain('ANTHROPIC_API_KEY');

    fake.script({ status: 404 });
    expect(await failureOf(provider.stream({ model: 'claude-nope', messages }))).toMatchObject({
      kind: 'not_found',
    });

    fake.script({ status: 529 });
    expect(await failureOf(provider.stream({ model: 'm', messages }))).toMatchObject({ kind: 'unavailable' });

    fake.script({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: 'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}}\n\n',
    });
    const streamed = await failureOf(provider.stream({ model: 'm', messages }));
    expect(streamed.kind).toBe('rate_limited');
    expect(streamed.message).toContain('Slow down');

    fake.script({ hang: true });
    expect(await failureOf(provider.stream({ model: 'm', messages }))).toMatchObject({ kind: 'timeout' });
  });
});
