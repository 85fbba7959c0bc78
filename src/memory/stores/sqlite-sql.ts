/**
 * SQL building blocks of the SQLite memory store: table DDL, scope/filter WHERE clauses (named parameters) for the
 * metadata table and for the vec0 KNN pushdown, and row ↔ record mapping. Timestamps are stored as epoch
 * milliseconds (exact Date round trip, cheap comparisons, and usable as a vec0 integer metadata column).
 */
import type { MemoryFilter, MemoryRecord, MemoryScope } from '../types.js';
import { FTS_TOKENIZER } from './sqlite-text-index.js';

export type Params = Record<string, unknown>;

export interface Clause {
  sql: string;
  params: Params;
}

export interface TableNames {
  memories: string;
  meta: string;
  vec: string;
  fts: string;
}

const PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;

export function tableNames(prefix: string): TableNames {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `Invalid memory table prefix "${prefix}": use letters, digits and underscores (starting with a letter).`,
    );
  }
  return { memories: prefix, meta: `${prefix}_meta`, vec: `${prefix}_vec`, fts: `${prefix}_fts` };
}

/** Relational tables and indexes (idempotent). The vec0 table is created separately (it depends on the dimension). */
export function baseDdl(t: TableNames): string {
  return `
create table if not exists ${t.memories} (
  seq integer primary key,
  id text not null unique,
  user_id text not null,
  project_id text,
  agent_id text,
  text text not null,
  kind text not null,
  is_key integer not null default 0,
  hash text not null,
  metadata text not null default '{}',
  source_message_ids text not null default '[]',
  created_at integer not null,
  updated_at integer not null,
  valid_from integer not null,
  valid_to integer,
  supersedes text,
  superseded_by text
);
create unique index if not exists ${t.memories}_current_hash
  on ${t.memories} (user_id, ifnull(project_id, ''), ifnull(agent_id, ''), hash) where valid_to is null;
create index if not exists ${t.memories}_user_created on ${t.memories} (user_id, created_at);
create index if not exists ${t.memories}_user_project_created on ${t.memories} (user_id, project_id, created_at);
create table if not exists ${t.meta} (key text primary key, value text not null);
create virtual table if not exists ${t.fts} using fts5(
  body, stems, content = '', contentless_delete = 1, tokenize = "${FTS_TOKENIZER}"
);`;
}

/**
 * One user's vectors per partition; the other columns are vec0 metadata columns so scope and filters are applied
 * DURING the KNN scan (exact top-k), not after it. Null project/agent are stored as ''.
 *
 * `chunk_size`: vec0 allocates vector storage per partition in whole chunks (default 1024 vectors: 6 MB per user
 * at 1536 dimensions, even for a user with one memory, and a KNN reads the whole chunk). 16 keeps the floor at
 * ~100 KB per user; measured search time for users with 300–3000 memories is the same as with larger chunks.
 */
export function vecDdl(t: TableNames, dimension: number): string {
  return `create virtual table if not exists ${t.vec} using vec0(
  user_id text partition key,
  embedding float[${dimension}] distance_metric=cosine,
  project_id text,
  agent_id text,
  kind text,
  is_key integer,
  current integer,
  created_at integer,
  chunk_size=16
)`;
}

const join = (parts: Clause[]): Clause => ({
  sql: parts.map((part) => part.sql).join(' and '),
  params: Object.assign({}, ...parts.map((part) => part.params)),
});

const given = (value: string | null | undefined): value is string => value !== undefined && value !== null;

/** Scope on the metadata table (alias `m`). */
export function scopeClause(scope: MemoryScope): Clause {
  const parts: Clause[] = [{ sql: 'm.user_id = :s_user', params: { s_user: scope.userId } }];
  if (given(scope.projectId))
    parts.push({ sql: 'm.project_id = :s_project', params: { s_project: scope.projectId } });
  if (given(scope.agentId)) {
    parts.push({ sql: '(m.agent_id = :s_agent or m.agent_id is null)', params: { s_agent: scope.agentId } });
  }
  return join(parts);
}

/** Every filter on the metadata table (alias `m`). Empty `kinds`/`excludeKinds` arrays mean "no condition". */
export function filterClause(filter: MemoryFilter): Clause {
  const parts: Clause[] = [{ sql: '1', params: {} }];
  if (filter.kinds?.length) {
    parts.push({
      sql: 'm.kind in (select value from json_each(:f_kinds))',
      params: { f_kinds: JSON.stringify(filter.kinds) },
    });
  }
  if (filter.excludeKinds?.length) {
    parts.push({
      sql: 'm.kind not in (select value from json_each(:f_xkinds))',
      params: { f_xkinds: JSON.stringify(filter.excludeKinds) },
    });
  }
  if (filter.isKey !== undefined)
    parts.push({ sql: 'm.is_key = :f_key', params: { f_key: filter.isKey ? 1 : 0 } });
  if (filter.since)
    parts.push({ sql: 'm.created_at >= :f_since', params: { f_since: filter.since.getTime() } });
  if (!filter.includeInvalid) parts.push({ sql: 'm.valid_to is null', params: {} });
  const metadata = Object.entries(filter.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [i, [key, value]] of metadata.entries()) parts.push(metadataEquality(i, key, value));
  return join(parts);
}

/** Top-level metadata key equality, type-exact (the string "1", the number 1 and true are different values). */
function metadataEquality(i: number, key: string, value: string | number | boolean): Clause {
  const each = `select 1 from json_each(m.metadata) j where j.key = :f_mk${i}`;
  if (typeof value === 'boolean') {
    return {
      sql: `exists (${each} and j.type = :f_mv${i})`,
      params: { [`f_mk${i}`]: key, [`f_mv${i}`]: `${value}` },
    };
  }
  const type = typeof value === 'number' ? "j.type in ('integer', 'real')" : "j.type = 'text'";
  return {
    sql: `exists (${each} and ${type} and j.atom = :f_mv${i})`,
    params: { [`f_mk${i}`]: key, [`f_mv${i}`]: value },
  };
}

/**
 * Scope and filters as vec0 KNN constraints (no table alias), pushed into the scan. Metadata-key equality cannot be
 * expressed on vec0; the caller applies it on the joined metadata table and widens k when needed.
 */
export function vecClause(scope: MemoryScope, filter: MemoryFilter): Clause {
  const parts: Clause[] = [{ sql: 'user_id = :v_user', params: { v_user: scope.userId } }];
  if (given(scope.projectId))
    parts.push({ sql: 'project_id = :v_project', params: { v_project: scope.projectId } });
  if (given(scope.agentId))
    parts.push({ sql: "agent_id in (:v_agent, '')", params: { v_agent: scope.agentId } });
  if (filter.kinds?.length) {
    parts.push({
      sql: 'kind in (select value from json_each(:v_kinds))',
      params: { v_kinds: JSON.stringify(filter.kinds) },
    });
  }
  // vec0 does not push NOT IN down, but it does push each `!=`.
  for (const [i, kind] of (filter.excludeKinds ?? []).entries()) {
    parts.push({ sql: `kind != :v_xkind${i}`, params: { [`v_xkind${i}`]: kind } });
  }
  if (filter.isKey !== undefined)
    parts.push({ sql: 'is_key = :v_key', params: { v_key: filter.isKey ? 1 : 0 } });
  if (filter.since)
    parts.push({ sql: 'created_at >= :v_since', params: { v_since: filter.since.getTime() } });
  if (!filter.includeInvalid) parts.push({ sql: 'current = 1', params: {} });
  return join(parts);
}

export interface MemoryRow {
  seq: number;
  id: string;
  user_id: string;
  project_id: string | null;
  agent_id: string | null;
  text: string;
  kind: string;
  is_key: number;
  hash: string;
  metadata: string;
  source_message_ids: string;
  created_at: number;
  updated_at: number;
  valid_from: number;
  valid_to: number | null;
  supersedes: string | null;
  superseded_by: string | null;
}

export function rowToRecord(row: MemoryRow): MemoryRecord {
  return {
    id: row.id,
    userId: row.user_id,
    projectId: row.project_id,
    agentId: row.agent_id,
    text: row.text,
    kind: row.kind,
    isKey: row.is_key === 1,
    hash: row.hash,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    sourceMessageIds: JSON.parse(row.source_message_ids) as number[],
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    validFrom: new Date(row.valid_from),
    validTo: row.valid_to === null ? null : new Date(row.valid_to),
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
  };
}

/** Named parameters for inserting a record into the metadata table. */
export function recordParams(record: MemoryRecord): Params {
  return {
    id: record.id,
    user_id: record.userId,
    project_id: record.projectId ?? null,
    agent_id: record.agentId ?? null,
    text: record.text,
    kind: record.kind,
    is_key: record.isKey ? 1 : 0,
    hash: record.hash,
    metadata: JSON.stringify(record.metadata ?? {}),
    source_message_ids: JSON.stringify(record.sourceMessageIds ?? []),
    created_at: record.createdAt.getTime(),
    updated_at: record.updatedAt.getTime(),
    valid_from: record.validFrom.getTime(),
    valid_to: record.validTo ? record.validTo.getTime() : null,
    supersedes: record.supersedes ?? null,
    superseded_by: record.supersededBy ?? null,
  };
}

export const MEMORY_COLUMNS =
  'id, user_id, project_id, agent_id, text, kind, is_key, hash, metadata, source_message_ids, ' +
  'created_at, updated_at, valid_from, valid_to, supersedes, superseded_by';
