/**
 * The admin-only Claude Code tools (spec §4.9): `claude_code` delegates a coding task to the agent,
 * `claude_code_status` reports setup and runs, `claude_code_set_workdir` changes the admin's working directory and
 * `claude_code_get_workdir` tells which one is in use.
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../tools/index.js';
import type { ClaudeCode } from './service.js';
import { WorkdirError } from './workdir.js';

export const CLAUDE_CODE_TOOL_NAMES = [
  'claude_code',
  'claude_code_status',
  'claude_code_set_workdir',
  'claude_code_get_workdir',
] as const;

const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const runSchema = z.object({
  prompt: z
    .string({ error: 'prompt is required: the coding task for Claude Code' })
    .trim()
    .min(1, 'prompt is required: the coding task for Claude Code'),
  working_dir: z
    .string()
    .optional()
    .describe('Directory for this run only (default: the current working directory).'),
  max_turns: z
    .number()
    .int()
    .min(1, 'max_turns must be at least 1')
    .max(500, 'max_turns can be at most 500')
    .optional()
    .describe('Turn limit of this run (default CLAUDE_CODE_MAX_TURNS).'),
  allowed_tools: z
    .string()
    .optional()
    .describe(
      'Comma list of the agent tools it may use (default: Read, Write, Edit, Glob, Grep, Bash, TodoWrite).',
    ),
});

const workdirSchema = z.object({
  directory: z
    .string({ error: 'directory is required: the path Claude Code should work in' })
    .trim()
    .min(1, 'directory is required: the path Claude Code should work in'),
});

function parseToolList(text: string | undefined): string[] | undefined {
  if (!text?.trim()) return undefined;
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const bad = names.filter((name) => !TOOL_NAME.test(name));
  if (bad.length > 0) {
    throw new WorkdirError(
      `allowed_tools: ${bad.join(', ')} ${bad.length === 1 ? 'is not a tool name' : 'are not tool names'} ` +
        '(use a comma list such as "Read,Edit,Bash").',
    );
  }
  return names;
}

export function claudeCodeTools(claudeCode: ClaudeCode): ToolDefinition[] {
  const run = defineTool({
    name: 'claude_code',
    description:
      'Delegate a coding task to Claude Code, an autonomous coding agent that reads, edits and runs code in ' +
      'the working directory. Give it a complete, self-contained task. Returns its final answer and the files it changed.',
    schema: runSchema,
    adminOnly: true,
    timeoutMs: claudeCode.timeoutMs,
    emoji: '🤖',
    status: (args) => {
      const flat = args.prompt.replace(/\s+/g, ' ');
      return `Claude Code: ${flat.length > 40 ? `${flat.slice(0, 39)}…` : flat}`;
    },
    async run(args, context) {
      let allowedTools: string[] | undefined;
      try {
        allowedTools = parseToolList(args.allowed_tools);
      } catch (error) {
        return `Error: ${error instanceof Error ? error.message : String(error)}`;
      }
      return claudeCode.run(
        { prompt: args.prompt, workingDir: args.working_dir, maxTurns: args.max_turns, allowedTools },
        { userId: context.userId, signal: context.signal, progress: context.progress },
      );
    },
  });

  const status = defineTool({
    name: 'claude_code_status',
    description:
      'Show whether Claude Code is set up (credentials, working directory), what it is running now and how its last run went.',
    schema: z.object({}),
    adminOnly: true,
    emoji: '🤖',
    status: () => 'Checking Claude Code',
    run: async (_args, context) => claudeCode.statusText(context.userId),
  });

  const setWorkdir = defineTool({
    name: 'claude_code_set_workdir',
    description:
      'Change the directory Claude Code works in for you (an existing directory inside the allowed roots; relative paths start from the current one).',
    schema: workdirSchema,
    adminOnly: true,
    emoji: '📂',
    status: (args) => `Claude Code directory → ${args.directory}`,
    run: async (args, context) => {
      try {
        const resolved = claudeCode.setWorkdir(context.userId, args.directory);
        return `Claude Code will now work in ${resolved}.`;
      } catch (error) {
        if (error instanceof WorkdirError) return `Error: ${error.message}`;
        throw error;
      }
    },
  });

  const getWorkdir = defineTool({
    name: 'claude_code_get_workdir',
    description: 'Tell which directory Claude Code works in for you now (set with claude_code_set_workdir).',
    schema: z.object({}),
    adminOnly: true,
    emoji: '📂',
    status: () => 'Claude Code directory',
    run: async (_args, context) => {
      const current = claudeCode.workdir(context.userId);
      return current
        ? `Claude Code works in ${current}.`
        : 'Error: Claude Code has no working directory: set CLAUDE_CODE_WORKDIR.';
    },
  });

  return [run, status, setWorkdir, getWorkdir] as ToolDefinition[];
}
