import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  allowsFallback,
  type CallContext,
  isRetryable,
  ProviderCallError,
  retryAfterMs,
  StreamErrorPayload,
  toLlmError,
} from './errors.js';
import { LlmError } from './types.js';

const SECRET = 'sk-or-v1-abcdef0123456789';
const ctx: CallContext = {
  provider: 'openrouter',
  host: 'openrouter.ai',
  model: 'anthropic/claude-sonnet-4',
  keyEnv: 'OPENROUTER_API_KEY',
  secrets: [SECRET],
  timeoutMs: 30_000,
};

const openAIError = (status: number, message: string, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(status, { error: { message } }, undefined, new Headers(headers));

describe('retryAfterMs', () => {
  const now = () => Date.parse('2026-11-01T12:00:00Z');
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 01 Nov 2026 12:00:12 GMT' }), now)).toBe(12_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 01 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
  });
  it('ignores missing or invalid values', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': '-3' }))).toBeUndefined();
  });
});

describe('toLlmError', () => {
  it('maps HTTP statuses to kinds', () => {
    const kinds = [400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 529].map(
      (status) => [status, toLlmError(openAIError(status, 'x'), ctx).kind] as const,
    );
    expect(Object.fromEntries(kinds)).toEqual({
      400: 'bad_request',
      401: 'auth',
      402: 'auth',
      403: 'auth',
      404: 'not_found',
      408: 'timeout',
      409: 'unavailable',
      413: 'bad_request',
      422: 'bad_request',
      429: 'rate_limited',
      500: 'unavailable',
      502: 'unavailable',
      503: 'unavailable',
      529: 'unavailable',
    });
  });

  it('writes short messages naming the provider and the fix, never the key', () => {
    const auth = toLlmError(openAIError(401, `Invalid key ${SECRET}`), ctx);
    expect(auth).toBeInstanceOf(LlmError);
    expect(auth.message).toBe(
      'openrouter (openrouter.ai) rejected the API key (HTTP 401): Invalid key ****. Check OPENROUTER_API_KEY.',
    );
    expect(auth.provider).toBe('openrouter');
    expect(auth.status).toBe(401);
    const missing = toLlmError(openAIError(404, 'No endpoints found'), ctx);
    expect(missing.message).toContain('"anthropic/claude-sonnet-4"');
    const long = toLlmError(openAIError(400, 'y'.repeat(1000)), ctx);
    expect(long.message.length).toBeLessThan(320);
  });

  it('carries Retry-After on the error for the retry loop', () => {
    const error = toLlmError(openAIError(429, 'slow', { 'retry-after': '3' }), ctx);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect((error as ProviderCallError).retryAfterMs).toBe(3000);
  });

  it('reads Anthropic error bodies', () => {
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const error = toLlmError(Anthropic.APIError.generate(529, body, undefined, new Headers()), {
      ...ctx,
      provider: 'anthropic',
    });
    expect(error).toMatchObject({ kind: 'unavailable', provider: 'anthropic', status: 529 });
    expect(error.message).toContain('Overloaded');
  });

  it('classifies timeouts, aborts, connection failures and stream error payloads', () => {
    expect(toLlmError(new OpenAI.APIConnectionTimeoutError(), ctx).kind).toBe('timeout');
    expect(toLlmError(new Anthropic.APIConnectionTimeoutError(), ctx).kind).toBe('timeout');
    expect(toLlmError(new OpenAI.APIUserAbortError(), ctx).kind).toBe('aborted');
    expect(toLlmError(new OpenAI.APIUserAbortError(), { ...ctx, timedOut: true }).kind).toBe('timeout');
    expect(toLlmError(new Error('anything'), { ...ctx, aborted: true }).kind).toBe('aborted');
    const refused = new OpenAI.APIConnectionError({ cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    const connection = toLlmError(refused, ctx);
    expect(connection.kind).toBe('unavailable');
    expect(connection.message).toContain('ECONNREFUSED');
    expect(toLlmError(new StreamErrorPayload('rate_limit_error', 'slow down'), ctx).kind).toBe(
      'rate_limited',
    );
    expect(toLlmError(new TypeError('terminated'), ctx).kind).toBe('unavailable');
    const existing = new LlmError('auth', 'x', 'nanogpt');
    expect(toLlmError(existing, ctx)).toBe(existing);
  });

  it('decides what is retried and what may fall back', () => {
    const of = (kind: LlmError['kind']) => new LlmError(kind, 'x', 'openai');
    expect(
      ['rate_limited', 'unavailable', 'timeout'].every((k) => isRetryable(of(k as LlmError['kind']))),
    ).toBe(true);
    expect(
      ['auth', 'not_found', 'bad_request', 'aborted'].some((k) => isRetryable(of(k as LlmError['kind']))),
    ).toBe(false);
    expect(allowsFallback(of('auth'))).toBe(true);
    expect(allowsFallback(of('not_found'))).toBe(true);
    expect(allowsFallback(of('aborted'))).toBe(false);
    expect(allowsFallback(of('bad_request'))).toBe(false);
  });
});
