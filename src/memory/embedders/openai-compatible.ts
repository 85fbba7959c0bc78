/**
 * Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, vLLM, LM Studio …) on the `openai`
 * SDK: batched requests, retries on 429/5xx/connection failures honouring `Retry-After`, errors that name the
 * setting to fix, and a check that every vector has the configured size.
 */
import OpenAI from 'openai';
import { defaultSleep, LlmError, retryAfterMs, retryDelay, type Sleep } from '../../llm/index.js';
import type { Embedder } from '../types.js';

export const DEFAULT_EMBEDDING_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_EMBEDDING_BATCH_SIZE = 96;
export const DEFAULT_EMBEDDING_TIMEOUT_MS = 30_000;
/** Inputs longer than this are cut (text-embedding-3-* accept 8 191 tokens). */
const MAX_INPUT_CHARS = 24_000;

export interface OpenAICompatibleEmbedderOptions {
  /** `EMBEDDING_API_KEY`, else `OPENAI_API_KEY`; may be empty for a local server (`EMBEDDING_BASE_URL`). */
  apiKey: string;
  /** `EMBEDDING_BASE_URL`; default https://api.openai.com/v1. */
  baseUrl?: string | undefined;
  /** `EMBEDDING_MODEL` */
  model: string;
  /** `EMBEDDING_DIMENSIONS` */
  dimension: number;
  /** Texts per request (default 96). */
  batchSize?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Retries per request for 429, 5xx, timeouts and connection failures (default 3). */
  maxRetries?: number;
  /** Injectable for tests (no real waiting). */
  sleep?: Sleep;
  random?: () => number;
  maxDelayMs?: number;
  headers?: Record<string, string>;
}

export type EmbeddingErrorKind =
  | 'auth'
  | 'not_found'
  | 'unavailable'
  | 'bad_request'
  | 'dimension'
  | 'aborted';

/** A failed embedding request, with a message that says which setting to check. Never contains the key. */
export class EmbeddingError extends Error {
  constructor(
    readonly kind: EmbeddingErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddingError';
  }
}

const KEY_HINT = 'EMBEDDING_API_KEY (or OPENAI_API_KEY when EMBEDDING_API_KEY is unset)';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** `dimensions` is only understood by OpenAI's text-embedding-3 models (others reject or ignore it). */
function acceptsDimensions(model: string): boolean {
  return /text-embedding-3/.test(model);
}

function toVector(raw: unknown): Float32Array | undefined {
  if (typeof raw === 'string') {
    const bytes = Buffer.from(raw, 'base64');
    // Copy into an aligned buffer: Buffer slices may start at any byte offset.
    const aligned = new Uint8Array(bytes.byteLength);
    aligned.set(bytes);
    return new Float32Array(aligned.buffer, 0, Math.floor(bytes.byteLength / 4));
  }
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'number')) return Float32Array.from(raw);
  return undefined;
}

/** The innermost reason of a connection failure (`fetch failed` wraps e.g. `connect ECONNREFUSED …`). */
function rootCause(error: Error): string {
  let current: unknown = error;
  let message = error.message;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}

interface Classified {
  error: EmbeddingError;
  retryable: boolean;
  retryAfter?: number | undefined;
}

export function createOpenAICompatibleEmbedder(options: OpenAICompatibleEmbedderOptions): Embedder {
  const baseUrl = options.baseUrl?.trim() || DEFAULT_EMBEDDING_BASE_URL;
  const apiKey = options.apiKey.trim();
  if (!apiKey && !options.baseUrl?.trim()) {
    throw new EmbeddingError(
      'auth',
      `Embeddings need an API key: set ${KEY_HINT}, or EMBEDDING_BASE_URL to a local OpenAI-compatible server.`,
    );
  }
  const { model, dimension } = options;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE);
  const maxRetries = options.maxRetries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const host = hostOf(baseUrl);
  const where = `The embeddings endpoint ${host}`;
  const client = new OpenAI({
    // Local servers need no key, but the SDK insists on one.
    apiKey: apiKey || 'unused',
    baseURL: baseUrl,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS,
    logLevel: 'off',
    ...(options.headers ? { defaultHeaders: options.headers } : {}),
  });

  const scrub = (text: string): string =>
    (apiKey.length >= 6 ? text.split(apiKey).join('****') : text).slice(0, 200);

  function classify(error: unknown, signal: AbortSignal | undefined): Classified {
    if (signal?.aborted || error instanceof OpenAI.APIUserAbortError) {
      return {
        error: new EmbeddingError('aborted', `The embedding request to ${host} was cancelled.`),
        retryable: false,
      };
    }
    if (error instanceof OpenAI.APIConnectionError) {
      const cause = rootCause(error);
      const what =
        error instanceof OpenAI.APIConnectionTimeoutError ? 'did not answer in time' : 'could not be reached';
      return {
        error: new EmbeddingError(
          'unavailable',
          `${where} ${what}: ${scrub(cause)}. Check EMBEDDING_BASE_URL (now ${options.baseUrl?.trim() || `unset, so ${DEFAULT_EMBEDDING_BASE_URL}`}) and the network.`,
          undefined,
          { cause: error },
        ),
        retryable: true,
      };
    }
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const status = error.status;
      const detail = scrub(error.message.replace(/^\d{3}\s+/, ''));
      if (status === 401 || status === 403) {
        return {
          error: new EmbeddingError(
            'auth',
            `${where} rejected the API key (HTTP ${status}): ${detail}. Check ${KEY_HINT}.`,
            status,
            { cause: error },
          ),
          retryable: false,
        };
      }
      if (status === 404) {
        return {
          error: new EmbeddingError(
            'not_found',
            `${where} does not know model "${model}" or has no /embeddings route (HTTP 404): ${detail}. Check EMBEDDING_MODEL and EMBEDDING_BASE_URL.`,
            status,
            { cause: error },
          ),
          retryable: false,
        };
      }
      const retryable = status === 429 || status === 408 || status === 409 || status >= 500;
      return {
        error: new EmbeddingError(
          retryable ? 'unavailable' : 'bad_request',
          `${where} failed for model "${model}" (HTTP ${status}): ${detail}.`,
          status,
          { cause: error },
        ),
        retryable,
        retryAfter: retryAfterMs(error.headers),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      error: new EmbeddingError('unavailable', `${where} failed: ${scrub(message)}`, undefined, {
        cause: error,
      }),
      retryable: false,
    };
  }

  async function request(input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const body = {
      model,
      input,
      encoding_format: 'base64' as const,
      ...(acceptsDimensions(model) ? { dimensions: dimension } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await client.embeddings.create(body, signal ? { signal } : {});
        return validate(response.data as unknown[], input.length);
      } catch (error) {
        if (error instanceof EmbeddingError) throw error;
        const classified = classify(error, signal);
        if (!classified.retryable || attempt >= maxRetries) throw classified.error;
        const cap = options.maxDelayMs ?? 30_000;
        const delay =
          classified.retryAfter !== undefined
            ? Math.min(cap, classified.retryAfter)
            : retryDelay(attempt, new LlmError('unavailable', classified.error.message, 'openai'), {
                maxRetries,
                random: options.random,
                maxDelayMs: cap,
              });
        try {
          await sleep(delay, signal);
        } catch {
          throw new EmbeddingError('aborted', `The embedding request to ${host} was cancelled.`);
        }
      }
    }
  }

  function validate(data: unknown[], expected: number): Float32Array[] {
    if (!Array.isArray(data) || data.length !== expected) {
      throw new EmbeddingError(
        'bad_request',
        `${where} returned ${Array.isArray(data) ? data.length : 'no'} vectors for ${expected} texts (model "${model}").`,
      );
    }
    const ordered = [...data].sort(
      (a, b) => Number((a as { index?: number }).index ?? 0) - Number((b as { index?: number }).index ?? 0),
    );
    return ordered.map((item) => {
      const vector = toVector((item as { embedding?: unknown }).embedding);
      if (!vector)
        throw new EmbeddingError('bad_request', `${where} returned an embedding that is not a vector.`);
      if (vector.length !== dimension) {
        throw new EmbeddingError(
          'dimension',
          `The embedding model "${model}" at ${host} returns ${vector.length}-dimensional vectors, but ` +
            `EMBEDDING_DIMENSIONS is ${dimension}. Set EMBEDDING_DIMENSIONS=${vector.length} (and run ` +
            '`clara memory reembed` if memories were stored with another size).',
        );
      }
      return vector;
    });
  }

  return {
    model,
    dimension,
    async embed(texts, signal) {
      const inputs = texts.map((text) => (text.trim() ? text.slice(0, MAX_INPUT_CHARS) : ' '));
      const out: Float32Array[] = [];
      for (let start = 0; start < inputs.length; start += batchSize) {
        out.push(...(await request(inputs.slice(start, start + batchSize), signal)));
      }
      return out;
    },
  };
}
