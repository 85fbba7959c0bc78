/**
 * Runs one install step as a child process: an argument array (never a shell), a time limit that kills the whole
 * process group, and the tail of its output kept for the error message.
 */
import { spawn } from 'node:child_process';

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Each non-empty output line, as it arrives (for progress output). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface CommandResult {
  code: number;
  output: string;
}

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

const TAIL_CHARS = 2000;

/** Human form of a command for messages (arguments are never shell-interpreted). */
export function describeCommand(command: string, args: readonly string[]): string {
  return [command, ...args]
    .map((part) => (/^[\w@./:=+-]+$/.test(part) ? part : JSON.stringify(part)))
    .join(' ');
}

export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const label = describeCommand(command, args);
  return new Promise((resolve, reject) => {
    let output = '';
    let pending = '';
    let settled = false;
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      shell: false,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = () => {
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-TAIL_CHARS * 4);
      if (!options.onLine) return;
      pending += text;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onLine(line.trim());
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const timer = setTimeout(() => {
      killGroup();
      finish(
        new CommandError(
          `${label} did not finish within ${options.timeoutMs / 1000} s and was stopped.${tail(output)}`,
          output,
        ),
      );
    }, options.timeoutMs);
    const onAbort = () => {
      killGroup();
      finish(new CommandError(`${label} was cancelled.`, output));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    function finish(result: Error | CommandResult) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        new CommandError(
          error.code === 'ENOENT'
            ? `${command} is not installed or not on PATH (needed to run: ${label}).`
            : `${label} could not start: ${error.message}`,
          output,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (pending.trim()) options.onLine?.(pending.trim());
      if (code === 0) finish({ code, output });
      else
        finish(
          new CommandError(
            `${label} failed (${signal ? `signal ${signal}` : `exit code ${code}`}).${tail(output)}`,
            output,
          ),
        );
    });
  });
}

function tail(output: string): string {
  const trimmed = output.trim();
  if (!trimmed) return '';
  const lines = trimmed.slice(-TAIL_CHARS).split('\n').slice(-15).join('\n');
  return `\n${lines}`;
}
