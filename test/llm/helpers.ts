/** Small helpers shared by the LLM integration tests. */
import type { ProviderSettings, StreamEvent } from '../../src/llm/index.js';
import { LlmError } from '../../src/llm/index.js';
import type { FakeLlm } from '../support/fake-llm.js';

export const TEST_KEY = 'sk-test-secret-key-0123456789';

export function openAISettings(fake: FakeLlm, overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    name: 'openrouter',
    apiKey: TEST_KEY,
    baseUrl: fake.openaiBaseUrl,
    models: { base: 'fake-model' },
    timeoutMs: 5_000,
    ...overrides,
  };
}

export function anthropicSettings(
  fake: FakeLlm,
  overrides: Partial<ProviderSettings> = {},
): ProviderSettings {
  return {
    name: 'anthropic',
    apiKey: TEST_KEY,
    baseUrl: fake.anthropicBaseUrl,
    models: { base: 'claude-fake' },
    timeoutMs: 5_000,
    ...overrides,
  };
}

export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

export function textOf(events: readonly StreamEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.text : '')).join('');
}

/** Runs the stream and returns the LlmError it fails with (fails the test if it does not fail). */
export async function failureOf(stream: AsyncIterable<unknown>): Promise<LlmError> {
  try {
    for await (const _ of stream) {
      // drain
    }
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw new Error(`expected an LlmError, got ${String(error)}`);
  }
  throw new Error('expected the stream to fail, but it finished');
}

/** A sleep that records the delays it was asked for and returns at once. */
export function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}
