/**
 * Claude Code setup and guard rails: what is offered to whom, what an unconfigured Clara says, and how
 * claude_code_set_workdir / working_dir validate directories (realpath inside the allowed roots).
 */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_TOOL_NAMES } from '../../src/claude-code/index.js';
import { type Bench, startBench, toolBench } from './harness.js';

let bench: Bench;

const scope = (isAdmin: boolean) => ({
  userId: 'discord-1',
  conversationId: 'c1',
  sessionId: 's1',
  platform: 'discord',
  isAdmin,
});

beforeAll(async () => {
  bench = await startBench();
  mkdirSync(path.join(bench.workdir, 'project', 'src'), { recursive: true });
  writeFileSync(path.join(bench.workdir, 'notes.txt'), 'a file');
  mkdirSync(path.join(bench.root, 'elsewhere'));
  symlinkSync(path.join(bench.root, 'elsewhere'), path.join(bench.workdir, 'escape'));
});

afterAll(async () => {
  await bench?.close();
});

beforeEach(() => {
  bench.fake.reset();
});

describe('who gets the Claude Code tools', () => {
  it('offers all four to admins only; the registry refuses a non-admin call', async () => {
    const t = toolBench(bench);
    expect(t.claudeCode.configured).toBe(true);
    expect(
      t.registry
        .specs(scope(true))
        .map((s) => s.name)
        .sort(),
    ).toEqual([...CLAUDE_CODE_TOOL_NAMES].sort());
    expect(t.registry.specs(scope(false))).toEqual([]);

    const refused = await t.call('claude_code', { prompt: 'rm -rf everything' }, { isAdmin: false });
    expect(refused).toEqual({ content: 'Error: the tool claude_code is only for admins.', isError: true });
    const status = await t.call('claude_code_status', {}, { isAdmin: false });
    expect(status.content).toBe('Error: the tool claude_code_status is only for admins.');
    expect(bench.fake.requests).toEqual([]);
  });

  it('says exactly what to set when there are no credentials', async () => {
    const t = toolBench(bench, { ANTHROPIC_API_KEY: undefined });
    expect(t.claudeCode.configured).toBe(false);
    expect(t.registry.specs(scope(true))).toEqual([]);
    for (const name of CLAUDE_CODE_TOOL_NAMES) {
      const result = await t.call(name, { prompt: 'x', directory: '.' });
      expect(result.isError).toBe(true);
      expect(result.content).toContain('Claude Code is not set up: no Anthropic credentials');
      expect(result.content).toContain('ANTHROPIC_API_KEY');
      expect(result.content).toContain('CLAUDE_CODE_OAUTH_TOKEN');
    }
  });

  it('accepts a CLAUDE_CODE_OAUTH_TOKEN instead of an API key', () => {
    const t = toolBench(bench, { ANTHROPIC_API_KEY: undefined, CLAUDE_CODE_OAUTH_TOKEN: 'oauth-token' });
    expect(t.claudeCode.configured).toBe(true);
    expect(t.claudeCode.statusText('discord-1')).toContain('Credentials: CLAUDE_CODE_OAUTH_TOKEN');
    expect(t.claudeCode.statusText('discord-1')).not.toContain('oauth-token');
  });

  it('names CLAUDE_CODE_WORKDIR when it is unset or missing', async () => {
    const unset = toolBench(bench, { CLAUDE_CODE_WORKDIR: undefined });
    const result = await unset.call('claude_code', { prompt: 'x' });
    expect(result.content).toContain('CLAUDE_CODE_WORKDIR is empty');

    const missing = toolBench(bench, { CLAUDE_CODE_WORKDIR: path.join(bench.root, 'nope') });
    expect(missing.claudeCode.unavailableReason).toContain(
      `CLAUDE_CODE_WORKDIR: the directory ${path.join(bench.root, 'nope')} does not exist`,
    );
  });
});

describe('claude_code_status and claude_code_set_workdir', () => {
  it('reports the setup without secrets', async () => {
    const t = toolBench(bench);
    const status = await t.call('claude_code_status', {});
    expect(status.content).toContain('Claude Code: ready');
    expect(status.content).toContain('Credentials: ANTHROPIC_API_KEY');
    expect(status.content).toContain(`Working directory: ${realpathSync(bench.workdir)}`);
    expect(status.content).toContain('Running now: nothing');
    expect(status.content).toContain('Last run: none since Clara started');
    expect(status.content).not.toContain(bench.config().ANTHROPIC_API_KEY);
  });

  it('moves into a subdirectory (relative to the current one) per person', async () => {
    const t = toolBench(bench);
    const first = await t.call('claude_code_set_workdir', { directory: 'project' });
    expect(first.content).toBe(`Claude Code will now work in ${realpathSync(bench.workdir)}/project.`);
    const second = await t.call('claude_code_set_workdir', { directory: 'src' });
    expect(second.content).toBe(`Claude Code will now work in ${realpathSync(bench.workdir)}/project/src.`);
    expect(t.claudeCode.workdir('discord-1')).toBe(`${realpathSync(bench.workdir)}/project/src`);
    expect(t.claudeCode.workdir('discord-2')).toBe(realpathSync(bench.workdir));
    expect((await t.call('claude_code_get_workdir', {})).content).toBe(
      `Claude Code works in ${realpathSync(bench.workdir)}/project/src.`,
    );
    expect((await t.call('claude_code_get_workdir', {}, { userId: 'discord-2' })).content).toBe(
      `Claude Code works in ${realpathSync(bench.workdir)}.`,
    );
    expect(await t.call('claude_code_get_workdir', {}, { isAdmin: false })).toMatchObject({ isError: true });
  });

  it('refuses missing paths, files, .. escapes and symlinks out of the root', async () => {
    const t = toolBench(bench);
    const cases: Array<[string, RegExp]> = [
      ['does-not-exist', /directory: the directory .*does-not-exist does not exist/],
      ['notes.txt', /directory: .*notes\.txt is a file, not a directory/],
      ['..', /is outside the directories Claude Code may use .*CLAUDE_CODE_ALLOWED_ROOTS/],
      ['/etc', /directory: \/etc is outside the directories Claude Code may use/],
      ['escape', /escape \(it resolves to .*elsewhere\) is outside/],
    ];
    for (const [directory, message] of cases) {
      const result = await t.call('claude_code_set_workdir', { directory });
      expect(result.isError, directory).toBe(true);
      expect(result.content, directory).toMatch(message);
    }
    expect(t.claudeCode.workdir('discord-1')).toBe(realpathSync(bench.workdir));
  });

  it('validates working_dir of claude_code the same way, before anything runs', async () => {
    const t = toolBench(bench);
    const result = await t.call('claude_code', { prompt: 'x', working_dir: '/tmp' });
    expect(result.content).toMatch(/^Error: working_dir: \/tmp is outside the directories/);
    const tools = await t.call('claude_code', { prompt: 'x', allowed_tools: 'Read, rm -rf' });
    expect(tools.content).toMatch(/^Error: allowed_tools: rm -rf is not a tool name/);
    expect(bench.fake.requests).toEqual([]);
  });

  it('allows other roots listed in CLAUDE_CODE_ALLOWED_ROOTS', async () => {
    const t = toolBench(bench, {
      CLAUDE_CODE_ALLOWED_ROOTS: [bench.workdir, path.join(bench.root, 'elsewhere')],
    });
    const result = await t.call('claude_code_set_workdir', { directory: 'escape' });
    expect(result.content).toBe(`Claude Code will now work in ${realpathSync(bench.root)}/elsewhere.`);
  });
});
