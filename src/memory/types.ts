/**
 * Clara's long-term memory: the shared types, the store contract every backend implements (SQLite + sqlite-vec +
 * FTS5, PostgreSQL + pgvector, Qdrant), the embedder contract and the engine the rest of Clara uses.
 *
 * Scope is enforced INSIDE every store query (never by filtering results afterwards):
 * - `userId` is always required and always filtered on;
 * - `projectId`, when given, restricts reads to that project (writes record it);
 * - `agentId` (persona), when given, restricts reads to that agent's memories OR memories without an agent
 *   (profile bootstrap writes none); writes record it.
 */

export interface MemoryScope {
  userId: string;
  projectId?: string | null;
  agentId?: string | null;
}

/** Well-known kinds (`memory_type` in the original's metadata); stores treat it as an opaque string. */
export const MEMORY_KINDS = {
  fact: 'fact',
  emotionalContext: 'emotional_context',
  topicMention: 'topic_mention',
  /** A raw conversation turn indexed for conversation search (scope userId = the conversation owner). */
  message: 'message',
} as const;

export interface MemoryRecord {
  /** UUID */
  id: string;
  userId: string;
  projectId: string | null;
  agentId: string | null;
  text: string;
  kind: string;
  /** Foundational, durable fact (identity, relationships, profession, constraints): always shown. */
  isKey: boolean;
  /** Hash of the normalised text (see `memoryHash`); with the scope it de-duplicates current memories. */
  hash: string;
  /** Free-form JSON-safe metadata (channel, sentiment, topic, dia_id …). */
  metadata: Record<string, unknown>;
  /** Provenance: ids of the main database's `messages` rows this memory came from. */
  sourceMessageIds: number[];
  createdAt: Date;
  updatedAt: Date;
  validFrom: Date;
  /** When the memory stopped being true (superseded or deleted); null while current. */
  validTo: Date | null;
  /** Id of the memory this one replaced. */
  supersedes: string | null;
  /** Id of the memory that replaced this one. */
  supersededBy: string | null;
}

/** Conditions pushed down into the store query (never applied to results afterwards). */
export interface MemoryFilter {
  kinds?: readonly string[];
  /** Exclude these kinds (e.g. conversation turns from memory search). */
  excludeKinds?: readonly string[];
  isKey?: boolean;
  /** Also return memories that are no longer valid (default: current ones only). */
  includeInvalid?: boolean;
  /** createdAt ≥ since */
  since?: Date;
  /** Equality on top-level metadata keys. */
  metadata?: Readonly<Record<string, string | number | boolean>>;
}

export interface ListOptions {
  limit: number;
  offset?: number;
  /** Default newest first (by createdAt). */
  order?: 'newest' | 'oldest';
}

export interface StoreHit {
  record: MemoryRecord;
  /** 1-based rank within this search. */
  rank: number;
  /** Backend score: cosine similarity for vectors (higher is better), BM25-like relevance for text. */
  score: number;
}

export interface MemoryStore {
  readonly kind: 'sqlite' | 'pgvector' | 'qdrant';
  /** Vector size this store was built with. */
  readonly dimension: number;
  /**
   * Creates tables/indexes/collections when missing. A store built with another vector size is refused with a
   * `DimensionMismatchError` whose message says how to re-embed (`clara memory reembed`).
   */
  open(): Promise<void>;
  /**
   * Stores a memory unless a current one with the same scope (user, project, agent) and hash exists; then the
   * existing record is returned with `created: false`. Safe under concurrent identical inserts (one row results).
   * `embedding` is null when no embedder is configured (the memory is then found by full-text search only).
   */
  insert(
    record: MemoryRecord,
    embedding: Float32Array | null,
  ): Promise<{ record: MemoryRecord; created: boolean }>;
  /**
   * Atomically ends `oldId` (validTo = at, supersededBy = next.id) and stores `next` (with supersedes = oldId).
   * Returns undefined when `oldId` is not a current memory in this scope.
   */
  supersede(
    scope: MemoryScope,
    oldId: string,
    next: MemoryRecord,
    embedding: Float32Array | null,
    at: Date,
  ): Promise<MemoryRecord | undefined>;
  /** Ends a current memory without a successor (a DELETE decision). False when not found in this scope. */
  invalidate(scope: MemoryScope, id: string, at: Date): Promise<boolean>;
  get(scope: MemoryScope, id: string): Promise<MemoryRecord | undefined>;
  /** Every version in the supersession chain that contains `id`, oldest first. */
  history(scope: MemoryScope, id: string): Promise<MemoryRecord[]>;
  list(scope: MemoryScope, filter: MemoryFilter, options: ListOptions): Promise<MemoryRecord[]>;
  count(scope: MemoryScope, filter: MemoryFilter): Promise<number>;
  /** Nearest neighbours by cosine similarity among records that have an embedding. */
  vectorSearch(
    scope: MemoryScope,
    embedding: Float32Array,
    k: number,
    filter: MemoryFilter,
  ): Promise<StoreHit[]>;
  /** Full-text relevance search (not English-only), best first. */
  textSearch(scope: MemoryScope, query: string, k: number, filter: MemoryFilter): Promise<StoreHit[]>;
  /**
   * Hard delete for privacy requests: one memory and all its versions, or (no id) everything in the scope.
   * Returns the number of rows removed.
   */
  forget(scope: MemoryScope, id?: string): Promise<number>;
  /**
   * Replaces every stored embedding (any scope) using `embed`, rebuilding the vector index for `dimension`.
   * Returns the number of records re-embedded.
   */
  reembed(
    embed: (texts: string[]) => Promise<Float32Array[]>,
    dimension: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<number>;
  close(): Promise<void>;
}

export class DimensionMismatchError extends Error {
  constructor(
    readonly storeDimension: number,
    readonly configuredDimension: number,
    where: string,
  ) {
    super(
      `The memory store at ${where} holds ${storeDimension}-dimensional vectors, but the embedder is configured for ` +
        `${configuredDimension} (EMBEDDING_MODEL / EMBEDDING_DIMENSIONS). Run \`clara memory reembed\` to re-embed ` +
        `every memory with the new model, or set EMBEDDING_DIMENSIONS=${storeDimension} and the model you used before.`,
    );
    this.name = 'DimensionMismatchError';
  }
}

export interface Embedder {
  readonly model: string;
  readonly dimension: number;
  /** One vector per text, in order; batched internally. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export type MemoryEvent = 'ADD' | 'UPDATE' | 'DELETE' | 'NONE';

export interface MemoryChange {
  event: MemoryEvent;
  /** The memory as it is now (for DELETE: the ended memory). */
  memory: MemoryRecord;
  /** For UPDATE: the version that was superseded. */
  previous?: MemoryRecord;
}

export interface MemoryHit {
  memory: MemoryRecord;
  /** Fused score (reciprocal rank fusion, optionally weighted by recency); higher is better. */
  score: number;
  vectorRank?: number;
  textRank?: number;
}

export interface ExchangeMessage {
  role: 'user' | 'assistant';
  content: string;
  /** `messages.id` in the main database (provenance). */
  id?: number;
  /** Display name of the speaker in group channels. */
  name?: string;
}

export interface AddOptions {
  kind?: string;
  isKey?: boolean;
  metadata?: Record<string, unknown>;
  sourceMessageIds?: number[];
  /** Defaults to now. */
  at?: Date;
}

export interface SearchOptions {
  limit?: number;
  filter?: MemoryFilter;
  /** 0 (default) = relevance only; 1 = strongly prefer recent memories. */
  recencyWeight?: number;
  signal?: AbortSignal;
}

/** What the rest of Clara uses. */
export interface MemoryEngine {
  /**
   * Extracts facts about the USER from an exchange with one LLM call and applies ADD / UPDATE / DELETE / NONE
   * decisions against similar existing memories (UPDATE and DELETE supersede; nothing is overwritten in place).
   */
  extract(
    scope: MemoryScope,
    messages: readonly ExchangeMessage[],
    metadata?: Record<string, unknown>,
  ): Promise<MemoryChange[]>;
  /** Stores a memory as given, without an LLM (profile bootstrap, emotional context, topic mentions). */
  add(scope: MemoryScope, text: string, options?: AddOptions): Promise<MemoryChange>;
  /** Vector and full-text search in parallel, fused by reciprocal rank; one embedding call, no LLM call. */
  search(scope: MemoryScope, query: string, options?: SearchOptions): Promise<MemoryHit[]>;
  list(scope: MemoryScope, filter?: MemoryFilter, options?: ListOptions): Promise<MemoryRecord[]>;
  count(scope: MemoryScope, filter?: MemoryFilter): Promise<number>;
  get(scope: MemoryScope, id: string): Promise<MemoryRecord | undefined>;
  /** Replaces a memory's text: the old version is kept with validTo, the new one links to it. */
  update(scope: MemoryScope, id: string, text: string): Promise<MemoryChange | undefined>;
  /** Ends a memory (kept in history). */
  delete(scope: MemoryScope, id: string): Promise<boolean>;
  /** Hard delete (privacy): one memory with its versions, or everything in the scope. */
  forget(scope: MemoryScope, id?: string): Promise<number>;
  history(scope: MemoryScope, id: string): Promise<MemoryRecord[]>;
}
