/** Builds the real Clara app for a test: real database (SQLite or PostgreSQL), real LLM clients, a fake LLM server. */
import { type App, buildApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { freshPostgresUrl, freshSqliteDir } from './databases.js';
import type { FakeLlm } from './fake-llm.js';
import { captureStream } from './log-capture.js';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

export interface TestAppOptions {
  backend: Backend;
  fake?: FakeLlm;
  /** Extra env values (override the defaults below). */
  env?: Record<string, string | undefined>;
  /** Reuse a data dir / database from an earlier app (restart tests). */
  dataDir?: string;
  databaseUrl?: string;
  now?: () => Date;
}

export interface TestApp extends App {
  logs: () => string;
  dataDir: string;
  databaseUrl: string | undefined;
}

/**
 * Env that points the `openai` provider at the fake, with no retries and a short timeout. Long-term memory is off
 * here (its LLM calls would interleave with the scripted ones); memory tests turn it on explicitly.
 */
export function fakeLlmEnv(fake: FakeLlm | undefined): Record<string, string> {
  if (!fake) return { LLM_PROVIDER: 'openai', MEMORY_ENABLED: 'false' };
  return {
    MEMORY_ENABLED: 'false',
    LLM_PROVIDER: 'openai',
    CUSTOM_OPENAI_BASE_URL: fake.openaiBaseUrl,
    CUSTOM_OPENAI_API_KEY: 'test-key-not-secret-123',
    CUSTOM_OPENAI_MODEL: 'fake-model',
    LLM_MAX_RETRIES: '0',
    LLM_TIMEOUT_SECONDS: '5',
  };
}

export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await freshSqliteDir('clara-app-'));
  const databaseUrl =
    options.backend === 'postgres' ? (options.databaseUrl ?? (await freshPostgresUrl('app'))) : undefined;
  const env: Record<string, string | undefined> = {
    DATA_DIR: dataDir,
    CLARA_LOG_DIR: 'off',
    LOG_LEVEL: 'warn',
    DEFAULT_TIMEZONE: 'UTC',
    USER_ID: 'tester',
    ...fakeLlmEnv(options.fake),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const config = loadConfig({ env, envFile: false });
  const capture = captureStream();
  const app = await buildApp({ config, logDestination: capture.stream, prettyLogs: false, now: options.now });
  app.jobs.start();
  return Object.assign(app, { logs: capture.text, dataDir, databaseUrl });
}
