/** Shared shapes of the installer: the context each install step gets, and its outcome. */

export interface InstallTimeouts {
  /** git clone (default 120 s). */
  cloneMs: number;
  /** Dependency install and build steps (default 300 s each). */
  installMs: number;
  /** The test connection (default 30 s). */
  probeMs: number;
  /** Registry look-ups and docker pull (default 600 s for the pull). */
  pullMs: number;
}

export const DEFAULT_TIMEOUTS: InstallTimeouts = {
  cloneMs: 120_000,
  installMs: 300_000,
  probeMs: 30_000,
  pullMs: 600_000,
};

export interface InstallContext {
  /** A step of the install, for progress output ("Cloning…", "Installing dependencies…"). */
  progress: (message: string) => void;
  /** One output line of a running step (npm, git, build), for verbose progress output. */
  detail: (line: string) => void;
  /** Environment of install subprocesses (the user's, so npm uses their configured registry). */
  env: NodeJS.ProcessEnv;
  timeouts: InstallTimeouts;
  signal?: AbortSignal;
}

export class InstallError extends Error {
  override name = 'InstallError';
}

/** How to start a local (stdio) server. */
export interface StdioLaunch {
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
}
