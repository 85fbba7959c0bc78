/**
 * The production memory store: PostgreSQL + pgvector on `MEM0_DATABASE_URL`.
 *
 * - Scope and filters are conditions of every SQL statement (see `pgvector-sql.ts`).
 * - De-duplication: a partial unique index on (user, project, agent, hash) of current memories; inserts use
 *   `ON CONFLICT DO NOTHING` and then read the existing row, so concurrent identical inserts leave one row.
 * - Vector search: HNSW (cosine). With filters, pgvector ≥ 0.8 runs an iterative index scan
 *   (`hnsw.iterative_scan = relaxed_order`, results re-sorted here) with `hnsw.ef_search` = max(100, 4·k) (≤ 1000); when
 *   that still returns fewer than k rows (a very selective scope), the query is repeated as an exact scan of the
 *   filtered rows, so filtered results are complete.
 * - Full text: a generated `tsvector` = the text (weight A) under a `simple` text search configuration (+ `unaccent`
 *   when the server has it; no stop words, no language-specific stemming) plus `stems` (weight B): accent-folded
 *   forms, light stems and CJK bigrams computed here (`search-terms.ts`, the same terms as the SQLite store), so
 *   accents fold even without `unaccent`. The query is an OR of its terms, each through `plainto_tsquery` as a
 *   parameter (no tsquery syntax from user text), ranked with `ts_rank_cd` normalised by document length.
 */
import type {
  ListOptions,
  MemoryFilter,
  MemoryRecord,
  MemoryScope,
  MemoryStore,
  StoreHit,
} from '../types.js';
import { MemoryPg, type Queryable, type StoreLogger, silentStoreLogger } from './pg-connection.js';
import { reembedPgvector } from './pgvector-reembed.js';
import { ensureSchema, type SchemaInfo, tableNameError } from './pgvector-schema.js';
import {
  insertStatement,
  type MemoryRow,
  orTsquery,
  Params,
  quoteIdent,
  RECORD_COLUMNS,
  rowToRecord,
  scopeConditions,
  vectorLiteral,
  whereClause,
} from './pgvector-sql.js';
import { isUuid } from './store-util.js';

export const DEFAULT_MEMORY_TABLE = 'clara_memories';

export interface PgvectorMemoryStoreOptions {
  /** `MEM0_DATABASE_URL` */
  url: string;
  /** `EMBEDDING_DIMENSIONS` */
  dimension: number;
  /** `MEM0_COLLECTION_NAME` (default `clara_memories`). */
  table?: string;
  logger?: StoreLogger;
  /** Pool size (default 5). */
  maxConnections?: number;
}

export function createPgvectorMemoryStore(options: PgvectorMemoryStoreOptions): MemoryStore {
  return new PgvectorMemoryStore(options);
}

/** Chain of versions containing $1 (restricted to one user), with position: negative = older. */
const chainCte = (table: string) => `with recursive back(id, supersedes, depth) as (
    select id, supersedes, 0 from ${table} where id = $1 and user_id = $2
    union all
    select t.id, t.supersedes, b.depth - 1 from ${table} t join back b on t.id = b.supersedes
      where t.user_id = $2 and b.depth > -10000
  ), fwd(id, superseded_by, depth) as (
    select id, superseded_by, 0 from ${table} where id = $1 and user_id = $2
    union all
    select t.id, t.superseded_by, f.depth + 1 from ${table} t join fwd f on t.id = f.superseded_by
      where t.user_id = $2 and f.depth < 10000
  ), chain as (select id, depth from back union select id, depth from fwd)`;

class PgvectorMemoryStore implements MemoryStore {
  readonly kind = 'pgvector' as const;
  private readonly db: MemoryPg;
  private readonly table: string;
  private readonly t: string;
  private readonly logger: StoreLogger;
  private currentDimension: number;
  private schema: SchemaInfo | undefined;
  private closed = false;

  constructor(options: PgvectorMemoryStoreOptions) {
    this.table = options.table ?? DEFAULT_MEMORY_TABLE;
    const invalid = tableNameError(this.table);
    if (invalid) throw new Error(invalid);
    if (!Number.isInteger(options.dimension) || options.dimension <= 0) {
      throw new Error(`Invalid embedding dimension ${options.dimension} (EMBEDDING_DIMENSIONS)`);
    }
    this.t = quoteIdent(this.table);
    this.currentDimension = options.dimension;
    this.logger = options.logger ?? silentStoreLogger;
    this.db = new MemoryPg({
      url: options.url,
      logger: this.logger,
      ...(options.maxConnections ? { max: options.maxConnections } : {}),
    });
  }

  get dimension(): number {
    return this.currentDimension;
  }

  async open(): Promise<void> {
    this.schema = await ensureSchema(this.db, this.table, this.currentDimension, this.logger);
  }

  private get info(): SchemaInfo {
    if (!this.schema) throw new Error('The pgvector memory store is not open: call open() first');
    return this.schema;
  }

  private assertOpen(): void {
    if (!this.schema) throw new Error('The pgvector memory store is not open: call open() first');
  }

  private embeddingParam(embedding: Float32Array | null): string | null {
    if (embedding === null) return null;
    if (embedding.length !== this.currentDimension) {
      throw new Error(
        `Embedding has ${embedding.length} dimensions but the pgvector memory store holds ` +
          `${this.currentDimension} (EMBEDDING_DIMENSIONS)`,
      );
    }
    return vectorLiteral(embedding);
  }

  async insert(
    record: MemoryRecord,
    embedding: Float32Array | null,
  ): Promise<{ record: MemoryRecord; created: boolean }> {
    const vector = this.embeddingParam(embedding);
    this.assertOpen();
    return this.db.transaction((client) => this.insertWith(client, record, vector));
  }

  private async insertWith(
    client: Queryable,
    record: MemoryRecord,
    vector: string | null,
  ): Promise<{ record: MemoryRecord; created: boolean }> {
    const insert = insertStatement(this.table, record, vector, `vector(${this.currentDimension})`);
    const inserted = await client.query<MemoryRow>(
      `${insert.text} on conflict do nothing returning ${RECORD_COLUMNS}`,
      insert.values,
    );
    const row = inserted.rows[0];
    if (row) return { record: rowToRecord(row), created: true };
    const existing = await client.query<MemoryRow>(
      `select ${RECORD_COLUMNS} from ${this.t} where user_id = $1 and coalesce(project_id, '') = ` +
        `coalesce($2, '') and coalesce(agent_id, '') = coalesce($3, '') and hash = $4 and valid_to is null`,
      [record.userId, record.projectId, record.agentId, record.hash],
    );
    if (existing.rows[0]) return { record: rowToRecord(existing.rows[0]), created: false };
    const byId = await client.query<MemoryRow>(`select ${RECORD_COLUMNS} from ${this.t} where id = $1`, [
      record.id,
    ]);
    if (byId.rows[0] && byId.rows[0].user_id === record.userId && byId.rows[0].hash === record.hash) {
      return { record: rowToRecord(byId.rows[0]), created: false };
    }
    throw new Error(`A different memory with id ${record.id} already exists in table "${this.table}"`);
  }

  async supersede(
    scope: MemoryScope,
    oldId: string,
    next: MemoryRecord,
    embedding: Float32Array | null,
    at: Date,
  ): Promise<MemoryRecord | undefined> {
    if (!isUuid(oldId)) return undefined;
    const vector = this.embeddingParam(embedding);
    this.assertOpen();
    return this.db.transaction(async (client) => {
      const p = new Params();
      const ended = await client.query(
        `update ${this.t} set valid_to = ${p.add(at)}, updated_at = $1, superseded_by = ${p.add(next.id)} ` +
          `where id = ${p.add(oldId)} and valid_to is null and ${scopeConditions(p, scope).join(' and ')} ` +
          'returning id',
        p.values,
      );
      if (ended.rows.length === 0) return undefined;
      const stored = await this.insertWith(client, { ...next, supersedes: oldId }, vector);
      if (!stored.created) {
        // The new text equals another current memory: the old one now points at that memory.
        await client.query(`update ${this.t} set superseded_by = $1 where id = $2`, [
          stored.record.id,
          oldId,
        ]);
      }
      return stored.record;
    });
  }

  async invalidate(scope: MemoryScope, id: string, at: Date): Promise<boolean> {
    if (!isUuid(id)) return false;
    const p = new Params();
    const rows = await this.db.query(
      `update ${this.t} set valid_to = ${p.add(at)}, updated_at = $1 where id = ${p.add(id)} ` +
        `and valid_to is null and ${scopeConditions(p, scope).join(' and ')} returning id`,
      p.values,
    );
    return rows.length > 0;
  }

  async get(scope: MemoryScope, id: string): Promise<MemoryRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const p = new Params();
    const rows = await this.db.query<MemoryRow>(
      `select ${RECORD_COLUMNS} from ${this.t} where id = ${p.add(id)} and ` +
        scopeConditions(p, scope).join(' and '),
      p.values,
    );
    return rows[0] ? rowToRecord(rows[0]) : undefined;
  }

  async history(scope: MemoryScope, id: string): Promise<MemoryRecord[]> {
    if (!(await this.get(scope, id))) return [];
    const rows = await this.db.query<MemoryRow>(
      `${chainCte(this.t)} select ${RECORD_COLUMNS} from ${this.t} join chain using (id) ` +
        'order by chain.depth, created_at',
      [id, scope.userId],
    );
    return rows.map(rowToRecord);
  }

  async list(scope: MemoryScope, filter: MemoryFilter, options: ListOptions): Promise<MemoryRecord[]> {
    const p = new Params();
    const where = whereClause(p, scope, filter);
    const direction = options.order === 'oldest' ? 'asc' : 'desc';
    const rows = await this.db.query<MemoryRow>(
      `select ${RECORD_COLUMNS} from ${this.t} where ${where} order by created_at ${direction}, id ${direction} ` +
        `limit ${p.add(Math.max(0, options.limit))} offset ${p.add(Math.max(0, options.offset ?? 0))}`,
      p.values,
    );
    return rows.map(rowToRecord);
  }

  async count(scope: MemoryScope, filter: MemoryFilter): Promise<number> {
    const p = new Params();
    const rows = await this.db.query<{ n: string }>(
      `select count(*) as n from ${this.t} where ${whereClause(p, scope, filter)}`,
      p.values,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async vectorSearch(
    scope: MemoryScope,
    embedding: Float32Array,
    k: number,
    filter: MemoryFilter,
  ): Promise<StoreHit[]> {
    const vector = this.embeddingParam(embedding);
    const info = this.info;
    if (k <= 0) return [];
    const p = new Params();
    const distance = `${info.embeddingExpr} <=> ${p.add(vector)}::${info.queryCast}`;
    const where = whereClause(p, scope, filter);
    const limit = p.add(k);
    const select = `select ${RECORD_COLUMNS}, ${distance} as distance from ${this.t} where embedding is not null and ${where}`;
    let rows: Array<MemoryRow & { distance: number }> = [];
    if (info.index !== 'none') {
      rows = await this.db.transaction(async (client) => {
        const efSearch = String(Math.min(1000, Math.max(100, k * 4)));
        await client.query(
          info.iterativeScan
            ? `select set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`
            : `select set_config('hnsw.ef_search', $1, true)`,
          [efSearch],
        );
        return (await client.query(`${select} order by distance limit ${limit}`, p.values)).rows;
      });
    }
    if (rows.length < k) {
      // An exact scan of the filtered rows ("+ 0" keeps the planner off the HNSW index).
      rows = await this.db.query(`${select} order by (${distance}) + 0 limit ${limit}`, p.values);
    }
    return rows
      .filter((row) => Number.isFinite(row.distance))
      .sort((a, b) => a.distance - b.distance)
      .map((row, index) => ({ record: rowToRecord(row), rank: index + 1, score: 1 - row.distance }));
  }

  async textSearch(scope: MemoryScope, query: string, k: number, filter: MemoryFilter): Promise<StoreHit[]> {
    const info = this.info;
    if (k <= 0) return [];
    const p = new Params();
    const tsquery = orTsquery(p, info.textConfig.replace(/'/g, "''"), query);
    if (!tsquery) return [];
    const where = whereClause(p, scope, filter);
    const rows = await this.db.query<MemoryRow & { score: number }>(
      `with q as (select ${tsquery} as query) ` +
        `select ${RECORD_COLUMNS}, ts_rank_cd(fts, q.query, 1) as score from ${this.t}, q ` +
        `where fts @@ q.query and ${where} order by score desc, created_at desc, id limit ${p.add(k)}`,
      p.values,
    );
    return rows.map((row, index) => ({
      record: rowToRecord(row),
      rank: index + 1,
      score: Number(row.score),
    }));
  }

  async forget(scope: MemoryScope, id?: string): Promise<number> {
    if (id === undefined) {
      const p = new Params();
      const rows = await this.db.query(
        `delete from ${this.t} where ${scopeConditions(p, scope).join(' and ')} returning id`,
        p.values,
      );
      return rows.length;
    }
    if (!(await this.get(scope, id))) return 0;
    const rows = await this.db.query(
      `${chainCte(this.t)} delete from ${this.t} where id in (select id from chain) returning id`,
      [id, scope.userId],
    );
    return rows.length;
  }

  async reembed(
    embed: (texts: string[]) => Promise<Float32Array[]>,
    dimension: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<number> {
    const info = this.info;
    const result = await reembedPgvector({
      db: this.db,
      table: this.table,
      dimension,
      embed,
      onProgress,
    });
    this.schema = { ...info, ...result.plan };
    this.currentDimension = dimension;
    return result.count;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.end();
  }
}
