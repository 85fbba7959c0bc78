import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlm, type LlmCallRecord, LlmError } from '../../src/llm/index.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';
import { anthropicSettings, collect, failureOf, openAISettings, recordingSleep, textOf } from './helpers.js';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

describe('Llm facade: retries', () => {
  it('retries a 429 after the Retry-After seconds the server asked for', async () => {
    const { delays, sleep } = recordingSleep();
    const llm = createLlm({ primary: openAISettings(fake), maxRetries: 2, sleep });
    fake.script({ status: 429, headers: { 'retry-after': '2' } }, 'second time lucky');
    const result = await llm.complete(ask);
    expect(result.text).toBe('second time lucky');
    expect(delays).toEqual([2000]);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('honours retry-after-ms and caps very long waits', async () => {
    const { delays, sleep } = recordingSleep();
    const llm = createLlm({ primary: openAISettings(fake), maxRetries: 3, sleep, maxDelayMs: 30_000 });
    fake.script(
      { status: 503, headers: { 'retry-after-ms': '1500' } },
      { status: 429, headers: { 'retry-after': '3600' } },
      'ok',
    );
    expect((await llm.complete(ask)).text).toBe('ok');
    expect(delays).toEqual([1500, 30_000]);
  });

  it('backs off exponentially with jitter when the server gives no hint', async () => {
    const { delays, sleep } = recordingSleep();
    const llm = createLlm({
      primary: anthropicSettings(fake),
      maxRetries: 3,
      sleep,
      random: () => 0.5,
      baseDelayMs: 400,
    });
    fake.script({ status: 500 }, { drop: true }, { status: 529 }, 'finally');
    expect((await llm.complete(ask)).text).toBe('finally');
    // equal jitter: d/2 + random·d/2 with d = 400·2^n
    expect(delays).toEqual([300, 600, 1200]);
  });

  it('does not retry auth failures or bad requests', async () => {
    const { delays, sleep } = recordingSleep();
    const llm = createLlm({ primary: openAISettings(fake), maxRetries: 3, sleep });
    fake.script({ status: 401 });
    expect(await failureOf(llm.stream(ask))).toMatchObject({ kind: 'auth' });
    fake.script({ status: 400 });
    expect(await failureOf(llm.stream(ask))).toMatchObject({ kind: 'bad_request' });
    expect(delays).toEqual([]);
    expect(fake.chatRequests()).toHaveLength(2);
  });
});

describe('Llm facade: fallback chain', () => {
  it('falls back to the next provider after the primary keeps failing with 500', async () => {
    const { sleep } = recordingSleep();
    const records: LlmCallRecord[] = [];
    const llm = createLlm({
      primary: openAISettings(fake, { name: 'openai', models: { base: 'primary-model' } }),
      fallbacks: [anthropicSettings(fake, { models: { base: 'fallback-model' } })],
      maxRetries: 1,
      sleep,
      onCall: (record) => records.push(record),
    });
    fake.script({ status: 500 }, { status: 500 }, 'answer from the fallback');
    const result = await llm.complete({ ...ask, purpose: 'chat' });
    expect(result).toMatchObject({
      text: 'answer from the fallback',
      provider: 'anthropic',
      model: 'fallback-model',
    });
    expect(fake.chatRequests().map((r) => r.protocol)).toEqual(['openai', 'openai', 'anthropic']);
    expect(records).toMatchObject([
      { provider: 'openai', model: 'primary-model', ok: false, attempts: 2, error: { kind: 'unavailable' } },
      { provider: 'anthropic', model: 'fallback-model', ok: true, attempts: 1, purpose: 'chat' },
    ]);
    expect(records[1]?.usage.outputTokens).toBeGreaterThan(0);
  });

  it('falls back at once on 401 (no retry)', async () => {
    const { delays, sleep } = recordingSleep();
    const llm = createLlm({
      primary: anthropicSettings(fake),
      fallbacks: [openAISettings(fake, { name: 'nanogpt' })],
      maxRetries: 3,
      sleep,
    });
    fake.script({ status: 401 });
    const events = await collect(llm.stream(ask));
    expect(textOf(events)).toBe('You said: Hello');
    expect(events.at(-1)).toMatchObject({ provider: 'nanogpt' });
    expect(delays).toEqual([]);
  });

  it('neither retries nor falls back when the caller aborts', async () => {
    const { delays, sleep } = recordingSleep();
    const llm = createLlm({
      primary: openAISettings(fake),
      fallbacks: [anthropicSettings(fake)],
      maxRetries: 3,
      sleep,
    });
    fake.script({ hang: true });
    const controller = new AbortController();
    const failure = failureOf(llm.stream({ ...ask, signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    expect((await failure).kind).toBe('aborted');
    expect(delays).toEqual([]);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('never switches providers once the stream has yielded text', async () => {
    const { sleep } = recordingSleep();
    const llm = createLlm({
      primary: openAISettings(fake),
      fallbacks: [anthropicSettings(fake)],
      maxRetries: 3,
      sleep,
    });
    fake.script({ text: 'This answer will be cut off in the middle', dropAfterChunks: 1 });
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const event of llm.stream(ask)) if (event.type === 'text') seen.push(event.text);
    } catch (error) {
      failure = error;
    }
    expect(seen.length).toBe(1);
    expect(failure).toBeInstanceOf(LlmError);
    expect((failure as LlmError).kind).toBe('unavailable');
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('throws the last provider’s error when every provider fails', async () => {
    const llm = createLlm({
      primary: openAISettings(fake),
      fallbacks: [anthropicSettings(fake)],
      maxRetries: 0,
    });
    fake.script({ status: 503 }, { status: 404 });
    expect(await failureOf(llm.stream(ask))).toMatchObject({ kind: 'not_found', provider: 'anthropic' });
  });
});

describe('Llm facade: models', () => {
  it('chooses the model from the tier table; tool calls never use low', async () => {
    const llm = createLlm({
      primary: openAISettings(fake, { models: { base: 'base-m', high: 'high-m', low: 'low-m' } }),
    });
    expect(llm.primary).toBe('openrouter');
    expect(llm.modelFor(undefined)).toBe('base-m');
    expect(llm.modelFor('mid')).toBe('base-m');
    expect(llm.modelFor('low', 'tools')).toBe('base-m');
    await llm.complete({ ...ask, tier: 'low' });
    await llm.complete({ ...ask, tier: 'high' });
    expect(fake.chatRequests().map((r) => r.body.model)).toEqual(['low-m', 'high-m']);
  });
});
