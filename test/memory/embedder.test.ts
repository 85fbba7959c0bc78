/** The OpenAI-compatible embedder against the fake LLM's real `/v1/embeddings` wire protocol (real `openai` SDK). */
import { describe, expect, it } from 'vitest';
import {
  createOpenAICompatibleEmbedder,
  EmbeddingError,
  type OpenAICompatibleEmbedderOptions,
} from '../../src/memory/index.js';
import { startFakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';

const fake = useFakeLlm();

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

function embedder(overrides: Partial<OpenAICompatibleEmbedderOptions> = {}) {
  const sleeps: number[] = [];
  const instance = createOpenAICompatibleEmbedder({
    apiKey: 'sk-embed-test-key',
    baseUrl: fake.current.openaiBaseUrl,
    model: 'text-embedding-3-small',
    dimension: 64,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { instance, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<EmbeddingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmbeddingError);
  return error as EmbeddingError;
}

describe('OpenAI-compatible embedder', () => {
  it('returns one vector of the configured size per text, and similar texts are closer', async () => {
    const { instance } = embedder();
    const [berlin, munich, cats] = await instance.embed([
      'I live in Berlin with my partner',
      'I live in Munich with my partner',
      'Quantum chromodynamics lecture notes',
    ]);
    expect(berlin).toBeInstanceOf(Float32Array);
    expect(berlin?.length).toBe(64);
    expect(cosine(berlin!, munich!)).toBeGreaterThan(cosine(berlin!, cats!));
    const body = fake.current.requests[0]?.body;
    expect(body.dimensions).toBe(64);
    expect(body.model).toBe('text-embedding-3-small');
    expect(fake.current.requests[0]?.headers.authorization).toBe('Bearer sk-embed-test-key');
  });

  it('batches requests and keeps the order of the texts', async () => {
    const texts = ['alpha one', 'beta two', 'gamma three', 'delta four', 'epsilon five'];
    const batched = await embedder({ batchSize: 2 }).instance.embed(texts);
    expect(fake.current.requests.map((r) => r.body.input.length)).toEqual([2, 2, 1]);
    const single = await Promise.all(texts.map(async (t) => (await embedder().instance.embed([t]))[0]));
    expect(batched.map((v) => Array.from(v))).toEqual(single.map((v) => Array.from(v!)));
  });

  it('uses 96 texts per request by default and replaces empty texts (which the API rejects)', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => (i === 3 ? '' : `text number ${i}`));
    const vectors = await embedder().instance.embed(texts);
    expect(vectors).toHaveLength(100);
    expect(fake.current.requests.map((r) => r.body.input.length)).toEqual([96, 4]);
    expect(fake.current.requests[0]?.body.input[3]).toBe(' ');
  });

  it('reads plain float arrays too (servers that ignore encoding_format)', async () => {
    fake.current.scriptEmbeddings({
      status: 200,
      body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.6, 0.8] }] },
    });
    const [vector] = await embedder({ model: 'nomic-embed-text', dimension: 2 }).instance.embed(['hello']);
    expect(Array.from(vector!)).toEqual([Float32Array.from([0.6])[0], Float32Array.from([0.8])[0]]);
    expect(fake.current.requests[0]?.body.dimensions).toBeUndefined();
  });

  it('refuses vectors of another size and says to set EMBEDDING_DIMENSIONS', async () => {
    // Not a text-embedding-3 model: no `dimensions` is sent, and the fake answers with 1536 values.
    const error = await failure(
      embedder({ model: 'nomic-embed-text', dimension: 768 }).instance.embed(['hi']),
    );
    expect(error.kind).toBe('dimension');
    expect(error.message).toContain('EMBEDDING_DIMENSIONS=1536');
    expect(error.message).toContain('nomic-embed-text');
  });

  it('names EMBEDDING_API_KEY / OPENAI_API_KEY on 401 and never shows the key', async () => {
    const guarded = await startFakeLlm({ apiKey: 'the-right-key' });
    try {
      const error = await failure(
        embedder({ baseUrl: guarded.openaiBaseUrl, apiKey: 'sk-wrong-secret-value' }).instance.embed(['x']),
      );
      expect(error.kind).toBe('auth');
      expect(error.status).toBe(401);
      expect(error.message).toContain('EMBEDDING_API_KEY');
      expect(error.message).toContain('OPENAI_API_KEY');
      expect(error.message).not.toContain('sk-wrong-secret-value');
      expect(guarded.requests).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });

  it('names EMBEDDING_MODEL and EMBEDDING_BASE_URL on 404', async () => {
    fake.current.scriptEmbeddings({ status: 404 });
    const error = await failure(embedder().instance.embed(['x']));
    expect(error.kind).toBe('not_found');
    expect(error.message).toMatch(/EMBEDDING_MODEL.*EMBEDDING_BASE_URL/);
  });

  it('names EMBEDDING_BASE_URL when the connection fails (after its retries)', async () => {
    fake.current.scriptEmbeddings({ drop: true }, { drop: true }, { drop: true });
    const { instance, sleeps } = embedder({ maxRetries: 2 });
    const error = await failure(instance.embed(['x']));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('EMBEDDING_BASE_URL');
    expect(error.message).toContain(`127.0.0.1:${fake.current.port}`);
    expect(fake.current.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('retries 429 honouring Retry-After, and 5xx with backoff', async () => {
    fake.current.scriptEmbeddings({ status: 429, headers: { 'retry-after': '2' } }, { status: 503 });
    const { instance, sleeps } = embedder({ random: () => 0 });
    const vectors = await instance.embed(['hello there']);
    expect(vectors[0]?.length).toBe(64);
    expect(fake.current.requests).toHaveLength(3);
    expect(sleeps[0]).toBe(2000);
    expect(sleeps[1]).toBeGreaterThan(0);
  });

  it('gives up after maxRetries on a failing server', async () => {
    fake.current.scriptEmbeddings({ status: 500 }, { status: 500 });
    const error = await failure(embedder({ maxRetries: 1 }).instance.embed(['x']));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(500);
    expect(fake.current.requests).toHaveLength(2);
  });

  it('needs a key unless a base URL (a local server) is given', () => {
    expect(() =>
      createOpenAICompatibleEmbedder({ apiKey: '', model: 'text-embedding-3-small', dimension: 8 }),
    ).toThrow(/EMBEDDING_API_KEY.*OPENAI_API_KEY.*EMBEDDING_BASE_URL/);
    expect(() =>
      createOpenAICompatibleEmbedder({
        apiKey: '',
        baseUrl: 'http://127.0.0.1:11434/v1',
        model: 'nomic-embed-text',
        dimension: 8,
      }),
    ).not.toThrow();
  });
});
