/**
 * SQL pieces for the pgvector memory store: parameter collection, the scope/filter WHERE conditions (always inside
 * the query), row ↔ record mapping and a safe full-text query built from free text.
 */
import type { MemoryFilter, MemoryRecord, MemoryScope } from '../types.js';
import { queryTerms, stemTerms } from './search-terms.js';

/** Collects positional parameters: `p.add(value)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** user_id always; project_id when given; agent_id = X OR agent_id IS NULL when given. */
export function scopeConditions(p: Params, scope: MemoryScope): string[] {
  const conditions = [`user_id = ${p.add(scope.userId)}`];
  if (scope.projectId != null) conditions.push(`project_id = ${p.add(scope.projectId)}`);
  if (scope.agentId != null) conditions.push(`(agent_id = ${p.add(scope.agentId)} or agent_id is null)`);
  return conditions;
}

export function filterConditions(p: Params, filter: MemoryFilter): string[] {
  const conditions: string[] = [];
  if (filter.kinds && filter.kinds.length > 0)
    conditions.push(`kind = any(${p.add([...filter.kinds])}::text[])`);
  if (filter.excludeKinds && filter.excludeKinds.length > 0) {
    conditions.push(`kind <> all(${p.add([...filter.excludeKinds])}::text[])`);
  }
  if (filter.isKey !== undefined) conditions.push(`is_key = ${p.add(filter.isKey)}`);
  if (!filter.includeInvalid) conditions.push('valid_to is null');
  if (filter.since) conditions.push(`created_at >= ${p.add(filter.since)}`);
  if (filter.metadata && Object.keys(filter.metadata).length > 0) {
    conditions.push(`metadata @> ${p.add(JSON.stringify(filter.metadata))}::jsonb`);
  }
  return conditions;
}

export function whereClause(p: Params, scope: MemoryScope, filter: MemoryFilter): string {
  return [...scopeConditions(p, scope), ...filterConditions(p, filter)].join(' and ');
}

/** Columns read back for a record (never the embedding or the tsvector). */
export const RECORD_COLUMNS =
  'id, user_id, project_id, agent_id, text, kind, is_key, hash, metadata, source_message_ids, created_at, ' +
  'updated_at, valid_from, valid_to, supersedes, superseded_by';

export interface MemoryRow {
  id: string;
  user_id: string;
  project_id: string | null;
  agent_id: string | null;
  text: string;
  kind: string;
  is_key: boolean;
  hash: string;
  metadata: Record<string, unknown> | null;
  source_message_ids: Array<string | number> | null;
  created_at: Date;
  updated_at: Date;
  valid_from: Date;
  valid_to: Date | null;
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
    isKey: row.is_key,
    hash: row.hash,
    metadata: row.metadata ?? {},
    sourceMessageIds: (row.source_message_ids ?? []).map(Number),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
  };
}

/** pgvector's text input format: `[0.1,0.2,…]`. */
export function vectorLiteral(embedding: Float32Array): string {
  return `[${Array.from(embedding, (x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;
}

/** The INSERT for one record (the caller appends ON CONFLICT / RETURNING). */
export function insertStatement(
  table: string,
  record: MemoryRecord,
  embedding: string | null,
  vectorType: string,
): { text: string; values: unknown[] } {
  const p = new Params();
  const values = [
    p.add(record.id),
    p.add(record.userId),
    p.add(record.projectId),
    p.add(record.agentId),
    p.add(record.text),
    p.add(record.kind),
    p.add(record.isKey),
    p.add(record.hash),
    `${p.add(JSON.stringify(record.metadata ?? {}))}::jsonb`,
    `${p.add(record.sourceMessageIds.map((id) => String(id)))}::bigint[]`,
    p.add(record.createdAt),
    p.add(record.updatedAt),
    p.add(record.validFrom),
    p.add(record.validTo),
    p.add(record.supersedes),
    p.add(record.supersededBy),
    `${p.add(embedding)}::${vectorType}`,
    p.add(stemTerms(record.text)),
  ];
  return {
    text: `insert into ${quoteIdent(table)} (${RECORD_COLUMNS}, embedding, stems) values (${values.join(', ')})`,
    values: p.values,
  };
}

/**
 * An OR of the query's terms (see `search-terms.ts`), each passed as a parameter through `plainto_tsquery` with the
 * store's text search configuration, so no tsquery syntax from user text survives. Null when there is no term.
 */
export function orTsquery(p: Params, config: string, query: string): string | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  return `(${terms.map((term) => `plainto_tsquery('${config}'::regconfig, ${p.add(term)})`).join(' || ')})`;
}
