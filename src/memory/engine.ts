/**
 * The memory engine the rest of Clara uses: hybrid search (vector + full text in parallel, fused by reciprocal
 * rank, optional recency), LLM extraction that supersedes, and plain add / update / delete over any store.
 * Works with zero setup: without an embedder search is full-text only; without an LLM extraction is skipped.
 * An embedding service that is down never loses memory work: memories are stored without a vector (found by
 * full-text search) and a warning is logged.
 */
import type { Logger } from 'pino';
import type { Llm } from '../llm/index.js';
import { extractMemories } from './extraction/extract.js';
import { fuseRankings } from './fusion.js';
import { graphScope } from './graph/retrieve.js';
import type { GraphStore } from './graph/types.js';
import { createQueryEmbeddings } from './query-embeddings.js';
import { endedRecord, newMemoryRecord, successorRecord } from './record.js';
import type {
  Embedder,
  ListOptions,
  MemoryEngine,
  MemoryFilter,
  MemoryHit,
  MemoryScope,
  MemoryStore,
  SearchOptions,
  StoreHit,
} from './types.js';

export interface MemoryEngineOptions {
  store: MemoryStore;
  /** Absent: full-text search only, memories stored without vectors. */
  embedder?: Embedder | undefined;
  /**
   * Embedder for search queries (reply path): give it few retries and a short timeout so an embeddings outage
   * costs a reply little before search falls back to full text. Defaults to `embedder`.
   */
  searchEmbedder?: Embedder | undefined;
  /** The memory LLM (`createMemoryLlm`); absent: `extract` does nothing. */
  llm?: Llm | undefined;
  logger: Pick<Logger, 'warn' | 'debug' | 'info'>;
  now?: () => Date;
  /** Half-life of the recency decay used when a search asks for `recencyWeight` (default 30 days). */
  recencyHalfLifeDays?: number;
  /**
   * Graph memory (`ENABLE_GRAPH_MEMORY`), already opened: extraction also asks for relations and stores them, and
   * forgetting everything of a user (no project) also clears their graph.
   */
  graph?: GraphStore | undefined;
}

const DEFAULT_SEARCH_LIMIT = 10;
const DEFAULT_LIST_LIMIT = 100;
/** Each ranking fetches more candidates than asked for, so fusion has something to merge. */
const candidatesFor = (limit: number) => Math.min(200, Math.max(20, limit * 3));

const scopeKey = (scope: MemoryScope) =>
  JSON.stringify([scope.userId, scope.projectId ?? null, scope.agentId ?? null]);

export function createMemoryEngine(options: MemoryEngineOptions): MemoryEngine {
  const { store, embedder, llm, graph, logger: log } = options;
  const now = options.now ?? (() => new Date());
  const queryEmbedder = options.searchEmbedder ?? embedder;
  const queries = queryEmbedder ? createQueryEmbeddings(queryEmbedder) : undefined;
  /** Extractions in one scope run one after another (each sees what the previous one wrote). */
  const extractionTails = new Map<string, Promise<unknown>>();

  function embedderFailed(error: unknown, what: string): void {
    log.warn(
      { err: error instanceof Error ? error.message : String(error), model: embedder?.model },
      `Embedding failed while ${what}; continuing without vectors (full-text search only for these memories)`,
    );
  }

  /** Vectors for new memory texts, or nulls (no embedder, or it failed — the memory is still stored). */
  async function embedMany(texts: string[], what: string): Promise<(Float32Array | null)[]> {
    if (!embedder || texts.length === 0) return texts.map(() => null);
    try {
      return await embedder.embed(texts);
    } catch (error) {
      embedderFailed(error, what);
      return texts.map(() => null);
    }
  }

  async function vectorRanking(
    scope: MemoryScope,
    query: string,
    k: number,
    filter: MemoryFilter,
    signal: AbortSignal | undefined,
  ): Promise<StoreHit[]> {
    if (!queries) return [];
    let vector: Float32Array;
    try {
      vector = await queries.get(query);
    } catch (error) {
      embedderFailed(error, 'searching memories');
      return [];
    }
    signal?.throwIfAborted();
    return store.vectorSearch(scope, vector, k, filter);
  }

  async function search(scope: MemoryScope, query: string, opts: SearchOptions = {}): Promise<MemoryHit[]> {
    const text = query.trim();
    if (!text) return [];
    opts.signal?.throwIfAborted();
    const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT;
    const k = candidatesFor(limit);
    const filter = opts.filter ?? {};
    const [vectorHits, textHits] = await Promise.all([
      vectorRanking(scope, text, k, filter, opts.signal),
      store.textSearch(scope, text, k, filter),
    ]);
    return fuseRankings(vectorHits, textHits, {
      limit,
      recencyWeight: opts.recencyWeight ?? 0,
      now: now(),
      ...(options.recencyHalfLifeDays ? { halfLifeDays: options.recencyHalfLifeDays } : {}),
    });
  }

  function requireText(text: string): void {
    if (!text.trim()) throw new Error('A memory needs some text; got an empty string.');
  }

  function serialised<T>(scope: MemoryScope, run: () => Promise<T>): Promise<T> {
    const key = scopeKey(scope);
    const previous = extractionTails.get(key) ?? Promise.resolve();
    const result = previous.then(run, run);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    extractionTails.set(key, tail);
    void tail.then(() => {
      if (extractionTails.get(key) === tail) extractionTails.delete(key);
    });
    return result;
  }

  return {
    async extract(scope, messages, metadata) {
      if (!llm) {
        log.debug({ userId: scope.userId }, 'Memory extraction skipped: no memory LLM is configured');
        return [];
      }
      return serialised(scope, () =>
        extractMemories(
          {
            store,
            llm,
            log,
            search,
            embedMany: (texts) => embedMany(texts, 'storing extracted memories'),
            now,
            graph,
          },
          scope,
          messages,
          metadata,
        ),
      );
    },

    async add(scope, text, addOptions = {}) {
      requireText(text);
      const at = addOptions.at ?? now();
      const record = newMemoryRecord(scope, text, { ...addOptions, at });
      const [vector] = await embedMany([record.text], 'adding a memory');
      const { record: stored, created } = await store.insert(record, vector ?? null);
      return { event: created ? 'ADD' : 'NONE', memory: stored };
    },

    search,

    list: (scope, filter = {}, listOptions: ListOptions = { limit: DEFAULT_LIST_LIMIT }) =>
      store.list(scope, filter, listOptions),

    count: (scope, filter = {}) => store.count(scope, filter),

    get: (scope, id) => store.get(scope, id),

    async update(scope, id, text) {
      requireText(text);
      const old = await store.get(scope, id);
      if (!old || old.validTo !== null) return undefined;
      const at = now();
      const next = successorRecord(scope, old, text, { at, sourceMessageIds: old.sourceMessageIds });
      const [vector] = await embedMany([next.text], 'updating a memory');
      const stored = await store.supersede(scope, old.id, next, vector ?? null, at);
      if (!stored) return undefined;
      return { event: 'UPDATE', memory: stored, previous: endedRecord(old, at, stored.id) };
    },

    delete: (scope, id) => store.invalidate(scope, id, now()),

    async forget(scope, id) {
      const removed = await store.forget(scope, id);
      // The graph is not divided by project: a project's forget leaves the person's relations.
      if (graph && id === undefined && !scope.projectId) {
        const relations = await graph.forget(graphScope(scope));
        log.info({ userId: scope.userId, relations }, 'Graph memory of the user cleared');
      }
      return removed;
    },

    history: (scope, id) => store.history(scope, id),
  };
}
