/**
 * The Qdrant memory store (`@qdrant/js-client-rest`). One point per memory: id = memory id (UUID), vector = its
 * embedding (all zeros with payload `has_vector = false` when it has none; those never take part in vector search),
 * payload = every record field (see `qdrant-payload.ts`). Scope and filters are Qdrant `filter` conditions of every
 * request.
 *
 * - Vector search: Qdrant's filterable HNSW with payload indexes on the scope fields, so filtered results are
 *   complete (Qdrant itself switches to exact search for very selective filters).
 * - Text search: Qdrant's full-text index on `search_terms` (our own words + accent-folded / stemmed / CJK-bigram
 *   terms, whitespace tokenizer) selects the matching points inside Qdrant; Qdrant does not rank them, so they are
 *   ranked here with BM25 (see `qdrant-text.ts`). At most 5 000 matching points per query are ranked.
 * - De-duplication and supersession are check-then-write, serialised per user inside this process. Qdrant has no
 *   transactions or unique constraints: two PROCESSES writing the same memory for the same user at the same moment
 *   can still store it twice (run one writer per Qdrant collection, or use the pgvector store).
 */
import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { redactUrl } from '../../config/index.js';
import type {
  ListOptions,
  MemoryFilter,
  MemoryRecord,
  MemoryScope,
  MemoryStore,
  StoreHit,
} from '../types.js';
import { describeQdrantError, ensureCollection } from './qdrant-collection.js';
import {
  buildFilter,
  exactScopeConditions,
  fromPayload,
  type QdrantCondition,
  type QdrantFilter,
  toPayload,
} from './qdrant-payload.js';
import { reembedQdrant } from './qdrant-reembed.js';
import { rankBm25 } from './qdrant-text.js';
import { queryTerms } from './search-terms.js';
import { isUuid, KeyedLock } from './store-util.js';

export const DEFAULT_QDRANT_COLLECTION = 'clara_memories';
const MAX_TEXT_CANDIDATES = 5000;
const PAGE = 256;

export interface QdrantMemoryStoreOptions {
  /** e.g. http://localhost:6333 */
  url: string;
  apiKey?: string | undefined;
  /** `EMBEDDING_DIMENSIONS` */
  dimension: number;
  /** `MEM0_COLLECTION_NAME` (default `clara_memories`). */
  collection?: string | undefined;
}

export function createQdrantMemoryStore(options: QdrantMemoryStoreOptions): MemoryStore {
  return new QdrantMemoryStore(options);
}

const hasId = (ids: string[]): QdrantCondition => ({ has_id: ids });

class QdrantMemoryStore implements MemoryStore {
  readonly kind = 'qdrant' as const;
  /** Created on open(): the client library is loaded only by processes that use Qdrant. */
  private connected: QdrantClient | undefined;
  private readonly options: QdrantMemoryStoreOptions;
  private readonly collection: string;
  private readonly where: string;
  private readonly locks = new KeyedLock();
  private currentDimension: number;
  private opened = false;

  constructor(options: QdrantMemoryStoreOptions) {
    if (!Number.isInteger(options.dimension) || options.dimension <= 0) {
      throw new Error(`Invalid embedding dimension ${options.dimension} (EMBEDDING_DIMENSIONS)`);
    }
    this.collection = options.collection ?? DEFAULT_QDRANT_COLLECTION;
    this.currentDimension = options.dimension;
    this.where = redactUrl(options.url);
    this.options = options;
  }

  private get client(): QdrantClient {
    if (!this.connected)
      throw new Error(`The Qdrant memory store at ${this.where} is not open: call open() first.`);
    return this.connected;
  }

  get dimension(): number {
    return this.currentDimension;
  }

  /** Runs a Qdrant call, turning client errors into messages that name the server and collection. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof Error && error.name === 'DimensionMismatchError') throw error;
      if (error instanceof Error && error.message.startsWith('The Qdrant collection')) throw error;
      throw new Error(
        `Qdrant ${what} failed at ${this.where} (collection "${this.collection}"): ${describeQdrantError(error)}`,
        { cause: error },
      );
    }
  }

  async open(): Promise<void> {
    if (!this.connected) {
      const { QdrantClient } = await import('@qdrant/js-client-rest');
      this.connected = new QdrantClient({
        url: this.options.url,
        ...(this.options.apiKey ? { apiKey: this.options.apiKey } : {}),
        checkCompatibility: false,
      });
    }
    await this.call('open', () =>
      ensureCollection(this.client, this.collection, this.currentDimension, this.where),
    );
    this.opened = true;
  }

  private assertOpen(): void {
    if (!this.opened) throw new Error('The Qdrant memory store is not open: call open() first');
  }

  private vector(embedding: Float32Array | null): number[] {
    if (embedding === null) return new Array<number>(this.currentDimension).fill(0);
    if (embedding.length !== this.currentDimension) {
      throw new Error(
        `Embedding has ${embedding.length} dimensions but the Qdrant memory store holds ` +
          `${this.currentDimension} (EMBEDDING_DIMENSIONS)`,
      );
    }
    return Array.from(embedding);
  }

  private point(record: MemoryRecord, embedding: Float32Array | null): Schemas['PointStruct'] {
    return { id: record.id, vector: this.vector(embedding), payload: toPayload(record, embedding !== null) };
  }

  private async findOne(filter: QdrantFilter): Promise<MemoryRecord | undefined> {
    const page = await this.call('scroll', () =>
      this.client.scroll(this.collection, { filter, limit: 1, with_payload: true, with_vector: false }),
    );
    const payload = page.points[0]?.payload;
    return payload ? fromPayload(payload) : undefined;
  }

  /** Every matching point (payloads or only ids), following scroll pages up to `cap`. */
  private async scrollAll(filter: QdrantFilter, withPayload: boolean, cap = Number.POSITIVE_INFINITY) {
    const points: Array<{ id: string | number; payload?: Record<string, unknown> | null }> = [];
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.call('scroll', () =>
        this.client.scroll(this.collection, {
          filter,
          limit: Math.min(PAGE, cap - points.length),
          with_payload: withPayload,
          with_vector: false,
          ...(offset === undefined ? {} : { offset }),
        }),
      );
      points.push(...page.points);
      offset = (page.next_page_offset as Schemas['ExtendedPointId'] | null | undefined) ?? undefined;
    } while (offset !== undefined && points.length < cap);
    return points;
  }

  async insert(
    record: MemoryRecord,
    embedding: Float32Array | null,
  ): Promise<{ record: MemoryRecord; created: boolean }> {
    this.assertOpen();
    if (!isUuid(record.id)) throw new Error(`Qdrant memory ids must be UUIDs, got "${record.id}"`);
    const point = this.point(record, embedding);
    return this.locks.run(record.userId, async () => {
      if (record.validTo === null) {
        const existing = await this.findOne({ must: exactScopeConditions(record) });
        if (existing) return { record: existing, created: false };
      }
      const [byId] = await this.call('retrieve', () =>
        this.client.retrieve(this.collection, { ids: [record.id], with_payload: true, with_vector: false }),
      );
      if (byId?.payload) {
        const other = fromPayload(byId.payload);
        if (other.userId === record.userId && other.hash === record.hash)
          return { record: other, created: false };
        throw new Error(
          `A different memory with id ${record.id} already exists in collection "${this.collection}"`,
        );
      }
      await this.call('upsert', () => this.client.upsert(this.collection, { wait: true, points: [point] }));
      return { record, created: true };
    });
  }

  async supersede(
    scope: MemoryScope,
    oldId: string,
    next: MemoryRecord,
    embedding: Float32Array | null,
    at: Date,
  ): Promise<MemoryRecord | undefined> {
    this.assertOpen();
    if (!isUuid(oldId) || !isUuid(next.id)) return undefined;
    const stored: MemoryRecord = { ...next, supersedes: oldId };
    const point = this.point(stored, embedding);
    return this.locks.run(scope.userId, async () => {
      const old = await this.findOne(buildFilter(scope, {}, [hasId([oldId])]));
      if (!old) return undefined;
      const duplicate =
        stored.validTo === null
          ? await this.findOne({ must: exactScopeConditions(stored), must_not: [hasId([oldId])] })
          : undefined;
      const end = {
        set_payload: {
          points: [oldId],
          payload: {
            valid_to: at.toISOString(),
            valid: false,
            updated_at: at.toISOString(),
            superseded_by: duplicate?.id ?? stored.id,
          },
        },
      };
      const operations = duplicate ? [end] : [{ upsert: { points: [point] } }, end];
      await this.call('supersede', () =>
        this.client.batchUpdate(this.collection, { wait: true, operations }),
      );
      return duplicate ?? stored;
    });
  }

  async invalidate(scope: MemoryScope, id: string, at: Date): Promise<boolean> {
    this.assertOpen();
    if (!isUuid(id)) return false;
    return this.locks.run(scope.userId, async () => {
      if (!(await this.findOne(buildFilter(scope, {}, [hasId([id])])))) return false;
      const payload = { valid_to: at.toISOString(), valid: false, updated_at: at.toISOString() };
      await this.call('set payload', () =>
        this.client.setPayload(this.collection, { wait: true, points: [id], payload }),
      );
      return true;
    });
  }

  async get(scope: MemoryScope, id: string): Promise<MemoryRecord | undefined> {
    this.assertOpen();
    if (!isUuid(id)) return undefined;
    return this.findOne(buildFilter(scope, { includeInvalid: true }, [hasId([id])]));
  }

  async history(scope: MemoryScope, id: string): Promise<MemoryRecord[]> {
    const start = await this.get(scope, id);
    if (!start) return [];
    const seen = new Set([start.id]);
    const step = async (nextId: string | null) => {
      if (!nextId || seen.has(nextId) || !isUuid(nextId)) return undefined;
      seen.add(nextId);
      return this.findOne({ must: [{ key: 'user_id', match: { value: scope.userId } }, hasId([nextId])] });
    };
    const older: MemoryRecord[] = [];
    for (let at = await step(start.supersedes); at; at = await step(at.supersedes)) older.unshift(at);
    const newer: MemoryRecord[] = [];
    for (let at = await step(start.supersededBy); at; at = await step(at.supersededBy)) newer.push(at);
    return [...older, start, ...newer];
  }

  async list(scope: MemoryScope, filter: MemoryFilter, options: ListOptions): Promise<MemoryRecord[]> {
    this.assertOpen();
    const offset = Math.max(0, options.offset ?? 0);
    if (options.limit <= 0) return [];
    const direction = options.order === 'oldest' ? 'asc' : 'desc';
    const page = await this.call('scroll', () =>
      this.client.scroll(this.collection, {
        filter: buildFilter(scope, filter),
        limit: offset + options.limit,
        with_payload: true,
        with_vector: false,
        order_by: { key: 'created_at_ms', direction },
      }),
    );
    const sign = direction === 'asc' ? 1 : -1;
    return page.points
      .flatMap((point) => (point.payload ? [fromPayload(point.payload)] : []))
      .sort((a, b) => sign * (a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)))
      .slice(offset, offset + options.limit);
  }

  async count(scope: MemoryScope, filter: MemoryFilter): Promise<number> {
    this.assertOpen();
    const result = await this.call('count', () =>
      this.client.count(this.collection, { filter: buildFilter(scope, filter), exact: true }),
    );
    return result.count;
  }

  async vectorSearch(
    scope: MemoryScope,
    embedding: Float32Array,
    k: number,
    filter: MemoryFilter,
  ): Promise<StoreHit[]> {
    this.assertOpen();
    const query = this.vector(embedding);
    if (k <= 0) return [];
    const withVector: QdrantCondition = { key: 'has_vector', match: { value: true } };
    const result = await this.call('query', () =>
      this.client.query(this.collection, {
        query,
        filter: buildFilter(scope, filter, [withVector]),
        limit: k,
        with_payload: true,
      }),
    );
    return result.points.flatMap((point, index) =>
      point.payload ? [{ record: fromPayload(point.payload), rank: index + 1, score: point.score }] : [],
    );
  }

  async textSearch(scope: MemoryScope, query: string, k: number, filter: MemoryFilter): Promise<StoreHit[]> {
    this.assertOpen();
    const terms = queryTerms(query);
    if (terms.length === 0 || k <= 0) return [];
    const anyTerm: QdrantCondition = {
      should: terms.map((term) => ({ key: 'search_terms', match: { text: term } })),
    };
    const [candidates, total] = await Promise.all([
      this.scrollAll(buildFilter(scope, filter, [anyTerm]), true, MAX_TEXT_CANDIDATES),
      this.count(scope, filter),
    ]);
    const records = candidates.flatMap((point) => (point.payload ? [fromPayload(point.payload)] : []));
    return rankBm25(records, terms, total)
      .slice(0, k)
      .map((hit, index) => ({ record: hit.record, rank: index + 1, score: hit.score }));
  }

  async forget(scope: MemoryScope, id?: string): Promise<number> {
    this.assertOpen();
    return this.locks.run(scope.userId, async () => {
      const ids =
        id === undefined
          ? (await this.scrollAll(buildFilter(scope, { includeInvalid: true }), false)).map((p) =>
              String(p.id),
            )
          : (await this.history(scope, id)).map((record) => record.id);
      for (let i = 0; i < ids.length; i += PAGE) {
        const points = ids.slice(i, i + PAGE);
        await this.call('delete', () => this.client.delete(this.collection, { wait: true, points }));
      }
      return ids.length;
    });
  }

  async reembed(
    embed: (texts: string[]) => Promise<Float32Array[]>,
    dimension: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    this.assertOpen();
    const count = await this.call('re-embedding', () =>
      reembedQdrant({
        client: this.client,
        collection: this.collection,
        from: this.currentDimension,
        dimension,
        embed,
        onProgress,
      }),
    );
    this.currentDimension = dimension;
    return count;
  }

  async close(): Promise<void> {
    this.opened = false;
  }
}
