/**
 * `npm run bench:memory`: memory search latency of the SQLite store (bench/memory-search.ts) and the pgvector
 * store on PGlite (bench/memory-search-pg.ts), each in its own process, one after the other, then one combined table
 * and one JSON line with both reports.
 *
 *   npm run bench:memory
 *   npm run bench:memory -- --sizes 1000,10000 --queries 100      # both stores
 *   npm run bench:memory -- --pg-sizes 1000,20000 --max-seconds 900  # pgvector sizes / time budget per size
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatPair, formatTable, type LatencyReport } from './memory-bench-data.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    'pg-sizes': { type: 'string' },
    queries: { type: 'string', default: '200' },
    'max-seconds': { type: 'string', default: '300' },
  },
});

/** Runs one bench, echoing what it prints; resolves with its last line (the JSON report). */
function runBench(file: string, args: string[]): Promise<LatencyReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, file), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${file} failed (exit code ${code})`));
      try {
        resolve(JSON.parse(last) as LatencyReport);
      } catch {
        reject(new Error(`${file} did not end with its JSON report; last line: ${last.slice(0, 200)}`));
      }
    });
  });
}

const common = ['--queries', values.queries];
const sqlite = await runBench('memory-search.ts', ['--sizes', values.sizes, ...common]);
console.log();
const pgvector = await runBench('memory-search-pg.ts', [
  '--sizes',
  values['pg-sizes'] ?? values.sizes,
  '--max-seconds',
  values['max-seconds'],
  ...common,
]);

console.log(`\nMemory search latency, ${sqlite.dimension} dims, ${sqlite.users} users, k=${sqlite.k}`);
console.log(
  formatTable(
    [
      'store',
      'memories',
      "user's",
      'vector p50/p99 ms',
      'text p50/p99 ms',
      'hybrid p50/p99 ms',
      'load s',
      'index s',
    ],
    [sqlite, pgvector].flatMap((report) =>
      report.rows.map((r) => [
        report.store,
        String(r.memories),
        String(r.userMemories),
        formatPair(r.vector),
        formatPair(r.text),
        formatPair(r.hybrid),
        r.loadSeconds.toFixed(1),
        r.indexSeconds === undefined ? '-' : r.indexSeconds.toFixed(1),
      ]),
    ),
  ),
);
for (const report of [sqlite, pgvector]) {
  for (const note of report.notes) console.log(`${report.store}: ${note}`);
}
console.log(JSON.stringify({ sqlite, pgvector }));
