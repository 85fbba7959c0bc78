/**
 * One Claude Code run through `@anthropic-ai/claude-agent-sdk`: spawns the bundled `claude` binary in the
 * working directory with a clean environment, streams its tool calls out as progress lines, and collects the
 * final text, turns, cost and the files it changed. Aborting the signal stops the child process.
 */
import type { Options, SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { type ClaudeCodeAuth, childEnvironment, scrub } from './environment.js';
import { describeToolUse, RunTally, textOf, toolUsesOf } from './progress.js';

/** Tools the agent gets unless the call names others: read, search, edit and run commands; no web access. */
export const DEFAULT_AGENT_TOOLS = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash', 'TodoWrite'] as const;

/** Edits are auto-approved only inside the working directory (permission mode `acceptEdits`). */
const EDIT_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
const STDERR_KEEP = 2000;

export interface RunRequest {
  prompt: string;
  cwd: string;
  maxTurns: number;
  tools: readonly string[];
  auth: ClaudeCodeAuth;
  hostEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  progress?: ((text: string) => void) | undefined;
  /** Another `claude` executable (default: the SDK's bundled native binary). */
  executable?: string | undefined;
}

export type RunStatus = 'success' | 'max_turns' | 'error' | 'cancelled';

export interface RunOutcome {
  status: RunStatus;
  /** The agent's final answer (or, when it stopped early, what it said last). */
  text: string;
  turns?: number;
  costUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  durationMs: number;
  filesChanged: string[];
  toolsUsed: string;
  denied: string[];
  errors: string[];
}

function deniedMessage(toolName: string): string {
  return EDIT_TOOLS.has(toolName)
    ? `${toolName} outside the working directory is not allowed in Clara's Claude Code runs.`
    : `${toolName} is not allowed in Clara's Claude Code runs (nobody can approve it here).`;
}

export async function runClaudeCode(request: RunRequest): Promise<RunOutcome> {
  const started = performance.now();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (request.signal?.aborted) controller.abort();
  else request.signal?.addEventListener('abort', onAbort, { once: true });

  const tally = new RunTally(request.cwd);
  const denied: string[] = [];
  let stderr = '';
  let lastText = '';
  let result: Extract<SDKMessage, { type: 'result' }> | undefined;
  const report = (line: string) => {
    try {
      request.progress?.(line);
    } catch {
      // progress is best effort
    }
  };

  const options: Options = {
    cwd: request.cwd,
    env: childEnvironment(request.auth, request.hostEnv),
    maxTurns: request.maxTurns,
    tools: [...request.tools],
    // Edits inside the working directory are approved by the mode; every other call comes here. No bare
    // `allowedTools`: they would approve a tool before this check is consulted.
    permissionMode: 'acceptEdits',
    canUseTool: async (toolName, input) => {
      if (!EDIT_TOOLS.has(toolName) && request.tools.includes(toolName)) {
        return { behavior: 'allow', updatedInput: input };
      }
      denied.push(toolName);
      report(`⛔ Refused ${toolName}`);
      return { behavior: 'deny', message: deniedMessage(toolName) };
    },
    settingSources: ['project'],
    persistSession: false,
    abortController: controller,
    stderr: (data) => {
      stderr = (stderr + data).slice(-STDERR_KEEP);
    },
    ...(request.executable ? { pathToClaudeCodeExecutable: request.executable } : {}),
  };

  const { query } = await loadSdk();
  const run = query({ prompt: request.prompt, options });
  let thrown: unknown;
  try {
    for await (const message of run) {
      if (message.type === 'assistant' && message.parent_tool_use_id === null) {
        const text = textOf(message.message.content);
        if (text.trim()) lastText = text;
        for (const use of toolUsesOf(message.message.content)) {
          tally.add(use);
          report(describeToolUse(use, request.cwd));
        }
      } else if (message.type === 'system' && message.subtype === 'api_retry') {
        report(`⏳ Model API error, retry ${message.attempt}/${message.max_retries}`);
      } else if (message.type === 'result') {
        result = message;
      }
    }
  } catch (error) {
    thrown = error;
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
    try {
      run.close();
    } catch {
      // already closed
    }
  }

  const deniedIds = new Set(result?.permission_denials.map((d) => d.tool_use_id) ?? []);
  const base = {
    durationMs: performance.now() - started,
    filesChanged: tally.filesChanged(deniedIds),
    toolsUsed: tally.toolsUsed(),
    denied: [...new Set(denied)],
    ...(result
      ? {
          turns: result.num_turns,
          costUsd: result.total_cost_usd,
          inputTokens: result.usage.input_tokens,
          outputTokens: result.usage.output_tokens,
        }
      : {}),
  };
  if (controller.signal.aborted) {
    return { ...base, status: 'cancelled', text: lastText, errors: [] };
  }
  if (!result) {
    const why = thrown instanceof Error ? thrown.message : thrown ? String(thrown) : 'no result';
    const detail = stderr.trim() ? ` (stderr: ${stderr.trim().slice(-500)})` : '';
    return { ...base, status: 'error', text: lastText, errors: [scrub(`${why}${detail}`, request.auth)] };
  }
  if (result.subtype === 'success') {
    const text = result.result.trim() ? result.result : lastText;
    return result.is_error
      ? { ...base, status: 'error', text: '', errors: [scrub(text, request.auth)] }
      : { ...base, status: 'success', text, errors: [] };
  }
  const errors = result.errors.map((e) => scrub(e, request.auth));
  return {
    ...base,
    status: result.subtype === 'error_max_turns' ? 'max_turns' : 'error',
    text: lastText,
    errors,
  };
}

/** The SDK is an optional dependency (its native binary is large): loaded on first use, with a clear error. */
async function loadSdk(): Promise<typeof import('@anthropic-ai/claude-agent-sdk')> {
  try {
    return await import('@anthropic-ai/claude-agent-sdk');
  } catch (error) {
    throw new Error(
      `the Claude Code SDK is not installed (${(error as Error).message}); run \`npm install @anthropic-ai/claude-agent-sdk\` in Clara's folder`,
    );
  }
}
