import { describe, expect, it } from 'vitest';
import { formatOutcome, MAX_RESULT_TEXT } from './format.js';
import { describeToolUse, RunTally } from './progress.js';
import type { RunOutcome } from './runner.js';

const cwd = '/srv/app';
const use = (name: string, input: Record<string, unknown>, id = 't1') => ({ id, name, input });

describe('progress lines of the agent tool calls', () => {
  it('names the action and the file relative to the working directory', () => {
    expect(describeToolUse(use('Edit', { file_path: '/srv/app/src/app.ts' }), cwd)).toBe(
      '✏️ Editing src/app.ts',
    );
    expect(describeToolUse(use('Write', { file_path: '/etc/hosts' }), cwd)).toBe('✏️ Writing /etc/hosts');
    expect(describeToolUse(use('Read', { file_path: 'README.md' }), cwd)).toBe('🔍 Reading README.md');
    expect(describeToolUse(use('Bash', { command: 'npm   test\n  -- --run' }), cwd)).toBe(
      '💻 Running npm test -- --run',
    );
    expect(describeToolUse(use('Grep', { pattern: 'TODO' }), cwd)).toBe('🔎 Searching TODO');
    expect(describeToolUse(use('Mystery', {}), cwd)).toBe('🔧 Using Mystery');
  });

  it('cuts long commands', () => {
    const line = describeToolUse(use('Bash', { command: 'x'.repeat(200) }), cwd);
    expect(line.length).toBeLessThan(80);
    expect(line.endsWith('…')).toBe(true);
  });

  it('counts tools and lists changed files, minus refused calls', () => {
    const tally = new RunTally(cwd);
    tally.add(use('Write', { file_path: '/srv/app/a.ts' }, 'w1'));
    tally.add(use('Edit', { file_path: '/srv/app/a.ts' }, 'e1'));
    tally.add(use('Write', { file_path: '/elsewhere/b.ts' }, 'w2'));
    tally.add(use('Bash', { command: 'ls' }, 'b1'));
    expect(tally.filesChanged(new Set(['w2']))).toEqual(['a.ts']);
    expect(tally.toolsUsed()).toBe('Write ×2, Edit, Bash');
  });
});

describe('the tool result of a run', () => {
  const outcome = (overrides: Partial<RunOutcome>): RunOutcome => ({
    status: 'success',
    text: 'Done.',
    turns: 3,
    costUsd: 0.01234,
    inputTokens: 100,
    outputTokens: 20,
    durationMs: 1500,
    filesChanged: ['a.ts'],
    toolsUsed: 'Write',
    denied: [],
    errors: [],
    ...overrides,
  });

  it('puts the final text first, then the figures', () => {
    expect(formatOutcome(outcome({}), cwd, 10)).toBe(
      'Done.\n\n---\nClaude Code (3 of at most 10 turns · $0.0123 · 100 in / 20 out tokens · 1.5 s) in /srv/app\n' +
        'Files changed: a.ts\nTools used: Write',
    );
  });

  it('caps a very long final text', () => {
    const text = formatOutcome(outcome({ text: 'y'.repeat(MAX_RESULT_TEXT + 500) }), cwd, 10);
    expect(text).toContain(`… (cut: the full answer was ${MAX_RESULT_TEXT + 500} characters)`);
    expect(text.length).toBeLessThan(MAX_RESULT_TEXT + 400);
  });

  it('marks failures with Error: and keeps what the agent said last', () => {
    const text = formatOutcome(outcome({ status: 'error', errors: ['boom'], text: 'half way' }), cwd, 10);
    expect(text).toMatch(/^Error: Claude Code failed: boom\n/);
    expect(text).toContain('What it said last:\nhalf way');
  });
});
