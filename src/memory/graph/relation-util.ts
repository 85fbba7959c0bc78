/** Small helpers shared by the graph stores: validating a new relation, reading stored provenance. */
import { entityDisplayName, entityKey } from './names.js';
import type { NewRelation } from './types.js';

/** The relation's cleaned parts; throws when a name or the relation is empty. */
export function requireRelationParts(relation: NewRelation): {
  source: string;
  name: string;
  target: string;
} {
  const source = entityDisplayName(relation.source ?? '');
  const target = entityDisplayName(relation.target ?? '');
  const name = (relation.relation ?? '').trim();
  if (!entityKey(source) || !entityKey(target) || !name) {
    throw new Error(
      `A graph relation needs a source, a relation and a target; got ${JSON.stringify([relation.source, relation.relation, relation.target])}.`,
    );
  }
  return { source, name, target };
}

/** Stored JSON array of message ids → numbers (anything else is dropped). */
export function parseMessageIds(text: string | null | undefined): number[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : [];
  } catch {
    return [];
  }
}
