/**
 * claude_code end to end: the real Agent SDK spawns its real bundled `claude` binary, which talks to the fake
 * Anthropic Messages API (scripted tool calls of the agent's own Write/Bash tools, then a final text).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeStep } from '../support/fake-llm.js';
import {
  API_KEY,
  type Bench,
  PLANTED_SECRETS,
  processesIn,
  startBench,
  toolBench,
  toolResultsSent,
  until,
} from './harness.js';

let bench: Bench;

beforeAll(async () => {
  bench = await startBench();
});

afterAll(async () => {
  await bench?.close();
});

beforeEach(() => {
  bench.fake.reset();
  bench.trap.attempts.length = 0;
});

function onlyLocalTraffic(): void {
  expect(bench.trap.attempts).toEqual([]);
  expect(bench.fake.requests.length).toBeGreaterThan(0);
  for (const request of bench.fake.requests) {
    expect(`${request.method} ${request.path}`).toBe('POST /v1/messages');
    expect(request.headers['x-api-key']).toBe(API_KEY);
  }
}

describe('claude_code runs the agent against the fake Anthropic API', () => {
  it('creates a file with the Write tool, returns the final text and reports progress', async () => {
    const t = toolBench(bench);
    const target = path.join(bench.workdir, 'hello.py');
    bench.fake.script(
      { toolCalls: [{ name: 'Write', arguments: { file_path: target, content: 'print("hello")\n' } }] },
      'I created hello.py, which prints hello.',
    );

    const result = await t.call('claude_code', { prompt: 'Create hello.py that prints hello' });

    expect(result.isError).toBeUndefined();
    expect(readFileSync(target, 'utf8')).toBe('print("hello")\n');
    expect(result.content).toMatch(/^I created hello\.py, which prints hello\./);
    expect(result.content).toContain('Files changed: hello.py');
    expect(result.content).toContain('Tools used: Write');
    expect(result.content).toMatch(/2 of at most 10 turns/);
    expect(result.content).toContain(`in ${bench.workdir}`);
    expect(t.progress).toContain('✏️ Writing hello.py');
    // The prompt reached the model, and the agent reported the tool result back.
    const first = JSON.stringify(bench.fake.chatRequests()[0]?.body.messages);
    expect(first).toContain('Create hello.py that prints hello');
    expect(toolResultsSent(bench.fake).join('\n')).toContain('hello.py');
    onlyLocalTraffic();
    expect(t.claudeCode.statusText('discord-1')).toMatch(/Last run \(success, .*Create hello\.py/);
  });

  it('gives the child only the Anthropic key, never Clara secrets, and keeps it offline', async () => {
    const t = toolBench(bench);
    bench.fake.script(
      { toolCalls: [{ name: 'Bash', arguments: { command: 'env', description: 'Show environment' } }] },
      'Listed the environment.',
    );

    const result = await t.call('claude_code', { prompt: 'Print the environment' });

    expect(result.isError).toBeUndefined();
    expect(t.progress).toContain('💻 Running env');
    const shown = toolResultsSent(bench.fake).join('\n');
    expect(shown).toContain(`ANTHROPIC_API_KEY=${API_KEY}`);
    expect(shown).toContain('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1');
    expect(shown).toContain('DISABLE_TELEMETRY=1');
    for (const [name, value] of Object.entries(PLANTED_SECRETS)) {
      expect(shown).not.toContain(name);
      expect(shown).not.toContain(value);
    }
    onlyLocalTraffic();
  });

  it('authenticates with CLAUDE_CODE_OAUTH_TOKEN as a bearer token when there is no API key', async () => {
    const t = toolBench(bench, {
      ANTHROPIC_API_KEY: undefined,
      CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-test',
    });
    bench.fake.script('Hello from a subscription.');

    const result = await t.call('claude_code', { prompt: 'Say hello' });

    expect(result.content).toMatch(/^Hello from a subscription\./);
    expect(bench.trap.attempts).toEqual([]);
    expect(bench.fake.requests.map((r) => [r.path, r.headers.authorization, r.headers['x-api-key']])).toEqual(
      [['/v1/messages', 'Bearer sk-ant-oat01-test', undefined]],
    );
  });

  it('stops at CLAUDE_CODE_MAX_TURNS and says so', async () => {
    const t = toolBench(bench, { CLAUDE_CODE_MAX_TURNS: 2 });
    const loop: FakeStep = () => ({
      toolCalls: [{ name: 'Bash', arguments: { command: 'echo again', description: 'Loop' } }],
    });
    bench.fake.script(loop, loop, loop, loop, loop);

    const result = await t.call('claude_code', { prompt: 'Loop forever' });

    expect(result.content).toMatch(/stopped at its turn limit \(2 turns\)/);
    expect(bench.fake.chatRequests()).toHaveLength(2);
    expect(t.progress.filter((line) => line === '💻 Running echo again')).toHaveLength(2);
    onlyLocalTraffic();
  });

  it('refuses edits outside the working directory', async () => {
    const t = toolBench(bench);
    const outside = path.join(bench.root, 'outside.txt');
    bench.fake.script(
      { toolCalls: [{ name: 'Write', arguments: { file_path: outside, content: 'nope' } }] },
      'I could not write there.',
    );

    const result = await t.call('claude_code', { prompt: 'Write outside' });

    expect(existsSync(outside)).toBe(false);
    expect(result.content).toContain('Refused (not allowed here): Write');
    expect(result.content).not.toContain('Files changed');
    expect(t.progress).toContain('⛔ Refused Write');
    expect(toolResultsSent(bench.fake).join('\n')).toContain('outside the working directory');
  });

  it('stops the agent and its commands when the turn is cancelled', async () => {
    const t = toolBench(bench);
    bench.fake.script({
      toolCalls: [{ name: 'Bash', arguments: { command: 'sleep 120', description: 'Wait' } }],
    });
    const controller = new AbortController();

    const pending = t.call('claude_code', { prompt: 'Wait a long time' }, { signal: controller.signal });
    await until(() => t.progress.includes('💻 Running sleep 120'));
    await until(() => processesIn(bench.workdir).length > 0);
    expect(t.claudeCode.statusText('discord-1')).toMatch(
      /Running now \(\d+ s, in .*\): Wait a long time — 💻 Running sleep 120/,
    );
    const second = await t.call('claude_code', { prompt: 'Something else' });
    expect(second.content).toMatch(/^Error: Claude Code is already working in .*Wait a long time/);
    controller.abort();
    const result = await pending;

    expect(result.content).toBe('Error: claude_code was cancelled.');
    await until(() => processesIn(bench.workdir).length === 0);
    await until(() => t.claudeCode.statusText('discord-1').includes('Last run (cancelled'));
    expect(t.claudeCode.statusText('discord-1')).toContain('Running now: nothing');
  });

  it('close() (shutdown) stops running agents', async () => {
    const t = toolBench(bench);
    bench.fake.script({
      toolCalls: [{ name: 'Bash', arguments: { command: 'sleep 121', description: 'Wait' } }],
    });
    const pending = t.call('claude_code', { prompt: 'Wait again' });
    await until(() => t.progress.includes('💻 Running sleep 121'));
    await t.claudeCode.close();
    const result = await pending;

    expect(result.content).toMatch(/^Error: the Claude Code run was stopped before it finished\./);
    await until(() => processesIn(bench.workdir).length === 0);
  });

  it('reports an API refusal without echoing the key', async () => {
    const t = toolBench(bench, { ANTHROPIC_API_KEY: 'sk-ant-wrong-key-123456' });
    bench.fake.script({ status: 403, message: 'This key may not use this model' });

    const result = await t.call('claude_code', { prompt: 'Anything' });

    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/^Error: Claude Code failed: .*403 This key may not use this model/);
    expect(result.content).not.toContain('sk-ant-wrong-key-123456');
    expect(bench.trap.attempts).toEqual([]);
  });
});
