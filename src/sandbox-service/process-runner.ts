/**
 * Runs one isolated command (bwrap …) as its own process group with a wall-clock limit and capped output.
 * On timeout or output flood every descendant is killed and the run resolves only once they are gone.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export interface RunSpec {
  command: string;
  args: string[];
  /** Data offered to the child on file descriptor 3 (bwrap `--file 3 …`). */
  fd3?: Uint8Array;
  timeoutMs: number;
  /** Bytes kept per stream; more is dropped and the result is marked truncated. */
  outputLimitBytes: number;
  /** Total bytes after which a flooding run is stopped. */
  floodLimitBytes: number;
  uid?: number;
  gid?: number;
  signal?: AbortSignal;
}

export interface RunOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  /** Stopped because it wrote more than `floodLimitBytes`. */
  flooded: boolean;
  cancelled: boolean;
  durationMs: number;
}

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  seen = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.seen += chunk.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }
  get truncated(): boolean {
    return this.seen > this.kept;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export function runIsolated(spec: RunSpec): Promise<RunOutcome> {
  const started = Date.now();
  const child = spawn(spec.command, spec.args, {
    detached: true,
    env: {},
    stdio: ['ignore', 'pipe', 'pipe', spec.fd3 ? 'pipe' : 'ignore'],
    uid: spec.uid,
    gid: spec.gid,
  });
  const stdout = new CappedBuffer(spec.outputLimitBytes);
  const stderr = new CappedBuffer(spec.outputLimitBytes);
  let timedOut = false;
  let flooded = false;
  let cancelled = false;
  let killing: Promise<number[]> | undefined;
  const stop = () => {
    killing ??= killTree(child.pid);
  };
  const onData = (buffer: CappedBuffer) => (chunk: Buffer) => {
    buffer.push(chunk);
    if (!flooded && stdout.seen + stderr.seen > spec.floodLimitBytes) {
      flooded = true;
      stop();
    }
  };
  child.stdout?.on('data', onData(stdout));
  child.stderr?.on('data', onData(stderr));
  const input = child.stdio[3];
  if (spec.fd3 && input && 'end' in input) {
    input.on('error', () => {});
    input.end(Buffer.from(spec.fd3));
  }
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, spec.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  spec.signal?.addEventListener('abort', onAbort, { once: true });
  if (spec.signal?.aborted) onAbort();

  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', async (code) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      const killed = killing ? await killing : [];
      await waitGone(killed);
      resolve({
        exitCode: code,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
        timedOut,
        flooded,
        cancelled,
        durationMs: Date.now() - started,
      });
    });
  });
}

/**
 * Kills every descendant of `pid` (bwrap's namespace init among them: its death tears the pid namespace down),
 * then the process group itself if it has not gone within a few seconds. Returns the pids it signalled.
 */
async function killTree(pid: number | undefined): Promise<number[]> {
  if (!pid) return [];
  const descendants = await descendantsOf(pid);
  for (const each of descendants) signal(each, 'SIGKILL');
  if (descendants.length === 0) signal(-pid, 'SIGKILL');
  // If the outer bwrap does not follow its child within 3 s, kill its whole group.
  setTimeout(() => signal(-pid, 'SIGKILL'), 3_000).unref();
  return descendants;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function descendantsOf(root: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
        // Fields after the command name (which may contain spaces) start after the last ')'.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (!Number.isFinite(ppid)) return;
        const list = parents.get(ppid) ?? [];
        list.push(Number(name));
        parents.set(ppid, list);
      }),
  );
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const child of parents.get(current) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Waits (bounded) until the killed processes have exited (gone or zombie). */
async function waitGone(pids: number[]): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const states = await Promise.all(
      pids.map((pid) =>
        readFile(`/proc/${pid}/stat`, 'utf8')
          .then((stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))
          .catch(() => 'gone'),
      ),
    );
    if (states.every((state) => state === 'gone' || state === 'Z' || state === 'X')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
