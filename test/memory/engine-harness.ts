/**
 * A memory engine on real parts for tests: the SQLite store on a better-sqlite3 temp file, the OpenAI-compatible
 * embedder and the memory LLM, both through the real `openai` SDK against the fake LLM server, and a pino logger
 * whose lines the test can read.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import {
  createMemoryEngine,
  createMemoryLlm,
  createOpenAICompatibleEmbedder,
  createSqliteMemoryStore,
  type MemoryEngine,
  type MemoryStore,
} from '../../src/memory/index.js';
import { freshSqliteDir } from '../support/databases.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { captureStream } from '../support/log-capture.js';

export const DIM = 64;
export const MEMORY_MODEL = 'gpt-4o-mini';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Harness {
  engine: MemoryEngine;
  store: MemoryStore;
  logs: () => LogLine[];
  warnings: () => LogLine[];
  /** Moves the engine's clock forward. */
  advance: (ms: number) => void;
  close: () => Promise<void>;
}

export async function startHarness(
  fake: FakeLlm,
  options: { embedder?: boolean; llm?: boolean } = {},
): Promise<Harness> {
  const dir = await freshSqliteDir('clara-memory-engine-');
  const db = new Database(join(dir, 'memory.db'));
  const store = createSqliteMemoryStore({ db, dimension: DIM });
  await store.open();
  const capture = captureStream();
  const logger = pino({ level: 'debug' }, capture.stream);
  let clock = new Date('2025-03-01T10:00:00Z').getTime();
  const embedder =
    options.embedder === false
      ? undefined
      : createOpenAICompatibleEmbedder({
          apiKey: 'sk-embedding',
          baseUrl: fake.openaiBaseUrl,
          model: 'text-embedding-3-small',
          dimension: DIM,
          maxRetries: 0,
        });
  const setup = createMemoryLlm({
    MEM0_PROVIDER: 'openai',
    MEM0_MODEL: MEMORY_MODEL,
    MEM0_API_KEY: 'sk-memory',
    MEM0_BASE_URL: fake.openaiBaseUrl,
  });
  const engine = createMemoryEngine({
    store,
    embedder,
    llm: options.llm === false ? undefined : setup.llm,
    logger,
    now: () => new Date(clock),
  });
  const logs = () => capture.lines().map((line) => JSON.parse(line) as LogLine);
  return {
    engine,
    store,
    logs,
    warnings: () => logs().filter((l) => l.level === 40),
    advance: (ms) => {
      clock += ms;
    },
    close: async () => {
      await store.close();
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The 1-based number the extraction prompt gave the memory whose text starts with `text`. */
export function numberOf(prompt: string, text: string): number {
  const line = prompt.split('\n').find((l) => /^\d+\. /.test(l) && l.replace(/^\d+\. /, '').startsWith(text));
  if (!line) throw new Error(`"${text}" is not among the existing memories in the prompt:\n${prompt}`);
  return Number(line.split('.')[0]);
}

/** The user message (the input part) of a recorded chat request. */
// biome-ignore lint/suspicious/noExplicitAny: recorded JSON bodies
export function promptInput(body: any): string {
  const messages = body.messages as { role: string; content: string }[];
  return messages.find((m) => m.role === 'user')?.content ?? '';
}
