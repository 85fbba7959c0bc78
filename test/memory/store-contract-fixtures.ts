/** Helpers for the memory store contract suite: deterministic records and small vectors. */
import { randomUUID } from 'node:crypto';
import { type MemoryRecord, type MemoryScope, type MemoryStore, memoryHash } from '../../src/memory/index.js';

/** Vector size used by the contract suite. */
export const DIM = 8;

/** What a backend's factory returns for one test. */
export interface StoreFixture {
  /** A store not yet opened (the suite calls `open()`). */
  store: MemoryStore;
  /** Another store over the SAME storage (file, table, collection) built for `dimension`, not yet opened. */
  reopen(dimension: number): Promise<MemoryStore>;
  /** Removes whatever the fixture created (the suite closes the stores itself). */
  cleanup(): Promise<void>;
}

export type MakeStore = (dimension: number) => Promise<StoreFixture>;

export const userA: MemoryScope = { userId: 'discord-111' };
export const userB: MemoryScope = { userId: 'discord-222' };

/** A unit vector from raw components (padded with zeros to `dim`). */
export function vec(components: readonly number[], dim = DIM): Float32Array {
  const out = new Float32Array(dim);
  components.forEach((value, i) => {
    out[i] = value;
  });
  const norm = Math.hypot(...out);
  return out.map((value) => value / norm);
}

/** A unit vector whose cosine similarity with axis 0 is exactly `cos` (in the plane of axes 0 and 1). */
export function atCosine(cos: number, dim = DIM): Float32Array {
  return vec([cos, Math.sqrt(1 - cos * cos)], dim);
}

export const BASE_TIME = Date.parse('2026-03-01T10:00:00.123Z');

/** A fresh record in `scope` (ids are new UUIDs; `minutes` shifts every timestamp). */
export function record(
  scope: MemoryScope,
  text: string,
  extra: Partial<MemoryRecord> & { minutes?: number } = {},
): MemoryRecord {
  const { minutes = 0, ...overrides } = extra;
  const at = new Date(BASE_TIME + minutes * 60_000);
  return {
    id: randomUUID(),
    userId: scope.userId,
    projectId: scope.projectId ?? null,
    agentId: scope.agentId ?? null,
    text,
    kind: 'fact',
    isKey: false,
    hash: memoryHash(text),
    metadata: {},
    sourceMessageIds: [],
    createdAt: at,
    updatedAt: at,
    validFrom: at,
    validTo: null,
    supersedes: null,
    supersededBy: null,
    ...overrides,
  };
}

/** Inserts and returns the stored record (fails the test if it was a duplicate). */
export async function put(
  store: MemoryStore,
  rec: MemoryRecord,
  embedding: Float32Array | null = null,
): Promise<MemoryRecord> {
  const result = await store.insert(rec, embedding);
  if (!result.created) throw new Error(`expected "${rec.text}" to be a new memory`);
  return result.record;
}

export const texts = (records: readonly { text: string }[]): string[] => records.map((r) => r.text);
export const hitTexts = (hits: readonly { record: { text: string } }[]): string[] =>
  hits.map((h) => h.record.text);
