/**
 * One extraction pass over a batch of exchange messages: one search for the similar existing memories (one
 * embedding of the user text) plus the scope's key memories, one LLM call (plus at most one corrective retry), one embedding call for the new
 * texts, then the decisions are applied with provenance. With graph memory the same call also yields relations.
 */
import type { Logger } from 'pino';
import type { Llm } from '../../llm/index.js';
import type { GraphStore } from '../graph/types.js';
import {
  type ExchangeMessage,
  MEMORY_KINDS,
  type MemoryChange,
  type MemoryHit,
  type MemoryScope,
  type MemoryStore,
  type SearchOptions,
} from '../types.js';
import { applyDecisions } from './apply.js';
import { requestDecisions } from './decide.js';
import { applyRelations, knownRelationLines } from './graph-apply.js';
import { buildExtractionPrompt } from './prompt.js';

/** How many similar existing memories the model sees. */
export const EXISTING_MEMORY_LIMIT = 10;
/**
 * Key memories (where someone lives, works, who their partner is) are the durable facts most likely to be updated
 * by a message that shares no words with them ("I moved to Munich" vs "Lives in Berlin"): the model always sees
 * up to this many of them, besides the similar ones.
 */
export const KEY_MEMORY_LIMIT = 10;
const QUERY_TAIL_CHARS = 2_000;
/** Kinds the model may not ADD/UPDATE/DELETE against: raw turns, feelings and topic mentions are not facts. */
export const NOT_FACT_KINDS = [
  MEMORY_KINDS.message,
  MEMORY_KINDS.emotionalContext,
  MEMORY_KINDS.topicMention,
];

export interface ExtractionDeps {
  store: MemoryStore;
  llm: Llm;
  log: Pick<Logger, 'warn' | 'debug' | 'info'>;
  search: (scope: MemoryScope, query: string, options: SearchOptions) => Promise<MemoryHit[]>;
  /** Embeds new memory texts in one call; nulls when there is no embedder or it failed. */
  embedMany: (texts: string[]) => Promise<(Float32Array | null)[]>;
  now: () => Date;
  /** Graph memory: when set, the same call also extracts relations, applied after the facts. */
  graph?: GraphStore | undefined;
}

/** The user side of the exchange, used to find the memories it may update (the tail when long). */
export function userQueryText(messages: readonly ExchangeMessage[]): string {
  return messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content.trim())
    .filter(Boolean)
    .join('\n')
    .slice(-QUERY_TAIL_CHARS);
}

export async function extractMemories(
  deps: ExtractionDeps,
  scope: MemoryScope,
  messages: readonly ExchangeMessage[],
  metadata: Record<string, unknown> = {},
): Promise<MemoryChange[]> {
  const query = userQueryText(messages);
  if (!query) return [];
  const [hits, keys] = await Promise.all([
    deps.search(scope, query, { limit: EXISTING_MEMORY_LIMIT, filter: { excludeKinds: NOT_FACT_KINDS } }),
    deps.store.list(scope, { isKey: true, excludeKinds: NOT_FACT_KINDS }, { limit: KEY_MEMORY_LIMIT }),
  ]);
  const similar = hits.map((h) => h.memory);
  const shown = new Set(similar.map((m) => m.id));
  const existing = [...similar, ...keys.filter((m) => !shown.has(m.id))];
  const graph = deps.graph;
  const known = graph ? await knownRelationLines(graph, scope, query, deps.log) : undefined;
  const prompt = buildExtractionPrompt(messages, existing, known ? { known } : undefined);
  const { decisions, calls, graph: relations } = await requestDecisions(deps.llm, prompt, deps.log);
  const sourceMessageIds = messages.flatMap((m) => (m.id === undefined ? [] : [m.id]));
  const at = deps.now();
  const changes = await applyDecisions(decisions, {
    store: deps.store,
    scope,
    existing,
    sourceMessageIds,
    metadata,
    at,
    embed: deps.embedMany,
    log: deps.log,
  });
  // After the facts: if the graph store fails, the job's retry finds the facts already stored (no duplicates).
  const graphChanges = graph
    ? await applyRelations(graph, scope, relations, sourceMessageIds, at, deps.log)
    : undefined;
  deps.log.debug(
    {
      userId: scope.userId,
      llmCalls: calls,
      decisions: decisions.length,
      added: changes.filter((c) => c.event === 'ADD').length,
      updated: changes.filter((c) => c.event === 'UPDATE').length,
      deleted: changes.filter((c) => c.event === 'DELETE').length,
      ...(graphChanges ? { relationsAdded: graphChanges.added, relationsEnded: graphChanges.ended } : {}),
    },
    'Memory extraction done',
  );
  return changes;
}
