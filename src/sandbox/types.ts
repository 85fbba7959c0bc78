/**
 * The code sandbox (spec §6, issue 6): one isolated workspace per person, reached through a backend — local Docker
 * (dockerode), our own remote sandbox service over HTTP, or (inside that service only) an isolated process
 * backend such as bubblewrap. Every backend shows the person's files under `/workspace`; relative paths resolve there.
 */

export const WORKSPACE = '/workspace';

/** The outcome of running something in a sandbox. Output is already capped by the backend. */
export interface ExecResult {
  ok: boolean;
  /** stdout (plus stderr for shell commands), possibly cut with a note. */
  output: string;
  /** stderr or a short reason when `ok` is false. */
  error?: string;
  exitCode?: number;
  durationMs: number;
  /** The run hit its time limit and was stopped. */
  timedOut?: boolean;
  /** Output was longer than the cap and was cut. */
  truncated?: boolean;
}

export interface RunOptions {
  /** Wall-clock limit of this run. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One person's sandbox as a backend sees it now (the sandbox service's `/status`). */
export interface SessionDetails {
  /** The real container id (Docker); null when there is no container (yet) or the backend has none. */
  containerId: string | null;
  /** Memory in use, in MB, and CPU share, in %, from the engine's live numbers; null when unknown. */
  memoryMb: number | null;
  cpuPercent: number | null;
}

/** Why a backend cannot be used right now, in words a person can act on. */
export type Availability = { ok: true } | { ok: false; reason: string };

export interface SandboxBackend {
  readonly kind: 'docker' | 'remote' | 'process';
  /** Cheap check (ping) used for backend selection and `/sandbox status`. */
  available(): Promise<Availability>;
  runPython(userId: string, code: string, options: RunOptions): Promise<ExecResult>;
  runShell(userId: string, command: string, options: RunOptions): Promise<ExecResult>;
  installPackage(userId: string, spec: string, options: RunOptions): Promise<ExecResult>;
  /** Throws SandboxError (`not_found`, `too_large` …) when the file cannot be read. */
  readFile(userId: string, path: string): Promise<Uint8Array>;
  writeFile(userId: string, path: string, content: Uint8Array): Promise<void>;
  /** `ls -la`-style listing of a folder in the workspace. */
  listFiles(userId: string, path: string): Promise<ExecResult>;
  unzip(
    userId: string,
    path: string,
    destination: string | undefined,
    options: RunOptions,
  ): Promise<ExecResult>;
  /** Removes the person's container/process state (files kept where the backend keeps them). */
  destroy(userId: string): Promise<void>;
  /** Live numbers for status displays. */
  stats(): Promise<Record<string, unknown>>;
  /** Creates the person's sandbox now instead of on first use (the service's `/create`); optional. */
  prepare?(userId: string): Promise<void>;
  /** The person's container and its live usage; optional (backends without containers leave it out). */
  sessionDetails?(userId: string): Promise<SessionDetails>;
  /** The version of the engine behind the backend (Docker's `/version`), for the service's `/info`; optional. */
  engineVersion?(): Promise<string | null>;
  /** Stops idle timers and removes what the backend created. */
  close(): Promise<void>;
}

export type SandboxErrorCode =
  | 'unavailable'
  | 'not_found'
  | 'too_large'
  | 'invalid_path'
  | 'timeout'
  | 'auth'
  | 'backend';

/** A sandbox failure with a message meant for the person (and the model); never contains secrets. */
export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
