/**
 * The isolated process backend of the sandbox service: each run is a fresh bubblewrap (bwrap) sandbox that sees
 * the system read-only, the person's folder (`<dataDir>/<user id>`) read-write at /workspace, a private /tmp and
 * no network. Files are read and written by the service directly in that folder (see workspace-files.ts).
 * One person's runs and file operations take turns, so no sandbox process is alive while a path is checked.
 */
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type Availability,
  type ExecResult,
  type RunOptions,
  SAFE_USER_ID,
  type SandboxBackend,
  SandboxError,
  WORKSPACE,
} from '../sandbox/index.js';
import { BWRAP_PATH, bwrapArgs, type ResourceLimits } from './bwrap-command.js';
import { type RunOutcome, runIsolated } from './process-runner.js';
import { pythonResult, shellResult } from './run-results.js';
import { UNZIP_SCRIPT } from './unzip-script.js';
import {
  deleteWorkspaceFile,
  type Owner,
  readWorkspaceFile,
  sandboxPath,
  writeWorkspaceFile,
} from './workspace-files.js';

export interface BubblewrapBackendOptions {
  /** Folder holding one workspace folder per person (`SANDBOX_DATA_DIR`). */
  dataDir: string;
  /** Give runs the host's network (`SANDBOX_NETWORK` other than none); off by default. */
  network?: boolean;
  bwrapPath?: string;
  limits?: Partial<ResourceLimits>;
  /** Bytes of stdout and of stderr kept per run (default 100 000). */
  outputLimitBytes?: number;
  /** Total output after which a run is stopped (default 8 MiB). */
  floodLimitBytes?: number;
  /** Largest file `readFile` returns (default 50 MiB). */
  maxFileBytes?: number;
  /**
   * Host user the runs use. Default: nobody (65534) when the service runs as root, so the process limit holds
   * and files stay the sandbox's own; `null` keeps the service's user.
   */
  runAs?: Owner | null;
}

const DEFAULT_LIMITS: ResourceLimits = {
  memoryBytes: 512 * 1024 * 1024,
  maxProcesses: 256,
  maxFileBytes: 512 * 1024 * 1024,
};

export class BubblewrapBackend implements SandboxBackend {
  readonly kind = 'process' as const;
  private readonly bwrap: string;
  private readonly limits: ResourceLimits;
  private readonly prlimit: string | null;
  private runAs: Owner | undefined;
  private probed: Availability | undefined;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly running = new Map<string, Set<AbortController>>();

  constructor(private readonly options: BubblewrapBackendOptions) {
    this.bwrap = options.bwrapPath ?? BWRAP_PATH;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.prlimit = existsSync('/usr/bin/prlimit') ? '/usr/bin/prlimit' : null;
    const root = process.getuid?.() === 0;
    this.runAs =
      options.runAs === null ? undefined : (options.runAs ?? (root ? { uid: 65534, gid: 65534 } : undefined));
  }

  /**
   * Checks bwrap, python3 and the data folder, then runs a trivial Python program in a sandbox. Falls back from the
   * unprivileged host user to the service's own user when the host does not allow that (the process limit is then
   * not enforced). The result is kept for `available()`.
   */
  async probe(): Promise<Availability> {
    const reason = await this.findProblem();
    const result: Availability = reason ? { ok: false, reason } : { ok: true };
    this.probed = result;
    return result;
  }

  private async findProblem(): Promise<string | null> {
    if (path.isAbsolute(this.bwrap) && !existsSync(this.bwrap)) {
      return `bubblewrap is not installed (no ${this.bwrap}); install it with: apt-get install bubblewrap.`;
    }
    if (!existsSync('/usr/bin/python3'))
      return 'python3 is not installed in /usr/bin; install it with: apt-get install python3.';
    try {
      await this.ensureWorkspace(this.workspaceOf('.probe'));
    } catch (error) {
      return `SANDBOX_DATA_DIR (${this.options.dataDir}) cannot hold workspaces: ${(error as Error).message}.`;
    }
    const attempt = async (): Promise<string | null> => {
      try {
        const result = await this.runPython('.probe', 'print("sandbox-ok")', { timeoutMs: 20_000 });
        return result.ok && result.output.includes('sandbox-ok') ? null : (result.error ?? result.output);
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    };
    const problem = await attempt();
    if (!problem) return null;
    if (this.runAs) {
      // The unprivileged host user may lack access or user namespaces; the service's own user may not.
      this.runAs = undefined;
      if ((await attempt()) === null) return null;
    }
    return `bubblewrap (${this.bwrap}) could not run a test sandbox: ${problem.trim().slice(0, 400)}. Check that user namespaces are allowed here (sysctl user.max_user_namespaces > 0; in a container, a seccomp profile that permits unshare).`;
  }

  async available(): Promise<Availability> {
    return this.probed ?? this.probe();
  }

  /** What this backend enforces, for /info and the start-up log. */
  enforcement(): Record<string, string> {
    const { memoryBytes, maxProcesses, maxFileBytes } = this.limits;
    const viaPrlimit = (text: string) => (this.prlimit ? text : 'not enforced (prlimit missing)');
    return {
      network: this.options.network ? "on (the host's network, including its local services)" : 'off',
      memory: viaPrlimit(`address space ≤ ${memoryBytes} bytes per process (RLIMIT_AS)`),
      cpu: viaPrlimit('CPU seconds per process ≤ the run time limit (RLIMIT_CPU); CPU share is not limited'),
      processes: this.runAs
        ? viaPrlimit(
            `≤ ${maxProcesses} processes for all sandboxes together (RLIMIT_NPROC, host uid ${this.runAs.uid})`,
          )
        : 'not enforced (runs use the service user; RLIMIT_NPROC does not apply to root)',
      file_size: viaPrlimit(`files ≤ ${maxFileBytes} bytes (RLIMIT_FSIZE)`),
      disk: 'not limited (no quota on the workspace folder)',
    };
  }

  runPython(userId: string, code: string, options: RunOptions): Promise<ExecResult> {
    return this.locked(userId, async () => {
      const outcome = await this.execute(userId, ['python3', '/tmp/script.py'], options, code);
      return pythonResult(outcome, options);
    });
  }

  runShell(userId: string, command: string, options: RunOptions): Promise<ExecResult> {
    return this.locked(userId, async () => {
      const outcome = await this.execute(userId, ['/bin/sh', '-c', command], options);
      return shellResult(outcome, options);
    });
  }

  async installPackage(userId: string, spec: string, options: RunOptions): Promise<ExecResult> {
    const name = spec.trim();
    if (!name || name.startsWith('-') || /[\s\0]/.test(name)) {
      throw new SandboxError(
        'invalid_path',
        `"${spec}" is not a package name (example: requests or numpy==2.1).`,
      );
    }
    const local = /^(\.{0,2}\/|\/workspace\/)|\.(whl|tar\.gz|zip)$/.test(name);
    if (!this.options.network && !local) {
      return {
        ok: false,
        output: '',
        error: `Cannot install ${name}: this sandbox service has no network access (SANDBOX_NETWORK=none), so pip cannot download packages. Use the packages already installed, or ask the operator to set SANDBOX_NETWORK=host.`,
        durationMs: 0,
      };
    }
    const command = ['python3', '-m', 'pip', 'install', '--user', '--no-warn-script-location', '-q'];
    if (local && !this.options.network) command.push('--no-index');
    command.push(name);
    return this.locked(userId, async () => {
      const result = shellResult(await this.execute(userId, command, options), options);
      if (result.ok && result.output === '(no output)') result.output = `Installed ${name}.`;
      return result;
    });
  }

  readFile(userId: string, file: string): Promise<Uint8Array> {
    const root = this.workspaceOf(userId);
    return this.locked(userId, async () => {
      await this.ensureWorkspace(root);
      return readWorkspaceFile(root, file, this.options.maxFileBytes ?? 50 * 1024 * 1024);
    });
  }

  async writeFile(userId: string, file: string, content: Uint8Array): Promise<void> {
    const root = this.workspaceOf(userId);
    await this.locked(userId, async () => {
      await this.ensureWorkspace(root);
      await writeWorkspaceFile(root, file, content, this.runAs);
    });
  }

  /** Deletes one file (a symlink is removed itself). Resolves false when there was nothing to delete. */
  deleteFile(userId: string, file: string): Promise<boolean> {
    const root = this.workspaceOf(userId);
    return this.locked(userId, async () => {
      await this.ensureWorkspace(root);
      return deleteWorkspaceFile(root, file);
    });
  }

  listFiles(userId: string, folder: string): Promise<ExecResult> {
    const where = sandboxPath(folder || WORKSPACE);
    return this.locked(userId, async () => {
      const options = { timeoutMs: 10_000 };
      const result = shellResult(await this.execute(userId, ['ls', '-la', '--', where], options), options);
      const entries = result.output.split('\n').filter((line) => line && !line.startsWith('total '));
      if (result.ok && entries.every((line) => / \.\.?$/.test(line))) result.output = '(empty directory)';
      return result;
    });
  }

  async unzip(
    userId: string,
    file: string,
    destination: string | undefined,
    options: RunOptions,
  ): Promise<ExecResult> {
    const archive = sandboxPath(file);
    const target = sandboxPath(destination || path.posix.dirname(archive));
    const command = ['python3', '/tmp/script.py', archive, target];
    const result = await this.locked(userId, async () =>
      shellResult(await this.execute(userId, command, options, UNZIP_SCRIPT), options),
    );
    if (!result.ok) return result;
    const listing = await this.listFiles(userId, target);
    return { ...result, output: `${result.output}\n${listing.output}` };
  }

  async destroy(userId: string): Promise<void> {
    for (const controller of this.running.get(userId) ?? []) controller.abort();
  }

  async stats(): Promise<Record<string, unknown>> {
    let runs = 0;
    for (const set of this.running.values()) runs += set.size;
    return {
      backend: 'bubblewrap',
      running: runs,
      network: this.options.network === true,
      limits: this.enforcement(),
    };
  }

  async close(): Promise<void> {
    for (const set of this.running.values()) for (const controller of set) controller.abort();
    await Promise.allSettled([...this.queues.values()]);
  }

  private workspaceOf(userId: string): string {
    if (!SAFE_USER_ID.test(userId) && userId !== '.probe') {
      throw new SandboxError('invalid_path', `"${userId}" is not a valid user id for the sandbox.`);
    }
    return path.join(path.resolve(this.options.dataDir), userId);
  }

  private async ensureWorkspace(root: string): Promise<void> {
    const dataDir = path.dirname(root);
    if (!existsSync(dataDir)) {
      await mkdir(dataDir, { recursive: true, mode: 0o711 });
      // The sandbox user must be able to pass through the data folder to reach its own workspace.
      if (this.runAs) await chmod(dataDir, 0o711);
    }
    if (!existsSync(root)) {
      await mkdir(root, { mode: 0o700 });
      if (this.runAs) await chown(root, this.runAs.uid, this.runAs.gid);
    }
  }

  /** One person's operations run one after another. */
  private locked<T>(userId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => {});
    this.queues.set(userId, settled);
    void settled.then(() => {
      if (this.queues.get(userId) === settled) this.queues.delete(userId);
    });
    return next;
  }

  private async execute(
    userId: string,
    command: string[],
    options: RunOptions,
    script?: string,
  ): Promise<RunOutcome> {
    const root = this.workspaceOf(userId);
    await this.ensureWorkspace(root);
    const controller = new AbortController();
    const set = this.running.get(userId) ?? new Set<AbortController>();
    set.add(controller);
    this.running.set(userId, set);
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const [bin, ...args] = bwrapArgs({
      bwrap: this.bwrap,
      workspace: root,
      network: this.options.network === true,
      prlimit: this.prlimit,
      limits: this.limits,
      cpuSeconds: Math.ceil(options.timeoutMs / 1000) + 1,
      scriptPath: script === undefined ? undefined : '/tmp/script.py',
      command,
    });
    try {
      return await runIsolated({
        command: bin!,
        args,
        fd3: script === undefined ? undefined : Buffer.from(script, 'utf8'),
        timeoutMs: options.timeoutMs,
        outputLimitBytes: this.options.outputLimitBytes ?? 100_000,
        floodLimitBytes: this.options.floodLimitBytes ?? 8 * 1024 * 1024,
        uid: this.runAs?.uid,
        gid: this.runAs?.gid,
        signal,
      });
    } catch (error) {
      throw new SandboxError(
        'unavailable',
        `Could not start bubblewrap (${this.bwrap}): ${(error as Error).message}`,
      );
    } finally {
      set.delete(controller);
      if (set.size === 0) this.running.delete(userId);
    }
  }
}
