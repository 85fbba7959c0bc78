/** What the workload needs from a memory system; one adapter per system (clara-side.ts, mem0-side.ts). */
export interface ExchangeTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface MemorySystem {
  readonly name: string;
  /** One exchange through the system's LLM extraction (its normal "remember this conversation" path). */
  add(userId: string, exchange: readonly ExchangeTurn[]): Promise<void>;
  /** The texts of the top `limit` memories for `query` within that user. */
  search(userId: string, query: string, limit: number): Promise<string[]>;
  /** Texts of the memories the system would serve for this user now (current ones). */
  list(userId: string): Promise<string[]>;
  close(): Promise<void>;
}

export const EMBEDDING_MODEL = 'text-embedding-3-small';
export const EMBEDDING_DIMENSIONS = 1536;
export const MEMORY_MODEL = 'gpt-4o-mini';
/** The fake accepts any key; a dummy one keeps both SDKs happy. */
export const DUMMY_KEY = 'sk-bench-dummy';
