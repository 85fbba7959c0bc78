import { describe, expect, it } from 'vitest';
import { fuseRankings, RRF_K, recencyDecay } from './fusion.js';
import { newMemoryRecord } from './record.js';
import type { MemoryRecord, StoreHit } from './types.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 86_400_000;

function memory(text: string, ageDays = 0): MemoryRecord {
  return newMemoryRecord({ userId: 'u' }, text, { at: new Date(NOW.getTime() - ageDays * DAY) });
}

const ranked = (records: MemoryRecord[]): StoreHit[] =>
  records.map((record, i) => ({ record, rank: i + 1, score: 1 - i / 10 }));

describe('reciprocal rank fusion', () => {
  const a = memory('a');
  const b = memory('b');
  const c = memory('c');
  const d = memory('d');

  it('scores each memory Σ 1/(60 + rank) over the rankings it appears in', () => {
    const hits = fuseRankings(ranked([a, b, c]), ranked([c, d]), { limit: 10 });
    const score = (m: MemoryRecord) => hits.find((h) => h.memory.id === m.id)?.score;
    expect(RRF_K).toBe(60);
    expect(score(a)).toBeCloseTo(1 / 61, 12);
    expect(score(b)).toBeCloseTo(1 / 62, 12);
    expect(score(c)).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(score(d)).toBeCloseTo(1 / 62, 12);
    expect(hits[0]?.memory.id).toBe(c.id);
    expect(hits[0]).toMatchObject({ vectorRank: 3, textRank: 1 });
    expect(hits.find((h) => h.memory.id === a.id)?.textRank).toBeUndefined();
  });

  it('a memory found by both rankings beats one found first by only one', () => {
    const hits = fuseRankings(ranked([a, b]), ranked([b, c]), { limit: 10 });
    expect(hits.map((h) => h.memory.id)).toEqual([b.id, a.id, c.id]);
  });

  it('cuts to the limit and works with one ranking empty', () => {
    expect(fuseRankings([], ranked([a, b, c]), { limit: 2 }).map((h) => h.memory.id)).toEqual([a.id, b.id]);
    expect(fuseRankings([], [], { limit: 5 })).toEqual([]);
  });
});

describe('recency weighting', () => {
  it('halves the decay every half-life', () => {
    expect(recencyDecay(NOW, NOW)).toBe(1);
    expect(recencyDecay(new Date(NOW.getTime() - 30 * DAY), NOW)).toBeCloseTo(0.5, 12);
    expect(recencyDecay(new Date(NOW.getTime() - 60 * DAY), NOW, 60)).toBeCloseTo(0.5, 12);
    expect(recencyDecay(new Date(NOW.getTime() + DAY), NOW)).toBe(1);
  });

  it('weight 0 keeps relevance order; weight 1 lets a recent memory overtake an old, slightly better one', () => {
    const old = memory('old', 90);
    const fresh = memory('fresh', 0);
    const hits = ranked([old, fresh]);
    expect(fuseRankings(hits, [], { limit: 2, now: NOW }).map((h) => h.memory.id)).toEqual([
      old.id,
      fresh.id,
    ]);
    const weighted = fuseRankings(hits, [], { limit: 2, now: NOW, recencyWeight: 1 });
    expect(weighted.map((h) => h.memory.id)).toEqual([fresh.id, old.id]);
    expect(weighted[1]?.score).toBeCloseTo((1 / 61) * 0.125, 12);
    const half = fuseRankings(hits, [], { limit: 2, now: NOW, recencyWeight: 0.5 });
    expect(half.find((h) => h.memory.id === old.id)?.score).toBeCloseTo((1 / 61) * (0.5 + 0.5 * 0.125), 12);
  });
});
