/**
 * Runs the real `clara` command as a child process: the build in `dist/` when it is newer than every source file
 * (`npm test` builds first; a compiled start costs half the CPU of tsx), else the source through tsx.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Newest modification time of the files under `dir` (recursively). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function claraCommand(): string[] {
  const built = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'))) {
    // Every dist file is written by one `tsc` run; main.js being newer than all sources means the build is fresh.
    return [built];
  }
  return ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts')];
}

const CLARA = claraCommand();

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Env for a child: no inherited Clara settings, only what the test gives (plus PATH/HOME). */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    CLARA_LOG_DIR: 'off',
    ...env,
  };
}

export function runClara(
  args: string[],
  options: { env: Record<string, string | undefined>; input?: string; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...CLARA, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface RunningClara {
  output: () => string;
  /** Resolves with the text matched by `pattern` once it appears on stdout or stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  write(text: string): void;
  /** Closes stdin (piped mode sends the message). */
  end(): void;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts a long-running `clara` command; `tty` runs it under a pseudo-terminal (util-linux `script`). */
export function spawnClara(
  args: string[],
  options: { env: Record<string, string | undefined>; tty?: boolean },
): RunningClara {
  const command = [process.execPath, ...CLARA, ...args];
  const child = options.tty
    ? spawn('script', ['-qfec', command.map((part) => `'${part}'`).join(' '), '/dev/null'], {
        cwd: REPO_ROOT,
        env: { ...childEnv(options.env), TERM: 'dumb' },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(command[0]!, command.slice(1), {
        cwd: REPO_ROOT,
        env: childEnv(options.env),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolvePromise) =>
    child.on('close', (code) => resolvePromise(code)),
  );
  return {
    output: () => text,
    exited,
    write: (input) => child.stdin.write(input),
    end: () => child.stdin.end(),
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (!match) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolvePromise(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`Timed out waiting for ${pattern} in output:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}
