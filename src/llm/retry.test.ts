import { describe, expect, it } from 'vitest';
import { ProviderCallError } from './errors.js';
import { defaultSleep, retryDelay, withRetries } from './retry.js';
import { LlmError, type StreamEvent } from './types.js';

const done: StreamEvent = {
  type: 'done',
  usage: { inputTokens: 1, outputTokens: 1 },
  finishReason: 'stop',
  model: 'm',
  provider: 'openai',
};

/** A provider stream whose attempts follow a script: an error to throw, or events to yield (then maybe throw). */
function scripted(attempts: Array<LlmError | { events: StreamEvent[]; thenFail?: LlmError }>) {
  let calls = 0;
  const start = () => {
    const step = attempts[calls++];
    return (async function* () {
      if (!step) throw new Error('no more attempts scripted');
      if (step instanceof LlmError) throw step;
      yield* step.events;
      if (step.thenFail) throw step.thenFail;
    })();
  };
  return { start, calls: () => calls };
}

async function drain(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

const unavailable = () => new LlmError('unavailable', 'down', 'openai', 503);

describe('retryDelay', () => {
  it('prefers the server’s Retry-After, capped', () => {
    const hinted = new ProviderCallError('rate_limited', 'x', 'openai', 429, 4000);
    expect(retryDelay(0, hinted, { maxRetries: 3 })).toBe(4000);
    expect(retryDelay(0, hinted, { maxRetries: 3, maxDelayMs: 1000 })).toBe(1000);
  });
  it('grows exponentially with equal jitter, capped', () => {
    const policy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect(retryDelay(0, unavailable(), { ...policy, random: () => 0 })).toBe(500);
    expect(retryDelay(0, unavailable(), { ...policy, random: () => 0.999999 })).toBe(1000);
    expect(retryDelay(2, unavailable(), { ...policy, random: () => 0 })).toBe(2000);
    expect(retryDelay(10, unavailable(), { ...policy, random: () => 1 })).toBe(5000);
  });
});

describe('withRetries', () => {
  it('retries retryable failures before the first event, up to maxRetries', async () => {
    const delays: number[] = [];
    const attempts = scripted([unavailable(), unavailable(), { events: [done] }]);
    const events = await drain(
      withRetries(attempts.start, {
        maxRetries: 2,
        provider: 'openai',
        random: () => 0,
        sleep: async (ms) => {
          delays.push(ms);
        },
      }),
    );
    expect(events).toEqual([done]);
    expect(attempts.calls()).toBe(3);
    expect(delays).toEqual([250, 500]);
  });

  it('gives up after maxRetries with the last error', async () => {
    const attempts = scripted([unavailable(), unavailable()]);
    await expect(
      drain(withRetries(attempts.start, { maxRetries: 1, provider: 'openai', sleep: async () => {} })),
    ).rejects.toMatchObject({ kind: 'unavailable' });
    expect(attempts.calls()).toBe(2);
  });

  it('never retries once an event was yielded, nor non-retryable kinds', async () => {
    const text: StreamEvent = { type: 'text', text: 'partial' };
    const midway = scripted([{ events: [text], thenFail: unavailable() }, { events: [done] }]);
    await expect(
      drain(withRetries(midway.start, { maxRetries: 3, provider: 'openai', sleep: async () => {} })),
    ).rejects.toMatchObject({ kind: 'unavailable' });
    expect(midway.calls()).toBe(1);

    const auth = scripted([new LlmError('auth', 'no', 'openai', 401), { events: [done] }]);
    await expect(
      drain(withRetries(auth.start, { maxRetries: 3, provider: 'openai', sleep: async () => {} })),
    ).rejects.toMatchObject({ kind: 'auth' });
    expect(auth.calls()).toBe(1);
  });

  it('turns an abort during the backoff into an aborted error', async () => {
    const controller = new AbortController();
    const attempts = scripted([unavailable(), { events: [done] }]);
    const failure = drain(
      withRetries(attempts.start, {
        maxRetries: 3,
        provider: 'openai',
        signal: controller.signal,
        baseDelayMs: 60_000,
      }),
    );
    setTimeout(() => controller.abort(), 10);
    await expect(failure).rejects.toMatchObject({ kind: 'aborted' });
    expect(attempts.calls()).toBe(1);
  });

  it('defaultSleep rejects at once for an aborted signal', async () => {
    await expect(defaultSleep(10_000, AbortSignal.abort())).rejects.toBeDefined();
  });
});
