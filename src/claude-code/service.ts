/**
 * The Claude Code service behind the tools: reads the configuration once, keeps each admin's working
 * directory (in memory), refuses a second run in a directory that is busy, and remembers the last run.
 */
import type { Config } from '../config/index.js';
import { authSource, type ClaudeCodeAuth } from './environment.js';
import { formatOutcome, runFigures } from './format.js';
import { DEFAULT_AGENT_TOOLS, type RunOutcome, runClaudeCode } from './runner.js';
import { resolveRoots, resolveWorkdir, WorkdirError } from './workdir.js';

export type ClaudeCodeConfig = Pick<
  Config,
  | 'ANTHROPIC_API_KEY'
  | 'ANTHROPIC_BASE_URL'
  | 'CLAUDE_CODE_OAUTH_TOKEN'
  | 'CLAUDE_CODE_WORKDIR'
  | 'CLAUDE_CODE_MAX_TURNS'
  | 'CLAUDE_CODE_ALLOWED_ROOTS'
>;

export interface ClaudeCodeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ClaudeCodeOptions {
  config: ClaudeCodeConfig;
  logger?: ClaudeCodeLogger;
  /** The host environment the child's allow-list is taken from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Another `claude` executable (default: the SDK's bundled native binary). */
  executable?: string;
  /** Time limit of one run (default 30 minutes). */
  timeoutMs?: number;
}

export interface RunArgs {
  prompt: string;
  workingDir?: string | undefined;
  maxTurns?: number | undefined;
  allowedTools?: readonly string[] | undefined;
}

export interface RunContext {
  userId: string;
  signal?: AbortSignal | undefined;
  progress?: ((text: string) => void) | undefined;
}

interface ActiveRun {
  stop: AbortController;
  userId: string;
  cwd: string;
  prompt: string;
  startedAt: Date;
  lastProgress?: string;
}

interface LastRun {
  userId: string;
  cwd: string;
  prompt: string;
  finishedAt: Date;
  outcome: RunOutcome;
  maxTurns: number;
}

export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

const snippet = (text: string, max = 80) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export class ClaudeCode {
  readonly timeoutMs: number;
  readonly defaultMaxTurns: number;
  /** Why the tools are not offered (undefined when Claude Code is ready). */
  readonly unavailableReason: string | undefined;
  private readonly auth: ClaudeCodeAuth;
  private readonly env: NodeJS.ProcessEnv;
  private readonly roots: string[];
  private readonly defaultWorkdir: string | undefined;
  private readonly workdirs = new Map<string, string>();
  private readonly active = new Set<ActiveRun>();
  /** Resolved whenever a run ends (close() waits on them). */
  private readonly waiters: Array<() => void> = [];
  private lastRun: LastRun | undefined;

  constructor(private readonly options: ClaudeCodeOptions) {
    const { config } = options;
    this.env = options.env ?? process.env;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.defaultMaxTurns = config.CLAUDE_CODE_MAX_TURNS;
    this.auth = {
      apiKey: config.ANTHROPIC_API_KEY,
      oauthToken: config.CLAUDE_CODE_OAUTH_TOKEN,
      baseUrl: config.ANTHROPIC_BASE_URL,
    };
    const problems: string[] = [];
    const workdir = config.CLAUDE_CODE_WORKDIR;
    const configuredRoots = config.CLAUDE_CODE_ALLOWED_ROOTS?.length
      ? config.CLAUDE_CODE_ALLOWED_ROOTS
      : workdir
        ? [workdir]
        : [];
    const { roots, missing } = resolveRoots(configuredRoots);
    this.roots = roots;
    if (missing.length > 0 && config.CLAUDE_CODE_ALLOWED_ROOTS?.length) {
      options.logger?.warn({ missing }, 'CLAUDE_CODE_ALLOWED_ROOTS names directories that do not exist');
    }
    if (!workdir) {
      problems.push('CLAUDE_CODE_WORKDIR is empty (set it to the directory Claude Code should work in)');
    } else {
      try {
        this.defaultWorkdir = resolveWorkdir(workdir, {
          base: process.cwd(),
          roots: this.roots,
          home: this.env.HOME,
          argument: 'CLAUDE_CODE_WORKDIR',
        });
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (!authSource(this.auth, this.env)) {
      problems.push(
        'no Anthropic credentials (set ANTHROPIC_API_KEY, or CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`)',
      );
    }
    this.unavailableReason =
      problems.length > 0
        ? `Claude Code is not set up: ${problems.join('; ')}. Tell the person that an admin can enable it by ` +
          'fixing this in the environment and restarting Clara.'
        : undefined;
  }

  get configured(): boolean {
    return this.unavailableReason === undefined;
  }

  /** The working directory of a person: the one they set, else `CLAUDE_CODE_WORKDIR`. */
  workdir(userId: string): string | undefined {
    return this.workdirs.get(userId) ?? this.defaultWorkdir;
  }

  /** Validates and remembers a person's working directory; returns the resolved path. */
  setWorkdir(userId: string, directory: string): string {
    const base = this.workdir(userId) ?? '/';
    const resolved = resolveWorkdir(directory, {
      base,
      roots: this.roots,
      home: this.env.HOME,
      argument: 'directory',
    });
    this.workdirs.set(userId, resolved);
    return resolved;
  }

  statusText(userId: string): string {
    const auth = authSource(this.auth, this.env);
    const lines = [
      `Claude Code: ${this.configured ? 'ready' : 'not set up'}`,
      `Credentials: ${auth ?? 'none (set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN)'}`,
      `Working directory: ${this.workdir(userId) ?? '(none: set CLAUDE_CODE_WORKDIR)'}`,
      `Allowed roots: ${this.roots.join(', ') || '(none)'}`,
      `Max turns per run: ${this.defaultMaxTurns}`,
    ];
    if (this.unavailableReason) lines.push(this.unavailableReason);
    for (const run of this.active) {
      const elapsed = ((Date.now() - run.startedAt.getTime()) / 1000).toFixed(0);
      lines.push(
        `Running now (${elapsed} s, in ${run.cwd}): ${snippet(run.prompt)}` +
          (run.lastProgress ? ` — ${run.lastProgress}` : ''),
      );
    }
    if (this.active.size === 0) lines.push('Running now: nothing');
    const last = this.lastRun;
    if (last) {
      const files = last.outcome.filesChanged.length
        ? `; files changed: ${last.outcome.filesChanged.join(', ')}`
        : '';
      lines.push(
        `Last run (${last.outcome.status}, finished ${last.finishedAt.toISOString()}, in ${last.cwd}): ` +
          `${snippet(last.prompt)} — ${runFigures(last.outcome, last.maxTurns)}${files}`,
      );
    } else {
      lines.push('Last run: none since Clara started');
    }
    return lines.join('\n');
  }

  /** Runs the agent; the returned text is the tool result (failures start with `Error:`). */
  async run(args: RunArgs, context: RunContext): Promise<string> {
    if (this.unavailableReason) return `Error: ${this.unavailableReason}`;
    const current = this.workdir(context.userId) ?? '/';
    let cwd = current;
    if (args.workingDir?.trim()) {
      try {
        cwd = resolveWorkdir(args.workingDir, {
          base: current,
          roots: this.roots,
          home: this.env.HOME,
          argument: 'working_dir',
        });
      } catch (error) {
        if (error instanceof WorkdirError) return `Error: ${error.message}`;
        throw error;
      }
    }
    const busy = [...this.active].find((run) => run.cwd === cwd);
    if (busy) {
      return (
        `Error: Claude Code is already working in ${cwd} (started ${busy.startedAt.toISOString()}: ` +
        `${snippet(busy.prompt)}). Wait for it to finish (claude_code_status shows it) or use another directory.`
      );
    }
    const maxTurns = args.maxTurns ?? this.defaultMaxTurns;
    const entry: ActiveRun = {
      stop: new AbortController(),
      userId: context.userId,
      cwd,
      prompt: args.prompt,
      startedAt: new Date(),
    };
    const signal = context.signal ? AbortSignal.any([context.signal, entry.stop.signal]) : entry.stop.signal;
    this.active.add(entry);
    this.options.logger?.info(
      { userId: context.userId, cwd, maxTurns, promptChars: args.prompt.length },
      'claude code run started',
    );
    try {
      const outcome = await runClaudeCode({
        prompt: args.prompt,
        cwd,
        maxTurns,
        tools: args.allowedTools?.length ? args.allowedTools : DEFAULT_AGENT_TOOLS,
        auth: this.auth,
        hostEnv: this.env,
        signal,
        progress: (line) => {
          entry.lastProgress = line;
          context.progress?.(line);
        },
        executable: this.options.executable,
      });
      this.lastRun = {
        userId: context.userId,
        cwd,
        prompt: args.prompt,
        finishedAt: new Date(),
        outcome,
        maxTurns,
      };
      const fields = {
        userId: context.userId,
        cwd,
        status: outcome.status,
        turns: outcome.turns,
        costUsd: outcome.costUsd,
        durationMs: Math.round(outcome.durationMs),
        filesChanged: outcome.filesChanged.length,
      };
      if (outcome.status === 'error') {
        this.options.logger?.warn({ ...fields, errors: outcome.errors }, 'claude code run failed');
      } else {
        this.options.logger?.info(fields, 'claude code run finished');
      }
      return formatOutcome(outcome, cwd, maxTurns);
    } finally {
      this.active.delete(entry);
      for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  /** Stops every running agent (Clara is shutting down) and waits until their processes are gone. */
  async close(): Promise<void> {
    for (const entry of this.active) entry.stop.abort();
    while (this.active.size > 0) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}
