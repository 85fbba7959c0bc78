/**
 * The Qdrant memory store's point payload (every record field, snake_case, plus search helpers) and the Qdrant
 * `filter` for a scope and a MemoryFilter — sent with every request, never applied to results afterwards.
 */
import type { Schemas } from '@qdrant/js-client-rest';
import type { MemoryFilter, MemoryRecord, MemoryScope } from '../types.js';
import { stemTerms, words } from './search-terms.js';

export type QdrantFilter = Schemas['Filter'];
export type QdrantCondition = Schemas['Condition'];

export interface MemoryPayload {
  [key: string]: unknown;
  id: string;
  user_id: string;
  project_id: string | null;
  agent_id: string | null;
  text: string;
  kind: string;
  is_key: boolean;
  hash: string;
  metadata: Record<string, unknown>;
  source_message_ids: number[];
  created_at: string;
  /** Milliseconds since the epoch: range filters (`since`) and ordering. */
  created_at_ms: number;
  updated_at: string;
  valid_from: string;
  valid_to: string | null;
  /** validTo === null */
  valid: boolean;
  supersedes: string | null;
  superseded_by: string | null;
  /** False for records stored without an embedding (their vector is all zeros and never searched). */
  has_vector: boolean;
  /** Lower-cased words of the text and their extra terms (accent-folded, stemmed, CJK bigrams), space-separated. */
  search_terms: string;
}

/** Payload indexes the store creates (field → Qdrant schema). */
export const PAYLOAD_INDEXES: Record<string, Schemas['PayloadFieldSchema']> = {
  user_id: 'keyword',
  project_id: 'keyword',
  agent_id: 'keyword',
  kind: 'keyword',
  hash: 'keyword',
  is_key: 'bool',
  valid: 'bool',
  has_vector: 'bool',
  created_at_ms: { type: 'integer', lookup: true, range: true },
  search_terms: { type: 'text', tokenizer: 'whitespace', lowercase: true },
};

export function searchTerms(text: string): string {
  const all = new Set(words(text));
  for (const term of stemTerms(text).split(' ')) if (term) all.add(term);
  return [...all].join(' ');
}

export function toPayload(record: MemoryRecord, hasVector: boolean): MemoryPayload {
  return {
    id: record.id,
    user_id: record.userId,
    project_id: record.projectId,
    agent_id: record.agentId,
    text: record.text,
    kind: record.kind,
    is_key: record.isKey,
    hash: record.hash,
    metadata: record.metadata ?? {},
    source_message_ids: [...record.sourceMessageIds],
    created_at: record.createdAt.toISOString(),
    created_at_ms: record.createdAt.getTime(),
    updated_at: record.updatedAt.toISOString(),
    valid_from: record.validFrom.toISOString(),
    valid_to: record.validTo ? record.validTo.toISOString() : null,
    valid: record.validTo === null,
    supersedes: record.supersedes,
    superseded_by: record.supersededBy,
    has_vector: hasVector,
    search_terms: searchTerms(record.text),
  };
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const date = (value: unknown): Date => new Date(String(value));

export function fromPayload(payload: Record<string, unknown>): MemoryRecord {
  return {
    id: String(payload.id),
    userId: String(payload.user_id),
    projectId: str(payload.project_id),
    agentId: str(payload.agent_id),
    text: String(payload.text ?? ''),
    kind: String(payload.kind),
    isKey: payload.is_key === true,
    hash: String(payload.hash),
    metadata: (payload.metadata as Record<string, unknown> | undefined) ?? {},
    sourceMessageIds: Array.isArray(payload.source_message_ids) ? payload.source_message_ids.map(Number) : [],
    createdAt: date(payload.created_at),
    updatedAt: date(payload.updated_at),
    validFrom: date(payload.valid_from),
    validTo: payload.valid_to ? date(payload.valid_to) : null,
    supersedes: str(payload.supersedes),
    supersededBy: str(payload.superseded_by),
  };
}

const match = (key: string, value: string | number | boolean): QdrantCondition => ({ key, match: { value } });

/** `metadata.<key>`, quoting keys that are not plain identifiers (Qdrant JSON path syntax). */
function metadataPath(key: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(key)) return `metadata.${key}`;
  if (key.includes('"'))
    throw new Error(`Metadata key ${JSON.stringify(key)} cannot be filtered on in Qdrant`);
  return `metadata."${key}"`;
}

/** user_id always; project_id when given; agent_id = X OR no agent when given. */
export function scopeConditions(scope: MemoryScope): QdrantCondition[] {
  const must: QdrantCondition[] = [match('user_id', scope.userId)];
  if (scope.projectId != null) must.push(match('project_id', scope.projectId));
  if (scope.agentId != null) {
    must.push({ should: [match('agent_id', scope.agentId), { is_empty: { key: 'agent_id' } }] });
  }
  return must;
}

/** The exact scope of a record (null project/agent must be null), for de-duplication. */
export function exactScopeConditions(record: MemoryRecord): QdrantCondition[] {
  const exact = (key: string, value: string | null): QdrantCondition =>
    value === null ? { is_empty: { key } } : match(key, value);
  return [
    match('user_id', record.userId),
    exact('project_id', record.projectId),
    exact('agent_id', record.agentId),
    match('hash', record.hash),
    match('valid', true),
  ];
}

export function buildFilter(
  scope: MemoryScope,
  filter: MemoryFilter,
  extra: readonly QdrantCondition[] = [],
): QdrantFilter {
  const must = [...scopeConditions(scope), ...extra];
  const mustNot: QdrantCondition[] = [];
  if (filter.kinds && filter.kinds.length > 0) must.push({ key: 'kind', match: { any: [...filter.kinds] } });
  if (filter.excludeKinds && filter.excludeKinds.length > 0) {
    mustNot.push({ key: 'kind', match: { any: [...filter.excludeKinds] } });
  }
  if (filter.isKey !== undefined) must.push(match('is_key', filter.isKey));
  if (!filter.includeInvalid) must.push(match('valid', true));
  if (filter.since) must.push({ key: 'created_at_ms', range: { gte: filter.since.getTime() } });
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    const path = metadataPath(key);
    // Qdrant matches integers, strings and booleans exactly; other numbers need a closed range.
    if (typeof value === 'number' && !Number.isInteger(value)) {
      must.push({ key: path, range: { gte: value, lte: value } });
    } else must.push(match(path, value));
  }
  return mustNot.length > 0 ? { must, must_not: mustNot } : { must };
}
