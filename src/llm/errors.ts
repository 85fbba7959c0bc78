/** Maps SDK and HTTP failures to `LlmError` kinds with short messages that never contain a key. */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { LlmError, type LlmErrorKind, type ProviderName } from './types.js';

/** An `LlmError` that also carries the server's requested retry delay (`Retry-After`, `retry-after-ms`). */
export class ProviderCallError extends LlmError {
  constructor(
    kind: LlmErrorKind,
    message: string,
    provider: ProviderName,
    status: number | undefined,
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(kind, message, provider, status, options);
  }
}

/** An error the server reported inside an otherwise successful (200) stream. */
export class StreamErrorPayload extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'StreamErrorPayload';
  }

  /** Reads `{error:{type,message}}` (OpenAI style) or `{type:'error', error:{…}}` (Anthropic style). */
  static from(payload: unknown): StreamErrorPayload {
    const body = (payload ?? {}) as Record<string, unknown>;
    const inner = (typeof body.error === 'object' && body.error !== null ? body.error : body) as Record<
      string,
      unknown
    >;
    const type =
      typeof inner.type === 'string' ? inner.type : typeof inner.code === 'string' ? inner.code : '';
    const message = typeof inner.message === 'string' ? inner.message : JSON.stringify(payload).slice(0, 200);
    return new StreamErrorPayload(type, message);
  }
}

/** What the caller knows about the failed call, for the message and the classification. */
export interface CallContext {
  provider: ProviderName;
  /** Host the request went to, e.g. `openrouter.ai`. */
  host: string;
  model: string;
  /** Env var of the key in use (`OPENROUTER_API_KEY`, `TOOL_API_KEY` …) for the auth hint. */
  keyEnv: string;
  /** Values that must never appear in a message (API keys, CF Access secret). */
  secrets: readonly string[];
  timeoutMs: number;
  /** Our own watchdog fired (no headers / no chunk within timeoutMs). */
  timedOut?: boolean;
  /** The caller's signal fired. */
  aborted?: boolean;
}

const MAX_DETAIL = 200;

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('****');
  return out;
}

/** `Retry-After` (seconds or HTTP date) and `retry-after-ms`, in milliseconds; `undefined` when absent/invalid. */
export function retryAfterMs(headers: Headers | undefined, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

type SdkApiError = InstanceType<typeof OpenAI.APIError> | InstanceType<typeof Anthropic.APIError>;

function isSdkApiError(error: unknown): error is SdkApiError {
  return error instanceof OpenAI.APIError || error instanceof Anthropic.APIError;
}

function isSdkAbort(error: unknown): boolean {
  return error instanceof OpenAI.APIUserAbortError || error instanceof Anthropic.APIUserAbortError;
}

function isSdkTimeout(error: unknown): boolean {
  return (
    error instanceof OpenAI.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError
  );
}

function isSdkConnection(error: unknown): boolean {
  return error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError;
}

function isAbortLike(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || isSdkAbort(error));
}

/** The server's own explanation (`{error:{message}}` or Anthropic's `{type:'error', error:{message}}`). */
function serverDetail(error: SdkApiError): string {
  const body = error.error as Record<string, unknown> | undefined;
  const inner = body && typeof body.error === 'object' && body.error !== null ? body.error : body;
  const message = (inner as Record<string, unknown> | undefined)?.message;
  if (typeof message === 'string' && message.trim()) return message.trim();
  return error.message.replace(/^\d{3}\s+/, '').trim();
}

function errorType(error: SdkApiError): string {
  const body = error.error as Record<string, unknown> | undefined;
  const inner = body && typeof body.error === 'object' && body.error !== null ? body.error : body;
  const type = (inner as Record<string, unknown> | undefined)?.type;
  return typeof type === 'string' ? type : '';
}

function kindForStatus(status: number): LlmErrorKind {
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status === 409 || status >= 500) return 'unavailable';
  return 'bad_request';
}

function kindForStreamErrorType(type: string): LlmErrorKind {
  if (type.includes('rate_limit')) return 'rate_limited';
  if (type.includes('authentication') || type.includes('permission')) return 'auth';
  if (type.includes('invalid_request')) return 'bad_request';
  if (type.includes('not_found')) return 'not_found';
  return 'unavailable';
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function messageFor(
  kind: LlmErrorKind,
  ctx: CallContext,
  status: number | undefined,
  detail: string,
): string {
  const who = `${ctx.provider} (${ctx.host})`;
  const http = status ? ` (HTTP ${status})` : '';
  const more = detail ? `: ${detail}` : '';
  switch (kind) {
    case 'auth':
      return status === 402
        ? `${who} refused the request for billing reasons${http}${more}. Check the account's credits.`
        : `${who} rejected the API key${http}${more}. Check ${ctx.keyEnv}.`;
    case 'not_found':
      return `${who} does not know model "${ctx.model}" or the endpoint${http}${more}. Check the model name and base URL.`;
    case 'rate_limited':
      return `${who} is rate limiting requests${http}${more}.`;
    case 'timeout':
      return `${who} did not answer within ${formatDuration(ctx.timeoutMs)}${http}.`;
    case 'aborted':
      return `The call to ${who} was cancelled.`;
    case 'bad_request':
      return `${who} rejected the request for model "${ctx.model}"${http}${more}.`;
    case 'unavailable':
      return status
        ? `${who} is unavailable${http}${more}.`
        : `The connection to ${who} failed${more}. Check the network and the base URL.`;
  }
}

function build(
  kind: LlmErrorKind,
  ctx: CallContext,
  status: number | undefined,
  rawDetail: string,
  cause: unknown,
  retryAfter?: number,
): ProviderCallError {
  const detail = scrub(rawDetail, ctx.secrets).slice(0, MAX_DETAIL);
  return new ProviderCallError(
    kind,
    messageFor(kind, ctx, status, detail),
    ctx.provider,
    status,
    retryAfter,
    {
      cause,
    },
  );
}

/** Classifies any failure of one provider call. `LlmError`s pass through unchanged. */
export function toLlmError(error: unknown, ctx: CallContext): LlmError {
  if (error instanceof LlmError) return error;
  if (ctx.aborted) return build('aborted', ctx, undefined, '', error);
  if (ctx.timedOut || isSdkTimeout(error)) return build('timeout', ctx, undefined, '', error);
  if (isAbortLike(error)) return build('aborted', ctx, undefined, '', error);
  if (isSdkApiError(error) && typeof error.status === 'number') {
    const kind = kindForStatus(error.status);
    return build(kind, ctx, error.status, serverDetail(error), error, retryAfterMs(error.headers));
  }
  if (isSdkConnection(error)) {
    const cause = (error as Error).cause;
    const detail = cause instanceof Error ? cause.message : (error as Error).message;
    return build('unavailable', ctx, undefined, detail, error);
  }
  if (isSdkApiError(error)) {
    return build(kindForStreamErrorType(errorType(error)), ctx, undefined, serverDetail(error), error);
  }
  if (error instanceof StreamErrorPayload) {
    return build(kindForStreamErrorType(error.type), ctx, undefined, error.message, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return build('unavailable', ctx, undefined, message, error);
}

/** Which failures are worth another attempt at the same provider. */
export function isRetryable(error: LlmError): boolean {
  return error.kind === 'rate_limited' || error.kind === 'unavailable' || error.kind === 'timeout';
}

/** Which failures are worth trying the next provider for (anything but a cancelled or malformed request). */
export function allowsFallback(error: LlmError): boolean {
  return error.kind !== 'aborted' && error.kind !== 'bad_request';
}
