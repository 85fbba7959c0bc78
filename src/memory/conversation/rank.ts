/**
 * Ranking of conversation turns from several rankings of their records (full text over each record variant,
 * vector similarity): reciprocal rank fusion per message, then three conversation-shaped adjustments, each
 * measured on LoCoMo (bench/locomo.ts) and each general to conversations:
 * - answers follow questions: a turn right after a question gains part of that question's score (the question
 *   often holds the words, the answer the fact: "Anything you're excited for?" / "Making a family!");
 * - topics live in sessions: a turn gains a little from the best turns of its own session;
 * - a question naming a participant ("What did Caroline research?") is most often answered by that
 *   participant's own turns, which get a boost (a preference, not a filter).
 */
import { words } from '../stores/sqlite-text-index.js';
import type { MemoryRecord } from '../types.js';

/** Smaller than memory search's 60: the first few places of each ranking matter most for turns. */
export const TURN_RRF_K = 20;
/** Share of a question's score given to the turn that follows it. */
export const ANSWER_SHARE = 0.5;
/** Weight of the session's best turns (sum of its top `SESSION_TOP`) added to each of its turns. */
export const SESSION_WEIGHT = 0.2;
const SESSION_TOP = 3;
/** Turns by a participant named in the query: score × (1 + this). */
export const NAMED_SPEAKER_BOOST = 0.5;

export interface RankedTurn {
  record: MemoryRecord;
  score: number;
  /** Indexes (into the rankings given to `fuseTurnRankings`) of the rankings that contained the turn. */
  sources: Set<number>;
}

const messageId = (record: MemoryRecord) => Number(record.metadata.message_id);

/** Reciprocal rank fusion of record rankings, one entry per message (a message's records share it). */
export function fuseTurnRankings(rankings: readonly (readonly MemoryRecord[])[]): Map<number, RankedTurn> {
  const fused = new Map<number, RankedTurn>();
  rankings.forEach((ranking, r) => {
    ranking.forEach((record, i) => {
      const id = messageId(record);
      const entry = fused.get(id) ?? { record, score: 0, sources: new Set<number>() };
      entry.score += 1 / (TURN_RRF_K + i + 1);
      entry.sources.add(r);
      fused.set(id, entry);
    });
  });
  return fused;
}

/** A turn that answers a candidate question gains `ANSWER_SHARE` of the question's score. */
export function creditAnswers(turns: Map<number, RankedTurn>): void {
  const before = new Map([...turns].map(([id, turn]) => [id, turn.score]));
  for (const turn of turns.values()) {
    const previous = turns.get(Number(turn.record.metadata.prev_message_id));
    if (previous && String(previous.record.metadata.text ?? '').includes('?')) {
      turn.score += ANSWER_SHARE * (before.get(messageId(previous.record)) ?? 0);
    }
  }
}

/** Each turn gains `SESSION_WEIGHT` × the summed scores of its session's best candidate turns. */
export function creditSessions(turns: Map<number, RankedTurn>): void {
  const bySession = new Map<string, number[]>();
  for (const turn of turns.values()) {
    const session = String(turn.record.metadata.session_id ?? '');
    bySession.set(session, [...(bySession.get(session) ?? []), turn.score]);
  }
  const sessionScore = new Map<string, number>();
  for (const [session, scores] of bySession) {
    const top = scores.sort((a, b) => b - a).slice(0, SESSION_TOP);
    sessionScore.set(
      session,
      top.reduce((sum, score) => sum + score, 0),
    );
  }
  for (const turn of turns.values()) {
    turn.score += SESSION_WEIGHT * (sessionScore.get(String(turn.record.metadata.session_id ?? '')) ?? 0);
  }
}

/** True when the query names this speaker: all words of the name, or its first word (3+ letters). */
function named(speaker: string, queryWords: ReadonlySet<string>): boolean {
  const parts = words(speaker);
  const first = parts[0];
  if (!first) return false;
  return parts.every((part) => queryWords.has(part)) || (first.length >= 3 && queryWords.has(first));
}

export function boostNamedSpeakers(turns: Map<number, RankedTurn>, queryWords: readonly string[]): void {
  const query = new Set(queryWords);
  const cache = new Map<string, boolean>();
  for (const turn of turns.values()) {
    const speaker = String(turn.record.metadata.speaker ?? '');
    let isNamed = cache.get(speaker);
    if (isNamed === undefined) {
      isNamed = named(speaker, query);
      cache.set(speaker, isNamed);
    }
    if (isNamed) turn.score *= 1 + NAMED_SPEAKER_BOOST;
  }
}

/** Best first; ties: the more recent turn, then the lower message id. */
export function orderTurns(turns: Iterable<RankedTurn>): RankedTurn[] {
  return [...turns].sort(
    (a, b) =>
      b.score - a.score ||
      b.record.createdAt.getTime() - a.record.createdAt.getTime() ||
      messageId(a.record) - messageId(b.record),
  );
}
