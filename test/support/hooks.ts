/** Vitest lifecycle helpers shared by integration tests. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type FakeLlm, type FakeLlmOptions, startFakeLlm } from './fake-llm.js';

/** One fake LLM server for the whole file, reset before each test. Read `.current` inside tests and hooks. */
export function useFakeLlm(options?: FakeLlmOptions): { readonly current: FakeLlm } {
  let fake: FakeLlm | undefined;
  beforeAll(async () => {
    fake = await startFakeLlm(options);
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => fake?.reset());
  return {
    get current(): FakeLlm {
      if (!fake)
        throw new Error('useFakeLlm: the fake LLM is not started yet (use it inside a test or hook).');
      return fake;
    },
  };
}
