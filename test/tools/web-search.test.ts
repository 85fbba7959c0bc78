/** `web_search` against a fake Tavily on 127.0.0.1 with the real fetch client, through the registry and the engine. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ToolContext,
  ToolRegistry,
  WEB_SEARCH_NOT_CONFIGURED,
  webSearchTool,
} from '../../src/tools/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type FakeTavily, startFakeTavily } from '../support/fake-tavily.js';
import { useFakeLlm } from '../support/hooks.js';
import { promptOf, turn } from '../support/turns.js';

const KEY = 'tvly-test-key-not-secret-42';
const context: ToolContext = {
  userId: 'tester',
  conversationId: 'web-tester',
  sessionId: 's-1',
  platform: 'web',
  isAdmin: false,
};

function registryWith(
  tavily: FakeTavily,
  extra: { apiKey?: string; timeoutMs?: number; baseUrl?: string } = {},
) {
  const registry = new ToolRegistry();
  registry.register(webSearchTool({ apiKey: KEY, baseUrl: tavily.url, ...extra }));
  return registry;
}

const call = (args: Record<string, unknown>) => ({ name: 'web_search', arguments: JSON.stringify(args) });

describe('web_search', () => {
  let tavily: FakeTavily;
  beforeAll(async () => {
    tavily = await startFakeTavily({ apiKey: KEY });
  });
  afterAll(async () => {
    await tavily.close();
  });
  beforeEach(() => tavily.reset());

  it('posts to <base>/search with the key as a Bearer token and formats the summary and results', async () => {
    const registry = registryWith(tavily, { baseUrl: `${tavily.url}/` });
    const result = await registry.execute(call({ query: 'rust async', max_results: '3' }), context);
    expect(result.isError).toBeUndefined();
    expect(tavily.requests).toHaveLength(1);
    expect(tavily.requests[0]).toMatchObject({
      method: 'POST',
      path: '/search',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: { query: 'rust async', max_results: 3, search_depth: 'basic', include_answer: true },
    });
    const lines = result.content.split('\n');
    expect(lines[0]).toBe('**Summary:** A short answer about rust async.');
    expect(result.content).toContain(
      '**Search Results:**\n1. **Result 1 about rust async**\n   https://example.com/',
    );
    expect(result.content).toContain('3. **Result 3 about rust async**');
    expect(result.content).not.toContain('4. **');
    // Each snippet is cut at 300 characters.
    const firstSnippet = lines[5] ?? '';
    expect(firstSnippet.trim()).toHaveLength(301);
    expect(firstSnippet.endsWith('…')).toBe(true);
  });

  it('clamps max_results to 1-10 and accepts search_depth in any case', async () => {
    const registry = registryWith(tavily);
    await registry.execute(call({ query: 'a', max_results: 50, search_depth: 'ADVANCED' }), context);
    await registry.execute(call({ query: 'b', max_results: 0 }), context);
    expect(tavily.requests.map((r) => [r.body.max_results, r.body.search_depth])).toEqual([
      [10, 'advanced'],
      [1, 'basic'],
    ]);
  });

  it('says so when nothing is found', async () => {
    tavily.script({ json: { query: 'zzz', answer: null, results: [] } });
    const result = await registryWith(tavily).execute(call({ query: 'zzz' }), context);
    expect(result.content).toBe("No web results found for 'zzz'.");
  });

  it('a wrong key: a clear error naming TAVILY_API_KEY, without the key', async () => {
    const registry = registryWith(tavily, { apiKey: 'tvly-wrong-key-123' });
    const result = await registry.execute(call({ query: 'x' }), context);
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(
      /^Error: web search failed: Tavily rejected the API key \(HTTP 401\): check TAVILY_API_KEY/,
    );
    expect(result.content).toContain('missing or invalid API key');
    expect(result.content).not.toContain('tvly-wrong-key-123');
  });

  it('a server error and a rate limit: clear errors', async () => {
    tavily.script({ status: 500, body: { detail: { error: 'internal failure' } } }, { status: 429 });
    const registry = registryWith(tavily);
    const first = await registry.execute(call({ query: 'x' }), context);
    expect(first).toEqual({
      content:
        'Error: web search failed: Tavily is having trouble (HTTP 500); try again later. Tavily said: internal failure',
      isError: true,
    });
    const second = await registry.execute(call({ query: 'x' }), context);
    expect(second.content).toMatch(/rate limit was reached \(HTTP 429\)/);
  });

  it('a server that never answers: stops at the time limit with a clear error', async () => {
    tavily.script({ hang: true });
    const result = await registryWith(tavily, { timeoutMs: 300 }).execute(call({ query: 'slow' }), context);
    expect(result).toEqual({
      content: 'Error: web search failed: Tavily did not answer within 0.3 seconds.',
      isError: true,
    });
  });

  it('a malformed or unreachable service: clear errors', async () => {
    tavily.script({ raw: '<html>oops</html>' }, { json: { results: [{ title: 'no url' }] } });
    const registry = registryWith(tavily);
    expect((await registry.execute(call({ query: 'x' }), context)).content).toBe(
      'Error: web search failed: Tavily sent a response that is not JSON.',
    );
    expect((await registry.execute(call({ query: 'x' }), context)).content).toBe(
      'Error: web search failed: Tavily sent an unexpected response (problem at results.0.url).',
    );
    const closed = await startFakeTavily();
    const url = closed.url;
    await closed.close();
    const unreachable = registryWith(tavily, { baseUrl: url });
    expect((await unreachable.execute(call({ query: 'x' }), context)).content).toMatch(
      new RegExp(`^Error: web search failed: Could not reach Tavily at ${url}: .*ECONNREFUSED`),
    );
  });

  it('a missing query goes back to the model as an argument error', async () => {
    const result = await registryWith(tavily).execute(call({ max_results: 3 }), context);
    expect(result.content).toMatch(/^Error: invalid arguments for web_search: query: query is required/);
    expect(tavily.requests).toHaveLength(0);
  });
});

describe('web_search in the app', () => {
  const llm = useFakeLlm();
  let tavily: FakeTavily;
  let app: TestApp | undefined;
  beforeAll(async () => {
    tavily = await startFakeTavily({ apiKey: KEY });
  });
  afterAll(async () => {
    await tavily.close();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    tavily.reset();
  });

  it('is offered with TAVILY_API_KEY, and the model gets the results through the tool loop', async () => {
    app = await startTestApp({
      backend: 'sqlite',
      fake: llm.current,
      env: { TAVILY_API_KEY: KEY, TAVILY_BASE_URL: tavily.url },
    });
    llm.current.script(
      { toolCalls: [{ id: 'call_1', name: 'web_search', arguments: { query: 'weather in Oslo' } }] },
      'It is mild in Oslo.',
    );
    const result = await turn(app.engine, 'how is the weather in Oslo?');
    expect(result.last).toMatchObject({ type: 'done', text: 'It is mild in Oslo.' });
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'tool_start', name: 'web_search', emoji: '🔍' }),
    );
    const [first, second] = llm.current.chatRequests();
    expect(first?.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain(
      'web_search',
    );
    const toolMessage = promptOf(second!).find((m) => m.role === 'tool');
    expect(toolMessage?.content).toMatch(/^\*\*Summary:\*\* A short answer about weather in Oslo\./);
    expect(tavily.requests).toHaveLength(1);
  });

  it('is not offered without TAVILY_API_KEY; a call anyway explains how to enable it', async () => {
    app = await startTestApp({ backend: 'sqlite', fake: llm.current });
    const scope = { ...context, isAdmin: true };
    expect(app.tools.specs(scope).map((s) => s.name)).not.toContain('web_search');
    const result = await app.tools.execute(call({ query: 'x' }), scope);
    expect(result).toEqual({ content: `Error: ${WEB_SEARCH_NOT_CONFIGURED}`, isError: true });
    expect(result.content).toContain('TAVILY_API_KEY');
  });
});
