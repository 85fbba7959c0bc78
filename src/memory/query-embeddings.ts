/**
 * Query embeddings shared between searches: the memory slot runs several searches for one message at once (user,
 * project, participants), and they must cost one embedding call. Concurrent requests for the same text share one
 * promise; recent results are kept in a small LRU; failures are not cached.
 */
import type { Embedder } from './types.js';

export interface QueryEmbeddings {
  get(text: string): Promise<Float32Array>;
}

export function createQueryEmbeddings(embedder: Embedder, capacity = 64): QueryEmbeddings {
  const entries = new Map<string, Promise<Float32Array>>();
  return {
    get(text) {
      const cached = entries.get(text);
      if (cached) {
        entries.delete(text);
        entries.set(text, cached);
        return cached;
      }
      // No caller's signal: the request is shared, so one caller giving up must not fail the others.
      const pending = embedder.embed([text]).then((vectors) => {
        const vector = vectors[0];
        if (!vector) throw new Error(`The embedder (${embedder.model}) returned no vector.`);
        return vector;
      });
      entries.set(text, pending);
      pending.catch(() => {
        if (entries.get(text) === pending) entries.delete(text);
      });
      while (entries.size > capacity) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return pending;
    },
  };
}
