/**
 * Clara's own time per turn: N concurrent conversations against the fake LLM at zero latency, on SQLite and on
 * PostgreSQL. "Own time" = the turn's wall time (engine.handle() call → `done` event) minus the time the fake
 * spent serving that turn's LLM request (measured inside the fake, which runs in its own process).
 *
 *   npm run bench                       # N = 1, 10, 100 on both databases
 *   npm run bench -- --n 10 --db sqlite
 *   npm run bench -- --think 1000        # people pause ~1 s (exponential) between a reply and their next message
 *   npm run bench -- --memory            # with long-term memory retrieval on the reply path
 *
 * With --think 0 (the default) every conversation sends its next message the moment a reply is done: a closed
 * loop that saturates the process, so a turn mostly waits for the other N − 1 conversations.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import type { InboundMessage } from '../src/domain/index.js';
import { startPostgres } from '../test/support/postgres.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', multiple: true },
    db: { type: 'string', multiple: true },
    turns: { type: 'string', default: '1000' },
    /** Mean pause between a reply and the person's next message (exponentially distributed); 0 = none. */
    think: { type: 'string', default: '0' },
    /** Include long-term memory retrieval on the reply path (full-text only; extraction runs in the background). */
    memory: { type: 'boolean', default: false },
  },
});
const concurrencies = (values.n ?? ['1', '10', '100']).map(Number);
const backends = (values.db ?? ['sqlite', 'postgres']) as Array<'sqlite' | 'postgres'>;
const totalTurns = Number(values.turns);
const thinkMs = Number(values.think);

interface FakeProcess {
  llm: string;
  stats: string;
  stop(): void;
}

async function startFake(): Promise<FakeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fake-llm-process.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve) => {
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      if (buffer.includes('\n')) resolve(buffer.split('\n')[0]!);
    });
  });
  const { llm, stats } = JSON.parse(line) as { llm: string; stats: string };
  return { llm, stats, stop: () => child.kill('SIGTERM') };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const ms = (v: number) => `${v.toFixed(2)} ms`;

async function run(
  backend: 'sqlite' | 'postgres',
  n: number,
  fake: FakeProcess,
  databaseUrl: string | undefined,
) {
  const dataDir = await mkdtemp(join(tmpdir(), 'clara-bench-'));
  const config = loadConfig({
    envFile: false,
    env: {
      DATA_DIR: dataDir,
      CLARA_LOG_DIR: 'off',
      LOG_LEVEL: 'warn',
      LLM_PROVIDER: 'openai',
      CUSTOM_OPENAI_BASE_URL: fake.llm,
      CUSTOM_OPENAI_API_KEY: 'bench',
      LLM_MAX_RETRIES: '0',
      MEMORY_ENABLED: values.memory ? 'true' : 'false',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  });
  const app = await buildApp({ config, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
  app.jobs.start();
  const turnsEach = Math.max(5, Math.ceil(totalTurns / n));
  const warmup = Math.min(2, turnsEach - 1);
  const walls = new Map<string, number>();

  async function conversation(c: number) {
    for (let t = 0; t < turnsEach; t++) {
      const content = `conversation ${c} turn ${t}: tell me something nice`;
      const message: InboundMessage = {
        platform: 'web',
        userId: `bench-${c}`,
        userName: `user${c}`,
        displayName: `User ${c}`,
        conversationId: `web-bench-${c}`,
        conversationTitle: 'Bench',
        content,
        environment: { kind: 'web' },
      };
      const started = performance.now();
      let ok = false;
      for await (const event of app.engine.handle(message)) {
        if (event.type === 'done') ok = true;
        if (event.type === 'error') throw new Error(`turn failed: ${event.message}`);
      }
      if (ok && t >= warmup) walls.set(content, performance.now() - started);
      if (thinkMs > 0)
        await new Promise((resolve) => setTimeout(resolve, -Math.log(1 - Math.random()) * thinkMs));
    }
  }

  await fetch(fake.stats); // reset the fake's records
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: n }, (_, c) => conversation(c)));
  const elapsed = performance.now() - began;
  const cpu = process.cpuUsage(cpuBefore);
  const served = (await (await fetch(fake.stats)).json()) as Record<string, number>;
  await app.jobs.idle();
  await app.stop();

  const own: number[] = [];
  const wall: number[] = [];
  const fakeTimes: number[] = [];
  for (const [content, w] of walls) {
    const f = served[content];
    if (f === undefined) continue;
    own.push(w - f);
    wall.push(w);
    fakeTimes.push(f);
  }
  for (const list of [own, wall, fakeTimes]) list.sort((a, b) => a - b);
  return {
    backend,
    n,
    turns: own.length,
    ownP50: percentile(own, 0.5),
    ownP99: percentile(own, 0.99),
    wallP50: percentile(wall, 0.5),
    wallP99: percentile(wall, 0.99),
    fakeP50: percentile(fakeTimes, 0.5),
    throughput: (n * turnsEach) / (elapsed / 1000),
    /** Clara's process CPU (user + system) per turn, background jobs included. */
    cpuPerTurn: (cpu.user + cpu.system) / 1000 / (n * turnsEach),
  };
}

const fake = await startFake();
const pg = backends.includes('postgres') ? await startPostgres() : undefined;
const rows: Awaited<ReturnType<typeof run>>[] = [];
try {
  for (const backend of backends) {
    for (const n of concurrencies) {
      const url = backend === 'postgres' ? await pg!.createDatabase() : undefined;
      const row = await run(backend, n, fake, url);
      rows.push(row);
      console.log(
        `${thinkMs > 0 ? `think=${thinkMs}ms ` : ''}${backend.padEnd(8)} N=${String(n).padEnd(3)} turns=${String(row.turns).padEnd(5)} ` +
          `own p50 ${ms(row.ownP50)}  p99 ${ms(row.ownP99)} | wall p50 ${ms(row.wallP50)}  p99 ${ms(row.wallP99)} | ` +
          `fake p50 ${ms(row.fakeP50)} | cpu/turn ${ms(row.cpuPerTurn)} | ${row.throughput.toFixed(0)} turns/s`,
      );
    }
  }
} finally {
  fake.stop();
  await pg?.stop();
}
console.log(
  "\nown = turn wall time minus the fake LLM's serving time (target at N=100: p50 < 5 ms, p99 < 25 ms).\n" +
    "cpu/turn = Clara's process CPU time (user + system, background jobs included) divided by the turns;\n" +
    'with a zero-latency LLM every conversation is always runnable, so at N concurrent conversations a turn\n' +
    'waits for the others: own time ≈ N × cpu/turn once the event loop is saturated.',
);
