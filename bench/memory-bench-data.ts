/**
 * Data for the memory search-latency benches (SQLite and pgvector): realistic sentences with random unit vectors,
 * from a small deterministic PRNG so runs (and the two stores) see the same data. Plus percentile helpers.
 */
import { randomUUID } from 'node:crypto';
import { type MemoryRecord, memoryHash } from '../src/memory/index.js';

const NAMES = [
  'Maya',
  'Jonas',
  'my sister',
  'my boss',
  'Priya',
  'grandma',
  'the neighbour',
  'Léa',
  'Tomás',
  'Aiko',
];
const VERBS = [
  'loves',
  'is learning',
  'hates',
  'started',
  'stopped',
  'talked about',
  'is worried about',
  'enjoys',
];
const THINGS = [
  'playing the cello',
  'hiking in the Alps',
  'sourdough baking',
  'the new job at the bakery',
  'running marathons',
  'learning Japanese',
  'the trip to São Paulo',
  'vegetarian cooking',
  'watercolour painting',
  'the dentist appointment',
  'moving to Lisbon',
  'her cat Biscuit',
  'chess openings',
  'the garden tomatoes',
  'night shifts at the hospital',
  'writing a fantasy novel',
];
const WHEN = ['every weekend', 'since last year', 'lately', 'on Tuesdays', 'before work', 'this month', ''];

export interface BenchData {
  random(): number;
  sentence(): string;
  unitVector(): Float32Array;
  /** Memory number `n` of `userId`: 80% for agent "clara", 20% conversation turns, 5% key memories. */
  memory(userId: string, n: number): MemoryRecord;
  /** A query the way the engine sends one: a user message of two clauses. */
  query(): string;
}

export function createBenchData(dimension: number, seed = 42): BenchData {
  let state = seed;
  const random = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const sentence = (): string => `${pick(NAMES)} ${pick(VERBS)} ${pick(THINGS)} ${pick(WHEN)}`.trim();

  function unitVector(): Float32Array {
    const out = new Float32Array(dimension);
    let norm = 0;
    for (let i = 0; i < dimension; i++) {
      const value = random() * 2 - 1;
      out[i] = value;
      norm += value * value;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < dimension; i++) out[i] = (out[i] as number) / norm;
    return out;
  }

  function memory(userId: string, n: number): MemoryRecord {
    const text = `${sentence()} (#${n})`;
    const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000);
    return {
      id: randomUUID(),
      userId,
      projectId: null,
      agentId: random() < 0.8 ? 'clara' : null,
      text,
      kind: random() < 0.2 ? 'message' : 'fact',
      isKey: random() < 0.05,
      hash: memoryHash(text),
      metadata: { source_type: random() < 0.5 ? 'personal' : 'project' },
      sourceMessageIds: [n],
      createdAt: at,
      updatedAt: at,
      validFrom: at,
      validTo: null,
      supersedes: null,
      supersededBy: null,
    };
  }

  return { random, sentence, unitVector, memory, query: () => `${sentence()}, and ${sentence()}?` };
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** "p50 / p99" in milliseconds. */
export function formatPair(pair: { p50: number; p99: number }): string {
  return `${pair.p50.toFixed(2)} / ${pair.p99.toFixed(2)}`;
}

/** Right-aligned columns. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The last line a latency bench prints: its rows as JSON, for the combined `bench:memory` table. */
export interface LatencyReport {
  store: 'sqlite' | 'pgvector';
  dimension: number;
  users: number;
  queries: number;
  k: number;
  rows: {
    memories: number;
    userMemories: number;
    vector: { p50: number; p99: number };
    text: { p50: number; p99: number };
    hybrid: { p50: number; p99: number };
    loadSeconds: number;
    indexSeconds?: number;
  }[];
  notes: string[];
}

export const p50p99 = (samples: readonly number[]) => ({
  p50: Number(percentile(samples, 50).toFixed(2)),
  p99: Number(percentile(samples, 99).toFixed(2)),
});
