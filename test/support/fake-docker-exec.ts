/**
 * The process side of the fake Docker engine. A container is a few folders of the fake's temp root — its
 * `/workspace` (the named volume's folder when it binds one), `/tmp` and `/usr/local` (its writable layer for pip
 * installs) — and everything it runs (execs, and the tar behind the archive endpoints) runs inside a bubblewrap
 * sandbox that shows exactly those folders at those paths, the host's `/usr` (plus `/bin`, `/lib` …) and a few
 * loader/SSL files of `/etc` read-only as its "image", and nothing else of the host. Paths are never rewritten or
 * resolved on the host: a symbolic link to `/etc` inside a container leads to the sandbox's own (nearly empty)
 * `/etc`, never to the host's, just as a real container's links resolve inside its root. Writes outside the
 * mounted folders land in a per-process tmpfs and vanish. Namespaces: user, pid, ipc, uts, cgroup, mount, and the
 * network unless the container was created with a network other than `none`.
 *
 * Output is sent in Docker's multiplexed format: an 8-byte header (stream 1 = stdout, 2 = stderr, big-endian
 * length) before each chunk.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BWRAP_PATH, systemImageArgs } from '../../src/sandbox-service/index.js';

/** What one fake container is made of. */
export interface ContainerView {
  /** Host folder shown at /workspace. */
  workspace: string;
  /** Host folder shown at /tmp. */
  tmp: string;
  /** Host folder shown at /usr/local (the container's own, writable). */
  local: string;
  /** Share the host network (a container created with NetworkMode other than none). */
  network: boolean;
  hostname: string;
}

export const BWRAP = BWRAP_PATH;

/** PATH and HOME of a Debian-based image (python:3.12-slim sets the same). */
export const IMAGE_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'];

/** The bwrap command line that runs `argv` inside the container. */
export function viewArgs(
  view: ContainerView,
  options: { argv: string[]; workingDir: string; env: string[] },
): string[] {
  const args = [
    '--unshare-all',
    ...(view.network ? ['--share-net'] : []),
    '--die-with-parent',
    '--cap-drop',
    'ALL',
    '--hostname',
    view.hostname,
    // The same read-only system "image" as the sandbox service's bubblewrap runs.
    ...systemImageArgs(view.network),
  ];
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/root');
  args.push('--bind', view.tmp, '/tmp', '--bind', view.workspace, '/workspace');
  if (existsSync('/usr/local')) args.push('--bind', view.local, '/usr/local');
  args.push('--chdir', options.workingDir, '--clearenv');
  for (const entry of options.env) {
    const eq = entry.indexOf('=');
    if (eq > 0) args.push('--setenv', entry.slice(0, eq), entry.slice(eq + 1));
  }
  args.push('--', ...options.argv);
  return args;
}

export function frame(stream: 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface RunningExec {
  child: ChildProcess;
  /** Resolves with the exit code (128 + signal number when the command was killed by a signal). */
  done: Promise<number>;
  kill(): void;
}

const SIGNALS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGPIPE: 13 };

/** Spawns `argv` inside the container; the caller wires its stdio. */
export function spawnInside(
  view: ContainerView,
  options: { argv: string[]; workingDir: string; env: string[]; stdin?: boolean },
): RunningExec {
  const child = spawn(BWRAP, viewArgs(view, options), {
    // Its own process group: killing the group takes bwrap down, and with it the whole pid namespace.
    detached: true,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const done = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
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

/** Runs an exec's `argv` in the container; every output chunk goes to `write` as a frame. */
export function runProcess(
  view: ContainerView,
  options: { argv: string[]; workingDir: string; env: string[] },
  write: (chunk: Buffer) => void,
): RunningExec {
  const running = spawnInside(view, options);
  running.child.stdout?.on('data', (chunk: Buffer) => write(frame(1, chunk)));
  running.child.stderr?.on('data', (chunk: Buffer) => write(frame(2, chunk)));
  running.child.on('error', (error) => {
    write(frame(2, Buffer.from(`OCI runtime exec failed: ${error.message}\n`)));
  });
  return running;
}
