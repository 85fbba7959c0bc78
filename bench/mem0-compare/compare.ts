/**
 * Clara's memory engine side by side with the `mem0ai` npm package (OSS `Memory`), on the same workload, the same
 * fake LLM and the same fake embedder, in one run. Prints a table, then one JSON line with every number.
 *
 *   npm run bench:mem0                                   # installs this folder's own deps when missing
 *   npx tsx bench/mem0-compare/compare.ts --adds 100 --searches 200 --limit 5
 *
 * Fairness: one fake LLM process answers both systems with the same rule-based "intelligence" (responder.ts): the
 * same facts from the user's "I …" sentences, and the same contradiction judgement, expressed in whatever JSON each
 * system's prompt asks for. Whether a system asks for decisions and applies them is what is measured. Both use
 * 1536-dimension fake embeddings (texts sharing words are closer) and store on local SQLite files in a temp dir.
 *
 * Counting: the fake records every request; phases run one after another, so the requests made between a phase's
 * start and end are that phase's. Prompt tokens = characters of all message contents / 4.
 *
 * Nothing leaves the machine: the systems talk to 127.0.0.1 only, and any other `fetch` (mem0's telemetry, if it
 * were on) is refused and counted (`outboundBlocked`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startClara } from './clara-side.js';
import type { RequestSummary } from './fake-process.js';
import { loadMem0, startMem0 } from './mem0-side.js';
import type { MemorySystem } from './system.js';
import { CONTRADICTION, DUPLICATE_EXCHANGE, exchange, idealMemoryCount, query } from './workload.js';

const { values } = parseArgs({
  options: {
    adds: { type: 'string', default: '100' },
    searches: { type: 'string', default: '200' },
    limit: { type: 'string', default: '5' },
  },
});
const ADDS = Number(values.adds);
const SEARCHES = Number(values.searches);
const LIMIT = Number(values.limit);
const CONCURRENT = 5;
/** Facts in DUPLICATE_EXCHANGE: the ideal memory count after the concurrent identical adds. */
const DUPLICATE_FACTS = 2;
/** Rounds of concurrent identical adds (each on a fresh user): the outcome of a race varies from run to run. */
const DUPLICATE_TRIALS = 3;

let outboundBlocked = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    outboundBlocked++;
    return Promise.reject(new Error(`bench: outbound request to ${url.host} blocked`));
  }
  return realFetch(input, init);
};

interface FakeProcess {
  llm: string;
  since(from: number): Promise<{ total: number; requests: RequestSummary[] }>;
  stop(): void;
}

async function startFake(): Promise<FakeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fake-process.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`the fake LLM process exited early (code ${code})`)));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      if (buffer.includes('\n')) resolve(buffer.split('\n')[0] as string);
    });
  });
  const { llm, stats } = JSON.parse(line) as { llm: string; stats: string };
  return {
    llm,
    async since(from) {
      const response = await realFetch(`${stats}?from=${from}`);
      return (await response.json()) as { total: number; requests: RequestSummary[] };
    },
    stop: () => {
      child.stdin.end();
      child.kill('SIGTERM');
    },
  };
}

const percentile = (samples: number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface PhaseCounts {
  llmCalls: number;
  promptTokens: number;
  maxPromptTokens: number;
  embeddingCalls: number;
  unknownPrompts: number;
}

function countRequests(requests: RequestSummary[]): PhaseCounts {
  const chats = requests.filter((r) => r.protocol === 'openai' || r.protocol === 'anthropic');
  const tokens = chats.map((r) => (r.chars ?? 0) / 4);
  return {
    llmCalls: chats.length,
    promptTokens: tokens.reduce((a, b) => a + b, 0),
    maxPromptTokens: Math.max(0, ...tokens),
    embeddingCalls: requests.filter((r) => r.protocol === 'embeddings').length,
    unknownPrompts: chats.filter((r) => r.prompt === 'unknown').length,
  };
}

export interface SystemResult {
  system: string;
  add: { p50: number; p99: number; n: number };
  search: { p50: number; p99: number; n: number };
  llmCallsPerAdd: number;
  promptTokensPerAdd: number;
  promptTokensMaxAdd: number;
  embeddingCallsPerAdd: number;
  llmCallsPerSearch: number;
  embeddingCallsPerSearch: number;
  memoriesAfterAdds: number;
  /** Current "User lives in …" memories of the main user (ideal 1: the latest). */
  residencesAfterAdds: number;
  concurrentDuplicates: { adds: number; factsInExchange: number; memoriesPerTrial: number[] };
  contradiction: { results: string[]; stale: number; current: number; memories: number };
  unrecognisedPrompts: number;
}

async function measure(system: MemorySystem, fake: FakeProcess): Promise<SystemResult> {
  const mark = async () => (await fake.since(Number.MAX_SAFE_INTEGER)).total;
  // Warm-up (first-call setup, statement caches, connection pools): not measured, not counted.
  await system.add('warmup', exchange(1_000));
  await system.search('warmup', 'a warm-up question that no measured search repeats', LIMIT);

  let from = await mark();
  const addMs: number[] = [];
  for (let i = 0; i < ADDS; i++) {
    const t0 = performance.now();
    await system.add('main', exchange(i));
    addMs.push(performance.now() - t0);
  }
  const adds = countRequests((await fake.since(from)).requests);

  from = await mark();
  const searchMs: number[] = [];
  for (let i = 0; i < SEARCHES; i++) {
    const t0 = performance.now();
    await system.search('main', query(i), LIMIT);
    searchMs.push(performance.now() - t0);
  }
  const searches = countRequests((await fake.since(from)).requests);
  const mainMemories = await system.list('main');

  from = await mark();
  const duplicates: number[] = [];
  for (let trial = 0; trial < DUPLICATE_TRIALS; trial++) {
    const user = `duplicates-${trial}`;
    await Promise.all(Array.from({ length: CONCURRENT }, () => system.add(user, DUPLICATE_EXCHANGE)));
    duplicates.push((await system.list(user)).length);
  }

  await system.add('mover', CONTRADICTION.before);
  await system.add('mover', CONTRADICTION.after);
  const results = await system.search('mover', CONTRADICTION.question, LIMIT);
  const rest = countRequests((await fake.since(from)).requests);

  return {
    system: system.name,
    add: { p50: round(percentile(addMs, 50)), p99: round(percentile(addMs, 99)), n: ADDS },
    search: { p50: round(percentile(searchMs, 50)), p99: round(percentile(searchMs, 99)), n: SEARCHES },
    llmCallsPerAdd: round(adds.llmCalls / ADDS),
    promptTokensPerAdd: Math.round(adds.promptTokens / ADDS),
    promptTokensMaxAdd: Math.round(adds.maxPromptTokens),
    embeddingCallsPerAdd: round(adds.embeddingCalls / ADDS),
    llmCallsPerSearch: round(searches.llmCalls / SEARCHES),
    embeddingCallsPerSearch: round(searches.embeddingCalls / SEARCHES),
    memoriesAfterAdds: mainMemories.length,
    residencesAfterAdds: mainMemories.filter((text) => /\blives in\b/i.test(text)).length,
    concurrentDuplicates: {
      adds: CONCURRENT,
      factsInExchange: DUPLICATE_FACTS,
      memoriesPerTrial: duplicates,
    },
    contradiction: {
      results,
      stale: results.filter((text) => /berlin/i.test(text)).length,
      current: results.filter((text) => /munich/i.test(text)).length,
      memories: (await system.list('mover')).length,
    },
    unrecognisedPrompts: adds.unknownPrompts + searches.unknownPrompts + rest.unknownPrompts,
  };
}

function printTable(results: SystemResult[], mem0Error: string | undefined): void {
  const rows: [string, (r: SystemResult) => string][] = [
    [`add latency p50 / p99 ms (${ADDS} exchanges)`, (r) => `${r.add.p50} / ${r.add.p99}`],
    [`search latency p50 / p99 ms (${SEARCHES} queries)`, (r) => `${r.search.p50} / ${r.search.p99}`],
    ['LLM calls per add', (r) => String(r.llmCallsPerAdd)],
    ['prompt tokens per add (chars/4), mean', (r) => String(r.promptTokensPerAdd)],
    ['prompt tokens of the largest add', (r) => String(r.promptTokensMaxAdd)],
    ['embedding calls per add', (r) => String(r.embeddingCallsPerAdd)],
    ['LLM calls per search', (r) => String(r.llmCallsPerSearch)],
    ['embedding calls per search', (r) => String(r.embeddingCallsPerSearch)],
    [`memories after the ${ADDS} adds (ideal ${idealMemoryCount(ADDS)})`, (r) => String(r.memoriesAfterAdds)],
    [`current "lives in" memories after the ${ADDS} adds (ideal 1)`, (r) => String(r.residencesAfterAdds)],
    [
      `${CONCURRENT} identical adds at once (${DUPLICATE_FACTS} facts) → memories, ${DUPLICATE_TRIALS} trials`,
      (r) => r.concurrentDuplicates.memoriesPerTrial.join(' / '),
    ],
    [
      `"${CONTRADICTION.question}" top ${LIMIT}: Berlin (stale) / Munich`,
      (r) => `${r.contradiction.stale} / ${r.contradiction.current}`,
    ],
    ['memories of the user who moved', (r) => String(r.contradiction.memories)],
  ];
  const names = results.map((r) => r.system);
  if (mem0Error) names.push('mem0');
  const width = Math.max(...rows.map(([label]) => label.length));
  const col = 18;
  console.log(`${''.padEnd(width)}  ${names.map((n) => n.padStart(col)).join('')}`);
  for (const [label, cell] of rows) {
    const cells = results.map((r) => cell(r).padStart(col));
    if (mem0Error) cells.push('n/a'.padStart(col));
    console.log(`${label.padEnd(width)}  ${cells.join('')}`);
  }
  for (const r of results) {
    console.log(
      `${r.system} answered "${CONTRADICTION.question}" with: ${JSON.stringify(r.contradiction.results)}`,
    );
  }
  if (mem0Error) console.log(`mem0 could not run: ${mem0Error}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'clara-bench-mem0-'));
  const fake = await startFake();
  const results: SystemResult[] = [];
  let mem0Error: string | undefined;
  try {
    const clara = await startClara(fake.llm, dir);
    try {
      results.push(await measure(clara, fake));
    } finally {
      await clara.close();
    }
    console.error('… Clara done');
    try {
      const mem0 = await startMem0(await loadMem0(dir), fake.llm, dir);
      results.push(await measure(mem0, fake));
      await mem0.close();
      console.error('… mem0 done');
    } catch (error) {
      mem0Error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    }
  } finally {
    fake.stop();
    await rm(dir, { recursive: true, force: true });
  }
  printTable(results, mem0Error);
  const byName = Object.fromEntries(results.map((r) => [r.system, r]));
  console.log(
    JSON.stringify({
      adds: ADDS,
      searches: SEARCHES,
      limit: LIMIT,
      embeddingDimensions: 1536,
      idealMemoriesAfterAdds: idealMemoryCount(ADDS),
      outboundBlocked,
      ...byName,
      ...(mem0Error ? { mem0: { error: mem0Error.split('\n')[0] } } : {}),
    }),
  );
}

await main();
