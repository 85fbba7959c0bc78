/** Helpers for the graph store contract suite: scopes, times and readable relation triples. */
import type { GraphRelation, GraphStore, MemoryScope, NewRelation } from '../../src/memory/index.js';

/** What a backend's factory returns for one test. */
export interface GraphFixture {
  /** A store over fresh, empty storage, not yet opened (the suite calls `open()` and `close()`). */
  store: GraphStore;
  /** Removes whatever the fixture created (called after the store is closed). */
  cleanup(): Promise<void>;
}

export type MakeGraphStore = () => Promise<GraphFixture>;

export const userA: MemoryScope = { userId: 'discord-111' };
export const userB: MemoryScope = { userId: 'discord-222' };

/** Milliseconds are not zero on purpose: dates must round-trip exactly. */
export const BASE_TIME = Date.parse('2026-03-01T10:00:00.123Z');
export const at = (minutes: number): Date => new Date(BASE_TIME + minutes * 60_000);

/** `source -relation-> target` */
export const triple = (r: Pick<GraphRelation, 'source' | 'relation' | 'target'>): string =>
  `${r.source} -${r.relation}-> ${r.target}`;

export const triples = (relations: readonly GraphRelation[]): string[] => relations.map(triple);

/** Triples sorted, for comparisons where the order is not part of the contract. */
export const sortedTriples = (relations: readonly GraphRelation[]): string[] => triples(relations).sort();

export const current = (relations: readonly GraphRelation[]): GraphRelation[] =>
  relations.filter((r) => r.validTo === null);

/** `rel('user', 'lives_in', 'Berlin', { exclusive: true })` */
export const rel = (
  source: string,
  relation: string,
  target: string,
  extra: Partial<NewRelation> = {},
): NewRelation => ({ source, relation, target, ...extra });

/** Adds one relation at minute `minutes` with provenance `[minutes]`. */
export const addAt = (
  store: GraphStore,
  scope: MemoryScope,
  minutes: number,
  ...relations: NewRelation[]
): Promise<GraphRelation[]> => store.add(scope, relations, [minutes], at(minutes));
