import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/tools/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { promptOf, turn } from '../support/turns.js';

describe('tools, tiers and providers through the engine', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let app: TestApp | undefined;

  beforeEach(() => {
    fake = llm.current;
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('runs the tool loop: the model calls a registered tool and answers with its result', async () => {
    app = await startTestApp({ backend: 'sqlite', fake });
    const calls: unknown[] = [];
    app.tools.register(
      defineTool({
        name: 'add_numbers',
        description: 'Adds two numbers.',
        schema: z.object({ a: z.number(), b: z.number() }),
        status: ({ a, b }) => `Adding ${a} and ${b}`,
        run: async ({ a, b }, context) => {
          calls.push({ a, b, userId: context.userId });
          return String(a + b);
        },
      }),
    );
    fake.script(
      { toolCalls: [{ id: 'call_1', name: 'add_numbers', arguments: { a: 2, b: 40 } }] },
      { toolCalls: [{ id: 'call_2', name: 'add_numbers', arguments: '{"a": "two"}' }] },
      'The answer is 42.',
    );
    const result = await turn(app.engine, 'what is 2 + 40?');
    expect(result.last).toMatchObject({ type: 'done', text: 'The answer is 42.' });
    expect(result.events).toContainEqual(
      expect.objectContaining({
        type: 'tool_start',
        name: 'add_numbers',
        status: 'Adding 2 and 40',
        step: 1,
      }),
    );
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'tool_end', name: 'add_numbers', ok: true }),
    );
    expect(result.events).toContainEqual(expect.objectContaining({ type: 'tool_end', ok: false }));
    expect(calls).toEqual([{ a: 2, b: 40, userId: 'tester' }]);

    const requests = fake.chatRequests();
    expect(requests).toHaveLength(3);
    const offered = requests[0]?.body.tools.map((t: { function: { name: string } }) => t.function);
    expect(offered.find((f: { name: string }) => f.name === 'add_numbers')).toMatchObject({
      name: 'add_numbers',
      parameters: { type: 'object', required: ['a', 'b'] },
    });
    expect(promptOf(requests[0]!)[0]?.content).toMatch(/You have tools/);
    const toolResults = promptOf(requests[2]!).filter((m) => m.role === 'tool');
    expect(toolResults.map((m) => m.content)).toEqual([
      '42',
      expect.stringMatching(/^Error: invalid arguments for add_numbers: a: .*; b: /),
    ]);
  });

  it('selects the tier automatically with the low-tier model when AUTO_TIER_SELECTION is on', async () => {
    app = await startTestApp({ backend: 'sqlite', fake, env: { AUTO_TIER_SELECTION: 'true' } });
    fake.script('HIGH', 'That sounds really hard. I am here.');
    const result = await turn(app.engine, 'I feel like nobody understands me lately');
    expect(result.events).toContainEqual(expect.objectContaining({ type: 'tier', tier: 'high', auto: true }));
    const [router, reply] = fake.chatRequests();
    expect(router?.body.model).toBe('gpt-4o-mini');
    expect(promptOf(router!)[1]?.content).toContain('I feel like nobody understands me lately');
    expect(reply?.body.model).toBe('claude-opus-4');
    const start = result.events[0] as { sessionId: string };
    expect((await app.db.repos.usage.totals({ sessionId: start.sessionId })).calls).toBe(2);
  });

  it('falls back to the next provider when the primary fails', async () => {
    app = await startTestApp({
      backend: 'sqlite',
      fake,
      env: {
        LLM_FALLBACK_PROVIDERS: 'anthropic',
        ANTHROPIC_API_KEY: 'anthropic-test-key-123',
        ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
        ANTHROPIC_MODEL: 'claude-fallback-test',
      },
    });
    fake.script({ status: 503 }, 'Answer from the fallback.');
    const result = await turn(app.engine, 'hello');
    expect(result.last).toMatchObject({
      type: 'done',
      text: 'Answer from the fallback.',
      provider: 'anthropic',
    });
    expect(fake.chatRequests().map((r) => r.protocol)).toEqual(['openai', 'anthropic']);
  });

  it('without an LLM key still stores the message and says exactly what to set', async () => {
    app = await startTestApp({ backend: 'sqlite', env: { LLM_PROVIDER: 'openrouter' } });
    expect(app.engine.llmConfigured).toBe(false);
    const result = await turn(app.engine, 'hello?');
    expect(result.last).toMatchObject({ type: 'error', code: 'not_configured' });
    expect((result.last as { message: string }).message).toMatch(/OPENROUTER_API_KEY/);
    expect((await app.engine.history('web-tester')).map((r) => r.content)).toEqual(['hello?']);
  });

  it('uses the selected personality file', async () => {
    app = await startTestApp({ backend: 'sqlite', fake, env: { CLARA_PERSONALITY: 'flo' } });
    fake.script('Hey.');
    await turn(app.engine, 'hi');
    // [0] is the tool instructions (the chat history tools are always on offer), then the persona.
    expect(promptOf(fake.chatRequests()[0]!)[1]?.content).toMatch(/^You are Flo/);
    expect(app.engine.botName).toBe('Flo');
  });

  it('sends images to the model and stores a placeholder; prefixes speakers in shared channels', async () => {
    app = await startTestApp({ backend: 'sqlite', fake });
    const pixel =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    fake.script('A single pixel.');
    await turn(app.engine, 'what is this?', {
      images: [{ name: 'dot.png', mediaType: 'image/png', base64: pixel }],
      environment: { kind: 'channel', guildName: 'Home', channelName: 'general', channelId: '42' },
      conversationId: 'discord-channel-42',
    });
    const last = promptOf(fake.chatRequests()[0]!).at(-1);
    expect(last?.content).toEqual([
      { type: 'text', text: '[Tess]: what is this?\n[Image: dot.png]' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}` } },
    ]);
    const context = promptOf(fake.chatRequests()[0]!)[2]?.content as string;
    expect(context).toContain('Home server, #general (shared channel)');
    expect(context).toContain('come from different people');
    expect((await app.engine.history('discord-channel-42'))[0]?.content).toBe(
      '[Tess]: what is this?\n[Image: dot.png]',
    );
  });
});
