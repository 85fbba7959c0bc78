/**
 * Memory search latency of the embedded SQLite store (sqlite-vec + FTS5) as the store grows.
 *
 *   npx tsx bench/memory-search.ts                         # 1k, 10k, 100k memories over 100 users
 *   npx tsx bench/memory-search.ts --sizes 1000,20000 --users 100 --queries 300
 *   npx tsx bench/memory-search.ts --heavy 0.1             # the searched user owns 10% of all memories
 *
 * Memories are realistic sentences with random unit vectors (1536 dimensions, like text-embedding-3-small),
 * spread evenly over the users (or, with --heavy, a share for the searched user). Each query searches one user
 * the way the memory engine does: scope { userId, agentId }, conversation turns excluded, k = 20. "both" is one
 * vector search plus one text search (the engine runs both for every retrieval).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/index.js';
import {
  createSqliteMemoryStore,
  type MemoryRecord,
  type MemoryScope,
  memoryHash,
} from '../src/memory/index.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    users: { type: 'string', default: '100' },
    dim: { type: 'string', default: '1536' },
    queries: { type: 'string', default: '200' },
    heavy: { type: 'string', default: '0' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const users = Number(values.users);
const dimension = Number(values.dim);
const queries = Number(values.queries);
const heavyShare = Number(values.heavy);
const K = 20;

// A small deterministic PRNG so runs are comparable.
let seed = 42;
const random = (): number => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

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

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(2)} / ${percentile(sorted, 99).toFixed(2)}`;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'clara-bench-memory-'));
  const db = await openDatabase({ dataDir });
  const sqlite = db.sqlite;
  if (!sqlite) throw new Error('expected the SQLite database');
  const store = createSqliteMemoryStore({ db: sqlite, dimension });
  await store.open();
  const target: MemoryScope = { userId: 'discord-target', agentId: 'clara' };
  const rows: string[][] = [];
  let stored = 0;
  let targetCount = 0;
  try {
    for (const size of sizes) {
      const started = performance.now();
      sqlite.exec('begin');
      for (; stored < size; stored++) {
        const forTarget = heavyShare > 0 ? random() < heavyShare : stored % users === 0;
        const userId = forTarget ? target.userId : `discord-user-${stored % users}`;
        if (forTarget) targetCount++;
        await store.insert(memory(userId, stored), unitVector());
        if (stored % 1000 === 999) sqlite.exec('commit; begin');
      }
      sqlite.exec('commit');
      const buildSeconds = (performance.now() - started) / 1000;

      const vector: number[] = [];
      const text: number[] = [];
      const both: number[] = [];
      const filter = { excludeKinds: ['message'] };
      for (let q = -20; q < queries; q++) {
        const embedding = unitVector();
        const query = `${sentence()}, and ${sentence()}?`;
        const t0 = performance.now();
        await store.vectorSearch(target, embedding, K, filter);
        const t1 = performance.now();
        await store.textSearch(target, query, K, filter);
        const t2 = performance.now();
        if (q < 0) continue; // warm-up
        vector.push(t1 - t0);
        text.push(t2 - t1);
        both.push(t2 - t0);
      }
      rows.push([
        String(size),
        String(targetCount),
        summary(vector),
        summary(text),
        summary(both),
        buildSeconds.toFixed(1),
      ]);
      console.error(`… ${size} memories done`);
    }
  } finally {
    await store.close();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  const header = ['memories', "user's", 'vector p50/p99 ms', 'text p50/p99 ms', 'both p50/p99 ms', 'load s'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
  console.log(
    `SQLite memory search, ${dimension} dims, ${users} users${heavyShare > 0 ? `, searched user owns ${heavyShare * 100}%` : ''}, k=${K}, ${queries} queries`,
  );
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

await main();
