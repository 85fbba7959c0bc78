import { beforeEach, describe, expect, it } from 'vitest';
import { fakeLlmEnv } from '../support/app.js';
import { runClara, spawnClara } from '../support/cli.js';
import { freshSqliteDir } from '../support/databases.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';

describe('clara chat', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let env: Record<string, string>;

  beforeEach(async () => {
    fake = llm.current;
    env = { ...fakeLlmEnv(fake), DATA_DIR: await freshSqliteDir('clara-cli-') };
  });

  it('piped: reads stdin as one message and prints only the reply; the conversation survives a restart', async () => {
    fake.script({ text: 'Hi! I will remember that you like tea.', chunks: 4 });
    const first = await runClara(['chat'], { env, input: 'I like tea\n' });
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('Hi! I will remember that you like tea.\n');
    expect(first.code).toBe(0);

    fake.script('You like tea.');
    const second = await runClara(['chat'], { env, input: 'What do I like?' });
    expect(second.stdout).toBe('You like tea.\n');
    const prompt = fake.chatRequests()[1]?.body.messages as Array<{ role: string; content: string }>;
    expect(prompt.slice(-3).map((m) => m.content)).toEqual([
      expect.stringMatching(/\] I like tea$/),
      'Hi! I will remember that you like tea.',
      'What do I like?',
    ]);
    expect(fake.chatRequests()[0]?.body.stream).toBe(true);
  });

  it('piped: errors go to stderr with a non-zero exit code', async () => {
    const empty = await runClara(['chat'], { env, input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/nothing was read from stdin/);

    fake.script({ status: 401 });
    const rejected = await runClara(['chat'], { env, input: 'hello' });
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toBe('');
    expect(rejected.stderr).toMatch(/rejected my API key/);
    expect(rejected.stderr).not.toContain(env.CUSTOM_OPENAI_API_KEY);
  });

  it('without an LLM key explains exactly what to set', async () => {
    const result = await runClara(['chat'], {
      env: { DATA_DIR: env.DATA_DIR, LLM_PROVIDER: 'anthropic' },
      input: 'hi',
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/ANTHROPIC_API_KEY/);
  });

  it('an invalid setting names the variable, the valid values and the fix', async () => {
    const result = await runClara(['chat'], { env: { ...env, LLM_PROVIDER: 'gpt-please' }, input: 'hi' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/LLM_PROVIDER/);
    expect(result.stderr).toMatch(/openrouter, nanogpt, openai, anthropic/);
  });

  it('an unreachable database names the URL with the password masked', async () => {
    const url = 'postgresql://clara:hunter2-secret@127.0.0.1:1/clara';
    const result = await runClara(['chat'], { env: { ...env, DATABASE_URL: url }, input: 'hi' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('127.0.0.1:1');
    expect(result.stderr).not.toContain('hunter2-secret');
  });

  it('interactive: streams replies in a terminal and handles /tier, /new and /quit', async () => {
    const chat = spawnClara(['chat'], { env, tty: true });
    await chat.waitFor(/you › /);
    fake.script({ text: 'Hello from the terminal!', chunks: 3 });
    chat.write('hello\r');
    await chat.waitFor(/Hello from the terminal!/);
    chat.write('/tier high\r');
    await chat.waitFor(/Tier: high/);
    fake.script('A deep answer.');
    chat.write('why?\r');
    await chat.waitFor(/A deep answer\./);
    expect(fake.chatRequests()[1]?.body.model).toBe('claude-opus-4');
    chat.write('/new\r');
    await chat.waitFor(/Started a new conversation/);
    chat.write('/bogus\r');
    await chat.waitFor(/Unknown command \/bogus/);
    chat.write('/quit\r');
    expect(await chat.exited).toBe(0);
  });
});
