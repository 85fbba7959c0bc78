/**
 * Memory search latency of the PostgreSQL + pgvector store as it grows, on PGlite (PostgreSQL in WebAssembly with
 * pgvector) served over the Postgres wire protocol and queried with the real `pg` driver (test/support/pglite.ts).
 *
 *   npx tsx bench/memory-search-pg.ts                      # 1k, 10k, 100k memories over 100 users (see below)
 *   npx tsx bench/memory-search-pg.ts --sizes 1000,10000 --queries 200 --max-seconds 300
 *
 * Same data and queries as bench/memory-search.ts (SQLite): realistic sentences, random 1536-dim unit vectors,
 * 100 users, scope { userId, agentId }, conversation turns excluded, k = 20. "hybrid" is the vector and the text
 * search started together, as the engine does for every retrieval.
 *
 * Loading: rows go in through the store's own `insert` (same SQL as production) with the HNSW index dropped, then
 * the index is rebuilt with the store's own DDL and timed ("index s"): building once is how a bulk load is done,
 * and much faster than maintaining the graph row by row. PGlite is slow at both (≈ 10 ms per 1536-dim row
 * inserted, ≈ 90 s to build HNSW over 10k rows), so 100k rows would take well over half an hour: a size whose
 * load + build, estimated linearly from the previous size, exceeds --max-seconds (default 300) is skipped and
 * the skip is reported. Each finished size is also printed to stderr at once.
 *
 * Caveat: PGlite is ONE single-threaded WASM PostgreSQL session behind a socket (no parallel index build, no
 * parallel queries, WASM instead of native code): absolute numbers are pessimistic for a real server.
 */
import { parseArgs } from 'node:util';
import { createPgvectorMemoryStore, type MemoryScope, type MemoryStore } from '../src/memory/index.js';
import { hnswIndexName, hnswIndexSql, indexPlan } from '../src/memory/stores/pgvector-schema.js';
import { quoteIdent } from '../src/memory/stores/pgvector-sql.js';
import { startPgliteServer } from '../test/support/pglite.js';
import { createBenchData, formatPair, formatTable, type LatencyReport, p50p99 } from './memory-bench-data.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    users: { type: 'string', default: '100' },
    dim: { type: 'string', default: '1536' },
    queries: { type: 'string', default: '200' },
    'max-seconds': { type: 'string', default: '300' },
    'maintenance-work-mem': { type: 'string', default: '1GB' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const users = Number(values.users);
const dimension = Number(values.dim);
const queries = Number(values.queries);
const maxSeconds = Number(values['max-seconds']);
const maintenanceWorkMem = values['maintenance-work-mem'].replace(/[^0-9A-Za-z]/g, '');
const K = 20;
const TABLE = 'bench_memories';
const data = createBenchData(dimension);

async function main(): Promise<void> {
  const server = await startPgliteServer({ maxConnections: 10 });
  const store: MemoryStore = createPgvectorMemoryStore({
    url: server.url,
    dimension,
    table: TABLE,
  });
  const target: MemoryScope = { userId: 'discord-target', agentId: 'clara' };
  const rows: LatencyReport['rows'] = [];
  const notes = [
    'PGlite: single-threaded WASM PostgreSQL, one session shared by all connections (not a real server)',
    `HNSW built after loading, maintenance_work_mem = ${maintenanceWorkMem}`,
    '"hybrid" = vector and text search started together (as the engine does)',
  ];
  const indexDdl = hnswIndexSql(TABLE, indexPlan(dimension));
  const dropIndex = `drop index if exists ${quoteIdent(hnswIndexName(TABLE))}`;
  let stored = 0;
  let targetCount = 0;
  let last: { rows: number; loadSecondsPerRow: number; indexSecondsPerRow: number } | undefined;
  try {
    await store.open();
    // pgvector's advice for index builds: enough maintenance_work_mem for the whole graph (else it spills to disk
    // and the build slows down many times over). PGlite is one session, so a session SET applies to the build.
    await server.db.exec(`set maintenance_work_mem = '${maintenanceWorkMem}'`);
    for (const size of sizes) {
      if (last) {
        const loadEstimate = last.loadSecondsPerRow * (size - stored);
        const indexEstimate = last.indexSecondsPerRow * size;
        if (loadEstimate + indexEstimate > maxSeconds) {
          const note =
            `${size} memories skipped: loading ≈ ${Math.round(loadEstimate)} s + HNSW build ≈ ` +
            `${Math.round(indexEstimate)} s (linear estimates from ${last.rows} rows; the build grows faster ` +
            `than linearly) > --max-seconds ${maxSeconds}`;
          notes.push(note);
          console.error(`… ${note}`);
          continue;
        }
      }
      await server.db.exec(dropIndex);
      const started = performance.now();
      for (; stored < size; stored++) {
        const forTarget = stored % users === 0;
        const userId = forTarget ? target.userId : `discord-user-${stored % users}`;
        if (forTarget) targetCount++;
        await store.insert(data.memory(userId, stored), data.unitVector());
        if (stored % 10_000 === 9_999) console.error(`  … ${stored + 1} rows`);
      }
      const loadSeconds = (performance.now() - started) / 1000;
      const loadedRows = size - (last?.rows ?? 0);
      const indexStarted = performance.now();
      await server.db.exec(indexDdl);
      await server.db.exec(`analyze ${quoteIdent(TABLE)}`);
      const indexSeconds = (performance.now() - indexStarted) / 1000;
      last = {
        rows: size,
        loadSecondsPerRow: loadSeconds / Math.max(1, loadedRows),
        indexSecondsPerRow: indexSeconds / size,
      };

      const vector: number[] = [];
      const text: number[] = [];
      const hybrid: number[] = [];
      const filter = { excludeKinds: ['message'] };
      for (let q = -20; q < queries; q++) {
        const embedding = data.unitVector();
        const query = data.query();
        const t0 = performance.now();
        await store.vectorSearch(target, embedding, K, filter);
        const t1 = performance.now();
        await store.textSearch(target, query, K, filter);
        const t2 = performance.now();
        await Promise.all([
          store.vectorSearch(target, embedding, K, filter),
          store.textSearch(target, query, K, filter),
        ]);
        const t3 = performance.now();
        if (q < 0) continue; // warm-up
        vector.push(t1 - t0);
        text.push(t2 - t1);
        hybrid.push(t3 - t2);
      }
      const row = {
        memories: size,
        userMemories: targetCount,
        vector: p50p99(vector),
        text: p50p99(text),
        hybrid: p50p99(hybrid),
        loadSeconds: Number(loadSeconds.toFixed(1)),
        indexSeconds: Number(indexSeconds.toFixed(1)),
      };
      rows.push(row);
      console.error(`… ${size} memories done: ${JSON.stringify(row)}`);
    }
  } finally {
    await store.close();
    await server.stop();
  }

  console.log(
    `pgvector (PGlite over the wire) memory search, ${dimension} dims, ${users} users, k=${K}, ${queries} queries`,
  );
  console.log(
    formatTable(
      [
        'memories',
        "user's",
        'vector p50/p99 ms',
        'text p50/p99 ms',
        'hybrid p50/p99 ms',
        'load s',
        'index s',
      ],
      rows.map((r) => [
        String(r.memories),
        String(r.userMemories),
        formatPair(r.vector),
        formatPair(r.text),
        formatPair(r.hybrid),
        r.loadSeconds.toFixed(1),
        (r.indexSeconds ?? 0).toFixed(1),
      ]),
    ),
  );
  for (const note of notes) console.log(`note: ${note}`);
  const report: LatencyReport = { store: 'pgvector', dimension, users, queries, k: K, rows, notes };
  console.log(JSON.stringify(report));
}

await main();
