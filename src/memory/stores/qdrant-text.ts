/**
 * Relevance ranking for the Qdrant store's text search. Qdrant's full-text index filters (a point matches or not)
 * but does not rank, so the store fetches the matching points of the scope (the filter does the matching, inside
 * Qdrant) and ranks them here with BM25 (k1 = 1.2, b = 0.75): words as written count fully, extra terms
 * (accent-folded forms, stems, CJK bigrams) count half, like the SQLite store's column weights. Document
 * frequencies come from the matching points themselves, which are exactly the points containing a query term.
 */
import type { MemoryRecord } from '../types.js';
import { stemTerms, words } from './search-terms.js';

const K1 = 1.2;
const B = 0.75;
const EXTRA_WEIGHT = 0.5;

interface Doc {
  record: MemoryRecord;
  tf: Map<string, number>;
  length: number;
}

function analyse(record: MemoryRecord): Doc {
  const tf = new Map<string, number>();
  const body = words(record.text);
  for (const word of body) tf.set(word, (tf.get(word) ?? 0) + 1);
  for (const term of stemTerms(record.text).split(' ')) {
    if (term) tf.set(term, (tf.get(term) ?? 0) + EXTRA_WEIGHT);
  }
  return { record, tf, length: Math.max(1, body.length) };
}

/**
 * Ranks `candidates` (the scope's points matching at least one term) best first; `total` is the number of points
 * in the filtered scope (for IDF). Candidates without any term get no score and are dropped.
 */
export function rankBm25(
  candidates: readonly MemoryRecord[],
  terms: readonly string[],
  total: number,
): Array<{ record: MemoryRecord; score: number }> {
  const docs = candidates.map(analyse);
  if (docs.length === 0) return [];
  const avgLength = docs.reduce((sum, doc) => sum + doc.length, 0) / docs.length;
  const n = Math.max(total, docs.length);
  const idf = new Map<string, number>();
  for (const term of terms) {
    const df = docs.filter((doc) => doc.tf.has(term)).length;
    if (df > 0) idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  return docs
    .map((doc) => {
      let score = 0;
      for (const [term, weight] of idf) {
        const tf = doc.tf.get(term);
        if (!tf) continue;
        score += (weight * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.length) / avgLength));
      }
      return { record: doc.record, score };
    })
    .filter((hit) => hit.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.record.createdAt.getTime() - a.record.createdAt.getTime() ||
        (a.record.id < b.record.id ? -1 : 1),
    );
}
