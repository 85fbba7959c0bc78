/**
 * One command run in a container through the Docker exec API, always as an argument array: it runs under
 * coreutils `timeout` inside the container (which kills the whole process group when the limit passes), its
 * multiplexed output is demuxed and capped, and a backstop on our side gives up on the stream if the engine never
 * ends it. Docker failures become SandboxErrors with a reason a person can act on.
 */
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { FrameDemuxer } from './output.js';
import { SandboxError } from './types.js';

export interface ExecRequest {
  cmd: string[];
  timeoutMs: number;
  maxChars: number;
  workingDir: string;
  env?: string[];
  signal?: AbortSignal;
  /** How long after the limit our side stops waiting for the stream (default 10 s). */
  graceMs?: number;
  /** Output (in characters) after which the run is cut off as a flood (default 20 × maxChars, at least 1 MB). */
  floodChars?: number;
}

export interface ExecOutcome {
  stdout: string;
  stderr: string;
  /** null when the engine could not tell (the container went away). */
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
  /** Why our side stopped reading early, if it did. */
  stopped?: 'flood' | 'cancelled' | 'backstop' | 'lost';
  durationMs: number;
}

/** Exit status of coreutils `timeout` when the limit passed (124) or it had to SIGKILL (137). */
const TIMEOUT_EXIT = 124;
const KILLED_EXIT = 137;

export function seconds(ms: number): string {
  const value = Math.max(ms, 1) / 1000;
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
}

export function dockerMessage(error: unknown): string {
  const e = error as { statusCode?: number; json?: { message?: string }; message?: string; code?: string };
  return (e.json?.message ?? e.message ?? String(error)).trim();
}

export function isStatus(error: unknown, status: number): boolean {
  return (error as { statusCode?: number })?.statusCode === status;
}

export async function runExec(container: Dockerode.Container, request: ExecRequest): Promise<ExecOutcome> {
  const started = performance.now();
  const cmd = ['timeout', '-k', '3', seconds(request.timeoutMs), ...request.cmd];
  let exec: Dockerode.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
      Cmd: cmd,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      WorkingDir: request.workingDir,
      ...(request.env ? { Env: request.env } : {}),
    });
    stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  } catch (error) {
    if (isStatus(error, 404) || isStatus(error, 409)) {
      throw new SandboxError(
        'unavailable',
        `The sandbox container is gone or stopped (${dockerMessage(error)}).`,
      );
    }
    throw new SandboxError('backend', `Docker could not start the command: ${dockerMessage(error)}`);
  }
  const demux = new FrameDemuxer(request.maxChars);
  const floodChars = request.floodChars ?? Math.max(1_000_000, request.maxChars * 20);
  let stopped: ExecOutcome['stopped'];
  let clean = false;
  await new Promise<void>((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(backstop);
      request.signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const stop = (why: NonNullable<ExecOutcome['stopped']>) => {
      stopped ??= why;
      stream.destroy();
      finish();
    };
    const onAbort = () => stop('cancelled');
    const backstop = setTimeout(() => stop('backstop'), request.timeoutMs + (request.graceMs ?? 10_000));
    backstop.unref?.();
    stream.on('data', (chunk: Buffer) => {
      demux.push(chunk);
      if (demux.total > floodChars) stop('flood');
    });
    stream.on('end', () => {
      clean = true;
      finish();
    });
    stream.on('close', finish);
    stream.on('error', () => {
      stopped ??= 'lost';
      finish();
    });
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
  });
  let exitCode: number | null = null;
  let running = false;
  try {
    const info = await exec.inspect();
    exitCode = typeof info.ExitCode === 'number' ? info.ExitCode : null;
    running = info.Running === true;
  } catch {
    stopped ??= 'lost';
  }
  if (!clean && !stopped && exitCode === null) stopped = 'lost';
  const durationMs = performance.now() - started;
  const timedOut =
    stopped === 'backstop' ||
    (!running &&
      (exitCode === TIMEOUT_EXIT || (exitCode === KILLED_EXIT && durationMs >= request.timeoutMs)));
  return {
    stdout: demux.stdout.withNote(),
    stderr: demux.stderr.withNote(),
    exitCode,
    timedOut,
    truncated: demux.stdout.truncated || demux.stderr.truncated || stopped === 'flood',
    ...(stopped ? { stopped } : {}),
    durationMs,
  };
}
