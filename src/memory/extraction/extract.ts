/**
 * One extraction pass over a batch of exchange messages: one search for the similar existing memories (one
 * embedding of the user text), one LLM call (plus at most one corrective retry), one embedding call for the new
 * texts, then the decisions are applied with provenance.
 */
import type { Logger } from 'pino';
import type { Llm } from '../../llm/index.js';
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
import { buildExtractionPrompt } from './prompt.js';

/** How many similar existing memories the model sees. */
export const EXISTING_MEMORY_LIMIT = 10;
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
  const hits = await deps.search(scope, query, {
    limit: EXISTING_MEMORY_LIMIT,
    filter: { excludeKinds: NOT_FACT_KINDS },
  });
  const existing = hits.map((h) => h.memory);
  const prompt = buildExtractionPrompt(messages, existing);
  const { decisions, calls } = await requestDecisions(deps.llm, prompt, deps.log);
  const changes = await applyDecisions(decisions, {
    store: deps.store,
    scope,
    existing,
    sourceMessageIds: messages.flatMap((m) => (m.id === undefined ? [] : [m.id])),
    metadata,
    at: deps.now(),
    embed: deps.embedMany,
    log: deps.log,
  });
  deps.log.debug(
    {
      userId: scope.userId,
      llmCalls: calls,
      decisions: decisions.length,
      added: changes.filter((c) => c.event === 'ADD').length,
      updated: changes.filter((c) => c.event === 'UPDATE').length,
      deleted: changes.filter((c) => c.event === 'DELETE').length,
    },
    'Memory extraction done',
  );
  return changes;
}
