/**
 * The process side of the fake Docker engine: a container is a folder on this machine (its `/workspace` and `/tmp`
 * are host folders, `/workspace` on a per-volume folder when the container binds a named volume), and an exec runs
 * its argument array for real as a child process, with `/workspace` and `/tmp` rewritten to those folders in argv,
 * working directory and environment (and rewritten back in the output); paths written inside a script file are
 * not rewritten, so test code uses relative paths (the working directory is /workspace). Output is sent in Docker's multiplexed
 * format: an 8-byte header (stream 1 = stdout, 2 = stderr, big-endian length) before each chunk.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface PathMap {
  /** Container path prefix → host folder, e.g. `/workspace` → `/tmp/fake-docker-x/vol-a`. */
  readonly mounts: ReadonlyArray<{ container: string; host: string }>;
}

const PREFIX = /(?<![\w./-])\/(workspace|tmp)(?=\/|$|[^\w.-])/g;

export function toHost(map: PathMap, value: string): string {
  return value.replace(
    PREFIX,
    (whole, top: string) => map.mounts.find((m) => m.container === `/${top}`)?.host ?? whole,
  );
}

export function toContainer(map: PathMap, value: string): string {
  let out = value;
  for (const mount of [...map.mounts].sort((a, b) => b.host.length - a.host.length)) {
    out = out.split(mount.host).join(mount.container);
  }
  return out;
}

export function frame(stream: 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface RunningExec {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal, as 128 + signal number is reported instead). */
  done: Promise<number>;
  kill(): void;
}

const SIGNALS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGPIPE: 13 };

/** Runs `argv` with container paths mapped; every output chunk goes to `write` as a frame. */
export function runProcess(
  map: PathMap,
  options: { argv: string[]; workingDir: string; env: string[] },
  write: (chunk: Buffer) => void,
): RunningExec {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  for (const entry of options.env) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = toHost(map, entry.slice(eq + 1));
  }
  const [command, ...args] = options.argv.map((arg) => toHost(map, arg));
  const child = spawn(command ?? 'false', args, {
    cwd: toHost(map, options.workingDir),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const send = (stream: 1 | 2) => (chunk: Buffer) =>
    write(frame(stream, Buffer.from(toContainer(map, chunk.toString('latin1')), 'latin1')));
  child.stdout?.on('data', send(1));
  child.stderr?.on('data', send(2));
  const done = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      write(frame(2, Buffer.from(`OCI runtime exec failed: ${error.message}\n`)));
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 9)));
  });
  return {
    child,
    done,
    kill() {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
  };
}
