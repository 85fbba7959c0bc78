/**
 * Graph memory inside an extraction: the known relations shown to the model, and the relations of its answer
 * applied to the graph store with the exchange's message ids as provenance. Ended relations are applied first, so
 * "ended X, started Y" in one answer leaves Y current.
 */
import type { Logger } from 'pino';
import { relationLine } from '../graph/names.js';
import { graphScope, relationsAbout } from '../graph/retrieve.js';
import type { GraphStore } from '../graph/types.js';
import type { MemoryScope } from '../types.js';
import type { RelationParse } from './parse-relations.js';

/** How many known relations the extraction model sees. */
export const KNOWN_RELATIONS_LIMIT = 10;

type Log = Pick<Logger, 'warn' | 'debug'>;

/** Lines for the prompt's "Known relations"; a graph that cannot be read costs the prompt the list, nothing more. */
export async function knownRelationLines(
  graph: GraphStore,
  scope: MemoryScope,
  text: string,
  log: Log,
): Promise<string[]> {
  try {
    return (await relationsAbout(graph, scope, text, KNOWN_RELATIONS_LIMIT)).map(relationLine);
  } catch (error) {
    log.warn(
      { err: error instanceof Error ? error.message : String(error), store: graph.kind },
      'Graph memory could not be read for extraction; asking without the known relations',
    );
    return [];
  }
}

export interface RelationChanges {
  added: number;
  ended: number;
}

/** Applies the answer's relations; a store failure propagates so the extraction job is retried. */
export async function applyRelations(
  graph: GraphStore,
  scope: MemoryScope,
  parsed: RelationParse,
  sourceMessageIds: readonly number[],
  at: Date,
  log: Log,
): Promise<RelationChanges> {
  if (parsed.dropped.length > 0) {
    log.debug({ dropped: parsed.dropped.slice(0, 10) }, 'Memory extraction: unusable relations dropped');
  }
  const where = graphScope(scope);
  let ended = 0;
  for (const match of parsed.endedRelations) ended += await graph.end(where, match, at);
  const added = parsed.relations.length
    ? (await graph.add(where, parsed.relations, sourceMessageIds, at)).length
    : 0;
  return { added, ended };
}
