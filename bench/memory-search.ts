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
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/index.js';
import { createSqliteMemoryStore, type MemoryScope } from '../src/memory/index.js';
import { createBenchData, formatPair, formatTable, type LatencyReport, p50p99 } from './memory-bench-data.js';

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
const data = createBenchData(dimension);
const { random } = data;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'clara-bench-memory-'));
  const db = await openDatabase({ dataDir });
  const sqlite = db.sqlite;
  if (!sqlite) throw new Error('expected the SQLite database');
  const store = createSqliteMemoryStore({ db: sqlite, dimension });
  await store.open();
  const target: MemoryScope = { userId: 'discord-target', agentId: 'clara' };
  const rows: LatencyReport['rows'] = [];
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
        await store.insert(data.memory(userId, stored), data.unitVector());
        if (stored % 1000 === 999) sqlite.exec('commit; begin');
      }
      sqlite.exec('commit');
      const buildSeconds = (performance.now() - started) / 1000;

      const vector: number[] = [];
      const text: number[] = [];
      const both: number[] = [];
      const filter = { excludeKinds: ['message'] };
      for (let q = -20; q < queries; q++) {
        const embedding = data.unitVector();
        const query = data.query();
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
      rows.push({
        memories: size,
        userMemories: targetCount,
        vector: p50p99(vector),
        text: p50p99(text),
        hybrid: p50p99(both),
        loadSeconds: Number(buildSeconds.toFixed(1)),
      });
      console.error(`… ${size} memories done`);
    }
  } finally {
    await store.close();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  console.log(
    `SQLite memory search, ${dimension} dims, ${users} users${heavyShare > 0 ? `, searched user owns ${heavyShare * 100}%` : ''}, k=${K}, ${queries} queries`,
  );
  console.log(
    formatTable(
      ['memories', "user's", 'vector p50/p99 ms', 'text p50/p99 ms', 'both p50/p99 ms', 'load s'],
      rows.map((r) => [
        String(r.memories),
        String(r.userMemories),
        formatPair(r.vector),
        formatPair(r.text),
        formatPair(r.hybrid),
        r.loadSeconds.toFixed(1),
      ]),
    ),
  );
  const report: LatencyReport = {
    store: 'sqlite',
    dimension,
    users,
    queries,
    k: K,
    rows,
    notes: ['"both" = one vector search then one text search (better-sqlite3 is synchronous)'],
  };
  console.log(JSON.stringify(report));
}

await main();
