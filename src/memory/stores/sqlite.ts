/**
 * The embedded memory store: SQLite (the main database's own connection) + sqlite-vec (vectors) + FTS5 (text).
 *
 * Three tables per prefix (default `memories`): `memories` (the records; `seq` is the join key), `memories_vec`
 * (vec0: one partition per user; project, agent, kind, key flag, validity and creation time as vec0 metadata
 * columns so every scope and filter is applied during the KNN scan) and `memories_fts` (FTS5, see
 * sqlite-text-index.ts). `memories_meta` records the vector dimension.
 *
 * Every scope and filter is part of the SQL. Metadata-key equality is the one condition vec0 cannot evaluate; with
 * it, the KNN is widened (up to vec0's k limit of 4096) until enough rows pass, then falls back to an exact scan
 * over the user's filtered rows, so "nearest neighbours all filtered out" still finds the farther matches.
 *
 * better-sqlite3 is synchronous, so each method runs to completion without interleaving with other calls; writes
 * touching several tables run in one transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import {
  DimensionMismatchError,
  type ListOptions,
  type MemoryFilter,
  type MemoryRecord,
  type MemoryScope,
  type MemoryStore,
  type StoreHit,
} from '../types.js';
import {
  chainSql,
  exactVectorSql,
  insertMemorySql,
  insertVectorSql,
  knnSql,
  textSearchSql,
} from './sqlite-queries.js';
import {
  baseDdl,
  type Clause,
  filterClause,
  type MemoryRow,
  type Params,
  recordParams,
  rowToRecord,
  scopeClause,
  tableNames,
  vecClause,
  vecDdl,
} from './sqlite-sql.js';
import { buildMatchExpression, indexColumns } from './sqlite-text-index.js';

export interface SqliteMemoryStoreOptions {
  /** The main database's connection (`MainDatabase.sqlite`); the store never opens or closes it. */
  db: BetterSqlite3.Database;
  /** Embedding size (EMBEDDING_DIMENSIONS). */
  dimension: number;
  /** Table name prefix (default `memories`). */
  table?: string;
}

/** vec0 refuses a larger k. */
const MAX_KNN = 4096;
const REEMBED_BATCH = 100;
const MAX_CACHED_STATEMENTS = 200;

type HitRow = MemoryRow & { distance: number | null; knn_count: number };

export function createSqliteMemoryStore(options: SqliteMemoryStoreOptions): MemoryStore {
  const { db } = options;
  const t = tableNames(options.table ?? 'memories');
  let dimension = checkDimension(options.dimension);
  let opened = false;
  let closed = false;
  const statements = new Map<string, BetterSqlite3.Statement>();

  const where = () => `${db.name} (tables ${t.memories}*)`;

  function stmt(sql: string): BetterSqlite3.Statement {
    if (closed) throw new Error(`The SQLite memory store ${where()} is closed.`);
    if (!opened) throw new Error(`The SQLite memory store ${where()} is not open: call open() first.`);
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size >= MAX_CACHED_STATEMENTS)
        statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
    }
    return statement;
  }

  const scoped = (scope: MemoryScope, filter?: MemoryFilter): Clause => {
    const s = scopeClause(scope);
    if (!filter) return s;
    const f = filterClause(filter);
    return { sql: `${s.sql} and ${f.sql}`, params: { ...s.params, ...f.params } };
  };

  const selectRecords = (sql: string, params: Params): MemoryRecord[] =>
    (stmt(sql).all(params) as MemoryRow[]).map(rowToRecord);

  function findCurrentByHash(record: MemoryRecord): MemoryRow | undefined {
    return stmt(
      `select * from ${t.memories} where user_id = :user and ifnull(project_id, '') = :project ` +
        `and ifnull(agent_id, '') = :agent and hash = :hash and valid_to is null`,
    ).get({
      user: record.userId,
      project: record.projectId ?? '',
      agent: record.agentId ?? '',
      hash: record.hash,
    }) as MemoryRow | undefined;
  }

  function writeVector(seq: number, record: MemoryRecord, embedding: Float32Array): void {
    if (embedding.length !== dimension) {
      throw new Error(
        `Memory ${record.id}: the embedding has ${embedding.length} dimensions but the store ${where()} holds ` +
          `${dimension}-dimensional vectors. Check EMBEDDING_DIMENSIONS, or run \`clara memory reembed\`.`,
      );
    }
    stmt(insertVectorSql(t)).run({
      rowid: BigInt(seq),
      user: record.userId,
      embedding: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength),
      project: record.projectId ?? '',
      agent: record.agentId ?? '',
      kind: record.kind,
      key: record.isKey ? 1 : 0,
      current: record.validTo ? 0 : 1,
      created: record.createdAt.getTime(),
    });
  }

  /** Inserts into all three tables, or returns the current duplicate. Call inside a transaction. */
  function insertRow(record: MemoryRecord, embedding: Float32Array | null) {
    const result = stmt(insertMemorySql(t)).run(recordParams(record));
    if (result.changes === 0) {
      const existing =
        findCurrentByHash(record) ??
        (stmt(`select * from ${t.memories} where id = :id and user_id = :user`).get({
          id: record.id,
          user: record.userId,
        }) as MemoryRow | undefined);
      if (!existing)
        throw new Error(`Cannot store memory ${record.id}: that id is already used by another user.`);
      return { record: rowToRecord(existing), created: false };
    }
    const seq = Number(result.lastInsertRowid);
    stmt(`insert into ${t.fts} (rowid, body, stems) values (:seq, :body, :stems)`).run({
      seq,
      ...indexColumns(record.userId, record.text),
    });
    if (embedding) writeVector(seq, record, embedding);
    return {
      record: rowToRecord(stmt(`select * from ${t.memories} where seq = ?`).get(seq) as MemoryRow),
      created: true,
    };
  }

  function endRow(seq: number, at: Date, supersededBy: string | null): void {
    stmt(
      `update ${t.memories} set valid_to = :at, updated_at = :at, superseded_by = :by where seq = :seq`,
    ).run({ at: at.getTime(), by: supersededBy, seq });
    stmt(`update ${t.vec} set current = 0 where rowid = :rowid`).run({ rowid: BigInt(seq) });
  }

  function currentSeq(scope: MemoryScope, id: string): number | undefined {
    const c = scoped(scope);
    const row = stmt(
      `select m.seq from ${t.memories} m where m.id = :id and m.valid_to is null and ${c.sql}`,
    ).get({
      ...c.params,
      id,
    }) as { seq: number } | undefined;
    return row?.seq;
  }

  /** The supersession chain through `id` (scope applied to every version), oldest first. */
  function chainRows(scope: MemoryScope, id: string): MemoryRow[] {
    const c = scoped(scope);
    return stmt(chainSql(t, c)).all({ ...c.params, id }) as MemoryRow[];
  }

  function deleteSeqs(seqs: readonly number[]): number {
    const delVec = stmt(`delete from ${t.vec} where rowid = :rowid`);
    const delFts = stmt(`delete from ${t.fts} where rowid = :seq`);
    const delRow = stmt(`delete from ${t.memories} where seq = :seq`);
    let removed = 0;
    for (const seq of seqs) {
      delVec.run({ rowid: BigInt(seq) });
      delFts.run({ seq });
      removed += delRow.run({ seq }).changes;
    }
    return removed;
  }

  function knnSearch(scope: MemoryScope, query: Buffer, k: number, filter: MemoryFilter): StoreHit[] {
    const v = vecClause(scope, filter);
    const c = scoped(scope, filter);
    const params = { ...v.params, ...c.params, query, limit: k };
    const hasPostFilter = Object.keys(filter.metadata ?? {}).length > 0;
    let inner = hasPostFilter ? Math.min(MAX_KNN, Math.max(k * 8, 64)) : k;
    if (k <= MAX_KNN) {
      for (;;) {
        const rows = stmt(knnSql(t, v, c)).all({ ...params, inner }) as HitRow[];
        const hits = rows.filter((row) => row.id !== null);
        const saturated = (rows[0]?.knn_count ?? 0) >= inner;
        if (hits.length >= k || !saturated) return toHits(hits);
        if (inner >= MAX_KNN) break;
        inner = Math.min(MAX_KNN, inner * 8);
      }
    }
    // Exact scan over the user's rows that pass every filter (point lookups into vec0 by rowid).
    const rows = stmt(exactVectorSql(t, c)).all(params) as HitRow[];
    return toHits(rows);
  }

  return {
    kind: 'sqlite',
    get dimension() {
      return dimension;
    },

    async open() {
      if (closed) throw new Error(`The SQLite memory store ${where()} is closed.`);
      loadSqliteVec(db);
      db.transaction(() => {
        db.exec(baseDdl(t));
        const row = db.prepare(`select value from ${t.meta} where key = 'dimension'`).get() as
          | { value: string }
          | undefined;
        if (row && Number(row.value) !== dimension) {
          throw new DimensionMismatchError(Number(row.value), dimension, where());
        }
        if (!row)
          db.prepare(`insert into ${t.meta} (key, value) values ('dimension', ?)`).run(String(dimension));
        db.exec(vecDdl(t, dimension));
      })();
      opened = true;
    },

    async insert(record, embedding) {
      return db.transaction(() => insertRow(record, embedding))();
    },

    async supersede(scope, oldId, next, embedding, at) {
      if (next.userId !== scope.userId) {
        throw new Error(`Cannot supersede memory ${oldId}: the new version belongs to another user.`);
      }
      return db.transaction(() => {
        const seq = currentSeq(scope, oldId);
        if (seq === undefined) return undefined;
        endRow(seq, at, next.id);
        const stored = insertRow(
          { ...next, supersedes: oldId, supersededBy: null, validTo: null },
          embedding,
        );
        // The new text equals another current memory: link the old version to that one instead.
        if (!stored.created) endRow(seq, at, stored.record.id);
        return stored.record;
      })();
    },

    async invalidate(scope, id, at) {
      return db.transaction(() => {
        const seq = currentSeq(scope, id);
        if (seq === undefined) return false;
        endRow(seq, at, null);
        return true;
      })();
    },

    async get(scope, id) {
      const c = scoped(scope);
      return selectRecords(`select m.* from ${t.memories} m where m.id = :id and ${c.sql}`, {
        ...c.params,
        id,
      })[0];
    },

    async history(scope, id) {
      return chainRows(scope, id).map(rowToRecord);
    },

    async list(scope, filter, options: ListOptions) {
      const c = scoped(scope, filter);
      const direction = options.order === 'oldest' ? 'asc' : 'desc';
      return selectRecords(
        `select m.* from ${t.memories} m where ${c.sql} ` +
          `order by m.created_at ${direction}, m.seq ${direction} limit :limit offset :offset`,
        { ...c.params, limit: options.limit, offset: options.offset ?? 0 },
      );
    },

    async count(scope, filter) {
      const c = scoped(scope, filter);
      const row = stmt(`select count(*) as n from ${t.memories} m where ${c.sql}`).get(c.params) as {
        n: number;
      };
      return row.n;
    },

    async vectorSearch(scope, embedding, k, filter) {
      if (k <= 0) return [];
      if (embedding.length !== dimension) {
        throw new Error(
          `The query embedding has ${embedding.length} dimensions but the store ${where()} holds ${dimension}. ` +
            'Check EMBEDDING_DIMENSIONS, or run `clara memory reembed`.',
        );
      }
      const query = Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength);
      return knnSearch(scope, query, k, filter);
    },

    async textSearch(scope, query, k, filter) {
      const match = buildMatchExpression(scope.userId, query);
      if (!match || k <= 0) return [];
      const c = scoped(scope, filter);
      const rows = stmt(textSearchSql(t, c)).all({ ...c.params, match, limit: k }) as HitRow[];
      return rows.map((row, i) => ({ record: rowToRecord(row), rank: i + 1, score: -(row.distance ?? 0) }));
    },

    async forget(scope, id) {
      return db.transaction(() => {
        if (id !== undefined) return deleteSeqs(chainRows(scope, id).map((row) => row.seq));
        const c = scoped(scope);
        const rows = stmt(`select m.seq from ${t.memories} m where ${c.sql}`).all(c.params) as {
          seq: number;
        }[];
        return deleteSeqs(rows.map((row) => row.seq));
      })();
    },

    async reembed(embed, newDimension, onProgress) {
      const next = checkDimension(newDimension);
      const withText = `from ${t.memories} where length(trim(text)) > 0`;
      // Dimension and (empty) vector table change together, so an interrupted run leaves a consistent store
      // (memories without vectors are still found by text) that a second run completes.
      const total = db.transaction(() => {
        db.exec(`drop table if exists ${t.vec}`);
        db.exec(vecDdl(t, next));
        db.prepare(`update ${t.meta} set value = ? where key = 'dimension'`).run(String(next));
        return (db.prepare(`select count(*) as n ${withText}`).get() as { n: number }).n;
      })();
      statements.clear();
      dimension = next;
      let done = 0;
      let after = 0;
      onProgress?.(0, total);
      for (;;) {
        const rows = stmt(`select * ${withText} and seq > :after order by seq limit ${REEMBED_BATCH}`).all({
          after,
        }) as MemoryRow[];
        if (rows.length === 0) break;
        const vectors = await embed(rows.map((row) => row.text));
        if (vectors.length !== rows.length) {
          throw new Error(
            `Re-embedding: the embedder returned ${vectors.length} vectors for ${rows.length} texts.`,
          );
        }
        db.transaction(() => {
          rows.forEach((row, i) => {
            stmt(`delete from ${t.vec} where rowid = :rowid`).run({ rowid: BigInt(row.seq) });
            writeVector(row.seq, rowToRecord(row), vectors[i] as Float32Array);
          });
        })();
        after = (rows[rows.length - 1] as MemoryRow).seq;
        done += rows.length;
        onProgress?.(done, total);
      }
      return done;
    },

    async close() {
      statements.clear();
      closed = true;
    },
  };
}

function toHits(rows: HitRow[]): StoreHit[] {
  return rows.map((row, i) => ({ record: rowToRecord(row), rank: i + 1, score: 1 - (row.distance ?? 1) }));
}

function checkDimension(dimension: number): number {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 8192) {
    throw new Error(`Invalid embedding dimension ${dimension}: expected an integer between 1 and 8192.`);
  }
  return dimension;
}

/** Loads sqlite-vec into the connection unless it already is. */
function loadSqliteVec(db: BetterSqlite3.Database): void {
  try {
    db.prepare('select vec_version()').get();
  } catch {
    sqliteVec.load(db);
  }
}
