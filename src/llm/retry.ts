/**
 * Retries for one provider: 429, 5xx, timeouts and connection errors, with exponential backoff and jitter,
 * honouring `Retry-After` / `retry-after-ms` — and only while the stream has not yielded anything yet.
 */
import { isRetryable, ProviderCallError } from './errors.js';
import { LlmError, type ProviderName, type StreamEvent } from './types.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  maxRetries: number;
  /** Injectable so tests never wait. */
  sleep?: Sleep | undefined;
  /** Injectable jitter source in [0, 1). */
  random?: (() => number) | undefined;
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}

export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 30_000;

/** Waits `ms`, rejecting early (with the signal's reason) when `signal` aborts. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Delay before retry number `attempt + 1`: the server's wish when given, else exponential with jitter; capped. */
export function retryDelay(attempt: number, error: LlmError, policy: RetryPolicy): number {
  const cap = policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  if (error instanceof ProviderCallError && error.retryAfterMs !== undefined) {
    return Math.min(cap, Math.max(0, Math.round(error.retryAfterMs)));
  }
  const exponential = Math.min(cap, (policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS) * 2 ** attempt);
  const random = policy.random ?? Math.random;
  // "Equal jitter": half fixed, half random, so retries from many clients spread out but never collapse to 0.
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Runs `start()` and re-runs it after retryable failures that happened before the first event.
 * `onRetry` is told about each retry (for logs and attempt counts).
 */
export async function* withRetries(
  start: () => AsyncIterable<StreamEvent>,
  policy: RetryPolicy & {
    provider: ProviderName;
    signal?: AbortSignal | undefined;
    onRetry?: ((info: { attempt: number; delayMs: number; error: LlmError }) => void) | undefined;
  },
): AsyncGenerator<StreamEvent> {
  const sleep = policy.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    let yielded = false;
    try {
      for await (const event of start()) {
        yielded = true;
        yield event;
      }
      return;
    } catch (error) {
      if (!(error instanceof LlmError) || yielded || attempt >= policy.maxRetries || !isRetryable(error))
        throw error;
      const delayMs = retryDelay(attempt, error, policy);
      policy.onRetry?.({ attempt: attempt + 1, delayMs, error });
      try {
        await sleep(delayMs, policy.signal);
      } catch (cause) {
        throw new LlmError(
          'aborted',
          `The call to ${policy.provider} was cancelled.`,
          policy.provider,
          undefined,
          {
            cause,
          },
        );
      }
      if (policy.signal?.aborted) {
        throw new LlmError('aborted', `The call to ${policy.provider} was cancelled.`, policy.provider);
      }
    }
  }
}
