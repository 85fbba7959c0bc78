/** The fake itself, exercised through the real SDKs (what other test suites rely on). */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';

let fake: FakeLlm;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  fake = await startFakeLlm({ zeroLatency: true, apiKey: 'fake-key' });
  openai = new OpenAI({ apiKey: 'fake-key', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: 'fake-key', baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}

describe('fake LLM server', () => {
  it('answers unscripted chat by echoing the last user message (JSON, both protocols)', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(completion.choices[0]?.message.content).toBe('You said: ping');
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    const message = await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'pong' }] }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'You said: pong' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('serves scripted tool calls without streaming', async () => {
    fake.script({ toolCalls: [{ id: 'c1', name: 'lookup', arguments: { q: 1 } }] });
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function : undefined).toEqual({
      name: 'lookup',
      arguments: '{"q":1}',
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('rejects a wrong key with 401 in the protocol’s error shape', async () => {
    const wrong = new OpenAI({ apiKey: 'other', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('lists models in both shapes', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o');
    const page = await anthropic.models.list();
    expect(page.data.map((m) => m.id)).toContain('claude-sonnet-4-5');
  });

  it('makes deterministic unit embeddings of any dimension, base64 or float', async () => {
    const texts = [
      'I love pizza with olives',
      'pizza with olives is what I love',
      'quarterly tax filing deadline',
    ];
    const viaSdk = await openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: texts,
      dimensions: 64,
    });
    const vectors = viaSdk.data.map((d) => d.embedding);
    expect(vectors.map((v) => v.length)).toEqual([64, 64, 64]);
    expect(Math.abs(cosine(vectors[0] ?? [], vectors[0] ?? []) - 1)).toBeLessThan(1e-5);
    expect(cosine(vectors[0] ?? [], vectors[1] ?? [])).toBeGreaterThan(
      cosine(vectors[0] ?? [], vectors[2] ?? []),
    );
    const floats = await openai.embeddings.create({
      model: 'm',
      input: texts[0] ?? '',
      encoding_format: 'float',
    });
    expect(floats.data[0]?.embedding).toHaveLength(1536);
    const again = await openai.embeddings.create({ model: 'm', input: texts[0] ?? '', dimensions: 64 });
    expect(again.data[0]?.embedding.map((x) => x.toFixed(5))).toEqual(vectors[0]?.map((x) => x.toFixed(5)));
  });

  it('scripts embedding failures separately from chat', async () => {
    fake.scriptEmbeddings({ status: 500 });
    await expect(openai.embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 500 });
    expect((await openai.embeddings.create({ model: 'm', input: 'x' })).data).toHaveLength(1);
    expect(fake.pending()).toBe(0);
  });
});
