/**
 * Graph memory (optional, `ENABLE_GRAPH_MEMORY`): who and what the person talks about, and how they relate —
 * "Anna —sister_of→ user", "user —lives_in→ Munich". Relations come from the same extraction call as facts.
 * Stores: the main database by default, Neo4j or Kuzu (`GRAPH_STORE_PROVIDER`), behind this one interface.
 * Scope works as in `../types.ts`: `userId` always filtered on inside every query; `agentId`, when given, matches
 * that agent or none. Relations are never overwritten: ending one sets `validTo`.
 */
import type { MemoryScope } from '../types.js';

export interface NewRelation {
  /** Entity names as the person says them ("Anna", "Munich"); the person themself is `user`. */
  source: string;
  /** lower_snake_case verb phrase: `sister_of`, `lives_in`, `works_at`, `likes`. */
  relation: string;
  target: string;
  sourceType?: string;
  targetType?: string;
  /**
   * The relation holds for one target at a time (lives_in, works_at, married_to): adding it ends the current
   * relations with the same source and relation but another target.
   */
  exclusive?: boolean;
}

export interface GraphRelation {
  id: string;
  userId: string;
  agentId: string | null;
  source: string;
  relation: string;
  target: string;
  sourceType: string | null;
  targetType: string | null;
  createdAt: Date;
  validTo: Date | null;
  /** Provenance: `messages.id` rows the relation came from. */
  sourceMessageIds: number[];
}

export interface RelationMatch {
  source: string;
  relation?: string;
  target?: string;
}

export interface GraphStore {
  readonly kind: 'database' | 'neo4j' | 'kuzu';
  /** Creates tables / constraints / schema when missing. */
  open(): Promise<void>;
  /**
   * Adds relations (entity names matched case- and accent-insensitively). An identical current relation is not
   * duplicated; an `exclusive` one ends the other current targets of the same source and relation.
   * Returns the relations now current that this call created.
   */
  add(
    scope: MemoryScope,
    relations: readonly NewRelation[],
    sourceMessageIds: readonly number[],
    at: Date,
  ): Promise<GraphRelation[]>;
  /** Ends current relations matching `match` (a DELETE decision); returns how many. */
  end(scope: MemoryScope, match: RelationMatch, at: Date): Promise<number>;
  /** Current relations touching any of these entities (as source or target), newest first, up to `limit`. */
  neighbours(scope: MemoryScope, entities: readonly string[], limit: number): Promise<GraphRelation[]>;
  /** Names of the scope's current entities, most recently mentioned first (to spot them in a message). */
  entities(scope: MemoryScope, limit: number): Promise<string[]>;
  /** Every relation of the scope, current and ended (export, tests). */
  all(scope: MemoryScope): Promise<GraphRelation[]>;
  /** Hard delete of everything in the scope (privacy); returns relations removed. */
  forget(scope: MemoryScope): Promise<number>;
  close(): Promise<void>;
}
