/**
 * The relations a message is about, without an LLM: the scope's known entities that the text mentions (whole
 * words, case- and accent-insensitive) plus the user themself, then their current relations, newest first.
 */
import type { MemoryScope } from '../types.js';
import { mentionedEntities, USER_ENTITY } from './names.js';
import type { GraphRelation, GraphStore } from './types.js';

/** How many of the scope's entity names are checked against a message. */
export const ENTITY_SCAN_LIMIT = 500;

/** The graph is per user and agent: projects do not divide it. */
export const graphScope = (scope: MemoryScope): MemoryScope => ({
  userId: scope.userId,
  agentId: scope.agentId ?? null,
});

export async function relationsAbout(
  graph: GraphStore,
  scope: MemoryScope,
  text: string,
  limit: number,
): Promise<GraphRelation[]> {
  const where = graphScope(scope);
  const names = await graph.entities(where, ENTITY_SCAN_LIMIT);
  const mentioned = mentionedEntities(text, names);
  return graph.neighbours(where, [USER_ENTITY, ...mentioned], limit);
}
