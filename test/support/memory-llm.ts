/**
 * Long-term memory against the fake LLM: env that turns memory on with the fake as the memory LLM (MEM0_*) and as
 * the embeddings endpoint, and a router that answers chat and extraction requests from separate queues.
 */
import { EXTRACTION_INSTRUCTIONS } from '../../src/memory/index.js';
import type { FakeLlm, FakeStep, RecordedRequest } from './fake-llm.js';

export const MEMORY_MODEL = 'fake-memory-model';

export function memoryEnv(fake: FakeLlm, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    MEMORY_ENABLED: 'true',
    MEM0_PROVIDER: 'openai',
    MEM0_BASE_URL: fake.openaiBaseUrl,
    MEM0_API_KEY: 'mem0-key-not-secret-456',
    MEM0_MODEL: MEMORY_MODEL,
    OPENAI_API_KEY: 'embedding-key-not-secret-789',
    EMBEDDING_BASE_URL: fake.openaiBaseUrl,
    EMBEDDING_DIMENSIONS: '32',
    MEMORY_EXTRACTION_DELAY_SECONDS: '0',
    ...overrides,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON bodies
const systemText = (request: { body: any }): string => {
  const first = request.body?.messages?.[0];
  return first?.role === 'system' && typeof first.content === 'string' ? first.content : '';
};

/** Extraction requests are the ones sent with the extraction prompt. */
export const isExtraction = (request: RecordedRequest): boolean =>
  request.protocol === 'openai' && systemText(request).startsWith(EXTRACTION_INSTRUCTIONS);

/** The user-side text of an extraction request ("Existing memories: … Conversation: …"). */
export const extractionInput = (request: RecordedRequest): string =>
  String(request.body?.messages?.[1]?.content ?? '');

export type Answer = FakeStep | ((request: RecordedRequest) => FakeStep);

export interface MemoryRouter {
  /** Queues answers for the next chat requests (default: "OK."). */
  chat(...answers: Answer[]): void;
  /** Queues answers for the next extraction requests (default: nothing to remember). */
  extraction(...answers: Answer[]): void;
  extractionRequests(): RecordedRequest[];
  /** Chat requests that are not extraction requests (replies, summaries). */
  replyRequests(): RecordedRequest[];
}

export const NOTHING_TO_REMEMBER = '{"memories":[]}';

/** Routes every chat-protocol request of the fake to the chat or the extraction queue. */
export function routeMemoryLlm(fake: FakeLlm, steps = 60): MemoryRouter {
  const chat: Answer[] = [];
  const extraction: Answer[] = [];
  const route = (request: RecordedRequest): FakeStep => {
    const answer = isExtraction(request)
      ? (extraction.shift() ?? NOTHING_TO_REMEMBER)
      : (chat.shift() ?? 'OK.');
    return typeof answer === 'function' ? answer(request) : answer;
  };
  fake.script(...Array.from({ length: steps }, () => route));
  return {
    chat: (...answers) => chat.push(...answers),
    extraction: (...answers) => extraction.push(...answers),
    extractionRequests: () => fake.chatRequests().filter(isExtraction),
    replyRequests: () => fake.chatRequests().filter((r) => !isExtraction(r)),
  };
}

/** The system message holding the memory block of a reply request, or ''. */
export function memoryBlockOf(request: RecordedRequest | undefined): string {
  const messages = (request?.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const block = messages.find(
    (m) => m.role === 'system' && typeof m.content === 'string' && m.content.includes('USER MEMORIES'),
  );
  return typeof block?.content === 'string' ? block.content : '';
}
