/**
 * Reciprocal rank fusion of the vector and full-text rankings (score = Σ 1 / (k + rank), k = 60), optionally
 * blended with an exponential decay on age so recent memories rise.
 */
import type { MemoryHit, StoreHit } from './types.js';

export const RRF_K = 60;
export const DEFAULT_RECENCY_HALF_LIFE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface FuseOptions {
  limit: number;
  k?: number;
  /** 0 = relevance only … 1 = multiply by the full decay. */
  recencyWeight?: number;
  halfLifeDays?: number;
  now?: Date;
}

/** 1 for a memory created now, 0.5 after one half-life, … (never above 1 for future dates). */
export function recencyDecay(
  createdAt: Date,
  now: Date,
  halfLifeDays = DEFAULT_RECENCY_HALF_LIFE_DAYS,
): number {
  const ageDays = Math.max(0, now.getTime() - createdAt.getTime()) / DAY_MS;
  return 0.5 ** (ageDays / halfLifeDays);
}

export function fuseRankings(
  vectorHits: readonly StoreHit[],
  textHits: readonly StoreHit[],
  options: FuseOptions,
): MemoryHit[] {
  const k = options.k ?? RRF_K;
  const weight = Math.min(1, Math.max(0, options.recencyWeight ?? 0));
  const byId = new Map<string, MemoryHit>();
  const collect = (hits: readonly StoreHit[], which: 'vectorRank' | 'textRank') => {
    for (const hit of hits) {
      const entry = byId.get(hit.record.id) ?? { memory: hit.record, score: 0 };
      entry.score += 1 / (k + hit.rank);
      entry[which] = hit.rank;
      byId.set(hit.record.id, entry);
    }
  };
  collect(vectorHits, 'vectorRank');
  collect(textHits, 'textRank');
  const hits = [...byId.values()];
  if (weight > 0) {
    const now = options.now ?? new Date();
    for (const hit of hits) {
      hit.score *= 1 - weight + weight * recencyDecay(hit.memory.createdAt, now, options.halfLifeDays);
    }
  }
  // Ties (same fused score) keep the more recent memory first, then a stable id order.
  hits.sort(
    (a, b) =>
      b.score - a.score ||
      b.memory.createdAt.getTime() - a.memory.createdAt.getTime() ||
      a.memory.id.localeCompare(b.memory.id),
  );
  return hits.slice(0, options.limit);
}
