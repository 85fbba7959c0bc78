/**
 * Hybrid search over one conversation's indexed turns: full text over each record variant (the turn, the turn
 * with its neighbours, the turn in a wider window) and vector similarity of the neighbour records, fused per
 * message and adjusted for conversations (see rank.ts). The scope is the conversation, inside every store query:
 * no other conversation's turns can be returned, whatever the query. The optional speaker filter is a preference
 * within that scope, applied to a widened candidate set.
 */
import {
  MEMORY_KINDS,
  type MemoryFilter,
  type MemoryRecord,
  type MemoryScope,
  type StoreHit,
} from '../types.js';
import { calendarDay } from './dates.js';
import { VARIANTS } from './indexer.js';
import { processQuery } from './query.js';
import {
  boostNamedSpeakers,
  creditAnswers,
  creditSessions,
  fuseTurnRankings,
  orderTurns,
  type RankedTurn,
} from './rank.js';
import type { ConversationHit, ConversationIndex, ConversationSearchOptions } from './types.js';

export const DEFAULT_CONVERSATION_LIMIT = 20;
export const MAX_CONVERSATION_LIMIT = 200;

/** Candidates fetched per ranking for `limit` results (more when a speaker filter thins them out). */
const candidates = (limit: number, filtered: boolean) =>
  Math.min(1_000, Math.max(50, limit * 3) * (filtered ? 5 : 1));

function speakerMatches(record: MemoryRecord, speaker: string | undefined): boolean {
  if (!speaker) return true;
  return String(record.metadata.speaker ?? '')
    .toLowerCase()
    .includes(speaker.toLowerCase());
}

function toHit({ record, score, sources }: RankedTurn, vectorRanking: number): ConversationHit {
  const m = record.metadata;
  return {
    messageId: Number(m.message_id),
    sessionId: String(m.session_id ?? ''),
    role: m.role === 'assistant' ? 'assistant' : 'user',
    speaker: String(m.speaker ?? ''),
    text: String(m.text ?? ''),
    at: record.createdAt,
    score,
    textMatch: [...sources].some((source) => source !== vectorRanking),
  };
}

async function vectorRanking(
  index: ConversationIndex,
  scope: MemoryScope,
  query: string,
  k: number,
  filter: MemoryFilter,
): Promise<StoreHit[]> {
  let vector: Float32Array | undefined;
  try {
    vector = await index.queryVector(query);
  } catch (error) {
    index.logger?.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Embedding the conversation search query failed; searching by full text only',
    );
    return [];
  }
  return vector ? index.store.vectorSearch(scope, vector, k, filter) : [];
}

export async function searchConversation(
  index: ConversationIndex,
  conversationId: string,
  query: string,
  options: ConversationSearchOptions = {},
): Promise<ConversationHit[]> {
  const raw = query.trim();
  if (!raw) return [];
  const limit = Math.min(
    MAX_CONVERSATION_LIMIT,
    Math.max(1, Math.floor(options.limit ?? DEFAULT_CONVERSATION_LIMIT)),
  );
  const mode = options.mode ?? 'hybrid';
  const speaker = options.speaker?.trim() || undefined;
  const k = candidates(limit, speaker !== undefined);
  const scope: MemoryScope = { userId: conversationId };
  const filter: MemoryFilter = {
    kinds: [MEMORY_KINDS.message],
    ...(options.since ? { since: options.since } : {}),
  };
  const processed = processQuery(raw, calendarDay(index.now(), index.timeZone));
  options.signal?.throwIfAborted();

  // One full-text search over every variant (split below), one vector search over the embedded records.
  const [textHits, vectorHits] = await Promise.all([
    mode !== 'vector' && processed.text
      ? index.store.textSearch(scope, processed.text, VARIANTS.length * k, filter)
      : [],
    mode !== 'fulltext' ? vectorRanking(index, scope, raw, k, filter) : [],
  ]);
  options.signal?.throwIfAborted();

  const keep = (hits: StoreHit[]) =>
    hits.map((hit) => hit.record).filter((record) => speakerMatches(record, speaker));
  const rankings = [
    ...VARIANTS.map((variant) =>
      keep(textHits.filter((hit) => hit.record.metadata.variant === variant.name)),
    ),
    keep(vectorHits),
  ];
  const turns = fuseTurnRankings(rankings);
  creditAnswers(turns);
  creditSessions(turns);
  boostNamedSpeakers(turns, processed.words);
  return orderTurns(turns.values())
    .slice(0, limit)
    .map((turn) => toHit(turn, rankings.length - 1));
}
