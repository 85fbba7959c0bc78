/**
 * Runs a command-line tool (pg_dump, psql) with an argument array — never through a shell — a time limit, and its
 * stderr kept for the error message. stdout and stdin can be streamed.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface RunToolOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Streams stdout flows through, ending in a writable (e.g. gzip → file); discarded when omitted. */
  stdout?: [...NodeJS.ReadWriteStream[], Writable];
  /** Streams that feed stdin, starting with a readable (e.g. file → gunzip); empty stdin when omitted. */
  stdin?: [Readable, ...NodeJS.ReadWriteStream[]];
}

export type ToolFailure =
  | { kind: 'missing' }
  | { kind: 'timeout' }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string }
  | { kind: 'io'; message: string };

export class ToolError extends Error {
  constructor(readonly failure: ToolFailure) {
    super(failure.kind);
  }
}

const MAX_STDERR = 16 * 1024;

export async function runTool(options: RunToolOptions): Promise<void> {
  const child = spawn(options.command, options.args, {
    env: options.env,
    stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'],
    shell: false,
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.slice(0, MAX_STDERR - stderr.length);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const streams: Promise<void>[] = [];
  if (options.stdout && child.stdout) streams.push(pipeline([child.stdout, ...options.stdout]));
  if (options.stdin && child.stdin) {
    // psql may exit early (an error with ON_ERROR_STOP); a broken pipe then is not the failure to report.
    child.stdin.on('error', () => {});
    streams.push(pipeline([...options.stdin, child.stdin]).catch(() => {}));
  }
  // Settled right away, so a stream failing while the process is still starting is never an unhandled rejection.
  const streamResults = Promise.allSettled(streams);

  try {
    let result: { code: number | null; signal: NodeJS.Signals | null };
    try {
      result = await exited;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ToolError({ kind: 'missing' });
      throw new ToolError({ kind: 'io', message: (error as Error).message });
    }
    const streamErrors = await streamResults;
    if (timedOut) throw new ToolError({ kind: 'timeout' });
    if (result.code !== 0) throw new ToolError({ kind: 'exit', ...result, stderr: stderr.trim() });
    const failed = streamErrors.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new ToolError({ kind: 'io', message: (failed.reason as Error).message });
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
