import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { fakeLlmEnv } from '../support/app.js';
import { runClara, spawnClara } from '../support/cli.js';
import { freshSqliteDir } from '../support/databases.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';

async function storedMessages(dataDir: string): Promise<string[]> {
  const db = await openDatabase({ dataDir });
  try {
    const session = await db.repos.sessions.findLatest('cli-demo-user');
    if (!session) return [];
    return (await db.repos.messages.recent(session.id, 50)).map((m) => `${m.role}: ${m.content}`);
  } finally {
    await db.close();
  }
}

describe('clara start, doctor and db migrate', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let env: Record<string, string>;

  beforeEach(async () => {
    fake = llm.current;
    env = { ...fakeLlmEnv(fake), DATA_DIR: await freshSqliteDir('clara-start-'), PORT: '0' };
  });

  it('start: prints the page address, serves chat, and finishes a reply in progress on SIGTERM', async () => {
    const clara = spawnClara(['start'], { env });
    const [, url] = await clara.waitFor(/Chat with Clara: (http:\/\/\S+)/);
    const health = await fetch(`${url}health`);
    expect(await health.json()).toMatchObject({ status: 'ok', llm: { ready: true } });

    fake.script({ text: 'A slow but complete answer.', delayMs: 800 });
    const reply = fetch(`${url}api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'take your time' }),
    }).then((r) => r.text());
    await expect.poll(() => fake.chatRequests().length).toBe(1);
    const exit = clara.stop('SIGTERM');
    expect(await reply).toContain('A slow but complete answer.');
    expect(await exit).toBe(0);
    expect(clara.output()).toMatch(/Shutting down/);
  });

  it('a crash mid-turn keeps the user message, and the next run sees it', async () => {
    fake.script({ hang: true });
    const chat = spawnClara(['chat'], { env });
    chat.write('please do not lose me');
    chat.end();
    await expect.poll(() => fake.chatRequests().length, { timeout: 15_000 }).toBe(1);
    expect(await chat.stop('SIGKILL')).not.toBe(0);
    expect(await storedMessages(env.DATA_DIR!)).toEqual(['user: please do not lose me']);

    fake.reset();
    fake.script('Sorry, I was cut off. I have your message.');
    const next = await runClara(['chat'], { env, input: 'are you there?' });
    expect(next.stdout).toBe('Sorry, I was cut off. I have your message.\n');
    const prompt = fake.chatRequests()[0]?.body.messages as Array<{ content: string }>;
    expect(prompt.slice(-2).map((m) => m.content)).toEqual([
      expect.stringMatching(/\] please do not lose me$/),
      'are you there?',
    ]);
  });

  it('doctor: reports what works, and what is missing with the fix', async () => {
    fake.script('OK');
    const ok = await runClara(['doctor'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ Database\s+SQLite .*assistant\.db is reachable/);
    expect(ok.stdout).toMatch(/✓ LLM \(primary\)\s+openai answered with fake-model/);

    const missing = await runClara(['doctor'], {
      env: { DATA_DIR: env.DATA_DIR, LLM_PROVIDER: 'openrouter' },
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/✗ LLM \(primary\)\s+openrouter: OPENROUTER_API_KEY not set/);
    expect(missing.stdout).toMatch(/fix: set OPENROUTER_API_KEY/);

    fake.script({ status: 404 });
    const wrongModel = await runClara(['doctor'], { env });
    expect(wrongModel.code).toBe(1);
    expect(wrongModel.stdout).toMatch(/✗ LLM \(primary\)/);
  });

  it('db migrate: applies the schema once, then reports it up to date', async () => {
    const first = await runClara(['db', 'migrate'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied: 0001_core_tables/);
    const second = await runClara(['db', 'migrate'], { env });
    expect(second.stdout).toBe('The database schema is up to date.\n');
  });

  it('config: prints settings with secrets masked', async () => {
    const result = await runClara(['config'], {
      env: { ...env, OPENROUTER_API_KEY: 'sk-or-very-secret-value' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/OPENROUTER_API_KEY\s+\*\*\*\*/);
    expect(result.stdout).not.toContain('sk-or-very-secret-value');
  });
});
