/**
 * The local Docker sandbox (spec §6.2, issue 6): one long-lived container per person (`clara-sandbox-<safe id>`)
 * with memory and CPU limits, no network unless configured, `/workspace` on a named volume (files survive the
 * container), an idle sweep that removes containers unused for `DOCKER_SANDBOX_TIMEOUT`, and work serialised per
 * person. Every command is an argument array run under a wall-clock limit; output is capped.
 */
import Dockerode from 'dockerode';
import { KeyedLock } from '../util/index.js';
import { describeDocker } from './docker-connection.js';
import { containerSpec, ensureImage, safeUserId } from './docker-container.js';
import { toSandboxError, unreachableReason } from './docker-errors.js';
import { type ExecOutcome, isStatus, runExec } from './docker-exec.js';
import {
  putInternalFile,
  readContainerFile,
  resolveInContainer,
  writeContainerFile,
} from './docker-files.js';
import { installInContainer } from './docker-install.js';
import { execResult } from './docker-result.js';
import { containerUsage } from './docker-stats.js';
import { DEFAULT_MAX_OUTPUT_CHARS } from './output.js';
import { checkPackageSpec } from './packages.js';
import {
  type Availability,
  type ExecResult,
  type RunOptions,
  type SandboxBackend,
  SandboxError,
  type SessionDetails,
  WORKSPACE,
} from './types.js';
import { unzipCommand } from './unzip-command.js';
import { workspacePath } from './workspace-path.js';

export interface DockerBackendOptions {
  /** A dockerode instance (tests), or `connection` to build one (`dockerConnection(DOCKER_HOST)`). */
  docker?: Dockerode;
  connection?: Dockerode.DockerOptions;
  image: string;
  /** `DOCKER_SANDBOX_MEMORY`, e.g. `512m`. */
  memory: string;
  /** `DOCKER_SANDBOX_CPU`, e.g. 1.0. */
  cpus: number;
  /** `DOCKER_SANDBOX_NETWORK`: `none` (default) or a Docker network such as `bridge`. */
  network?: string;
  /** `DOCKER_SANDBOX_TIMEOUT` × 1000: idle time after which a person's container is removed. */
  idleTimeoutMs: number;
  /** How often the idle sweep runs (default: a quarter of the idle time, at most a minute); 0 = never. */
  sweepIntervalMs?: number;
  maxOutputChars?: number;
  /** Largest file read or written at once (default 50 MB). */
  maxFileBytes?: number;
  git?: { name: string; email: string };
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  now?: () => number;
  /** Extra time our side waits beyond a run's limit before giving up on its stream (default 10 s). */
  graceMs?: number;
}

interface Session {
  containerId: string;
  name: string;
  createdAt: number;
  lastUsed: number;
  runs: number;
  installed?: Set<string>;
}

const SCRIPT_DIR = '/tmp';
const SCRIPT_NAME = 'clara_script.py';
const LIST_TIMEOUT_MS = 30_000;

export class DockerBackend implements SandboxBackend {
  readonly kind = 'docker' as const;
  private readonly docker: Dockerode;
  private readonly where: string;
  private readonly sessions = new Map<string, Session>();
  private readonly lock = new KeyedLock();
  private readonly network: string;
  private readonly now: () => number;
  private readonly maxChars: number;
  private readonly maxFileBytes: number;
  private sweeper: NodeJS.Timeout | undefined;
  private imageReady = false;

  constructor(private readonly options: DockerBackendOptions) {
    const connection = options.connection ?? {};
    this.docker = options.docker ?? new Dockerode(connection);
    const modem = (this.docker as unknown as { modem?: Dockerode.DockerOptions }).modem;
    this.where = describeDocker(options.docker ? (modem ?? connection) : connection);
    this.network = options.network?.trim() || 'none';
    this.now = options.now ?? Date.now;
    this.maxChars = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
    this.maxFileBytes = options.maxFileBytes ?? 50 * 1024 * 1024;
    const every = options.sweepIntervalMs ?? Math.min(60_000, Math.max(1_000, options.idleTimeoutMs / 4));
    if (every > 0) {
      this.sweeper = setInterval(() => void this.sweepIdle().catch(() => undefined), every);
      this.sweeper.unref?.();
    }
  }

  /** The engine address in words (for status and errors), never credentials. */
  describe(): string {
    return `Docker at ${this.where}, image ${this.options.image}, network ${this.network}`;
  }

  async available(): Promise<Availability> {
    try {
      await (this.docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>)({
        abortSignal: AbortSignal.timeout(3_000),
      });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: this.unreachable(error) };
    }
  }

  private unreachable(error: unknown): string {
    return unreachableReason(this.where, error);
  }

  /** Docker call failures that mean "no daemon" become `unavailable`; others pass through. */
  private wrap(error: unknown): never {
    return toSandboxError(this.where, error);
  }

  private async ensureImage(): Promise<void> {
    if (this.imageReady) return;
    await ensureImage(this.docker, this.options.image, this.options.logger).catch((error: unknown) =>
      this.wrap(error),
    );
    this.imageReady = true;
  }

  private async createContainer(userId: string): Promise<Session> {
    await this.ensureImage();
    const safe = safeUserId(userId);
    const name = `clara-sandbox-${safe}`;
    await this.docker
      .getContainer(name)
      .remove({ force: true })
      .catch((error: unknown) => {
        if (!isStatus(error, 404)) this.wrap(error);
      });
    try {
      const container = await this.docker.createContainer(
        containerSpec({ ...this.options, network: this.network, name, safeId: safe }),
      );
      await container.start();
      this.options.logger?.info({ user: userId, container: name }, 'sandbox container started');
      const at = this.now();
      return { containerId: container.id, name, createdAt: at, lastUsed: at, runs: 0 };
    } catch (error) {
      return this.wrap(error);
    }
  }

  /** The person's running container, created when missing or no longer running. Call inside the person's lock. */
  private async session(userId: string): Promise<{ session: Session; container: Dockerode.Container }> {
    const known = this.sessions.get(userId);
    if (known) {
      const container = this.docker.getContainer(known.containerId);
      const running = await container
        .inspect()
        .then((info) => info.State?.Running === true)
        .catch((error: unknown) => (isStatus(error, 404) ? false : this.wrap(error)));
      if (running) {
        known.lastUsed = this.now();
        return { session: known, container };
      }
      this.sessions.delete(userId);
    }
    const session = await this.createContainer(userId);
    this.sessions.set(userId, session);
    return { session, container: this.docker.getContainer(session.containerId) };
  }

  private withContainer<T>(
    userId: string,
    work: (container: Dockerode.Container, session: Session) => Promise<T>,
  ): Promise<T> {
    return this.lock.run(userId, async () => {
      const { session, container } = await this.session(userId);
      try {
        return await work(container, session);
      } catch (error) {
        if (error instanceof SandboxError && error.code === 'unavailable') this.sessions.delete(userId);
        throw error;
      } finally {
        session.lastUsed = this.now();
      }
    });
  }

  private async exec(
    userId: string,
    container: Dockerode.Container,
    session: Session,
    cmd: string[],
    options: RunOptions,
  ): Promise<ExecOutcome> {
    session.runs++;
    const outcome = await runExec(container, {
      cmd,
      timeoutMs: options.timeoutMs,
      maxChars: this.maxChars,
      workingDir: WORKSPACE,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.options.graceMs !== undefined ? { graceMs: this.options.graceMs } : {}),
    });
    if (outcome.stopped === 'backstop' || outcome.stopped === 'lost') {
      // The process may still run (backstop) or the container died: start afresh next time (files are kept).
      this.sessions.delete(userId);
      if (outcome.stopped === 'backstop') await container.remove({ force: true }).catch(() => undefined);
    }
    return outcome;
  }

  runPython(userId: string, code: string, options: RunOptions): Promise<ExecResult> {
    return this.withContainer(userId, async (container, session) => {
      await putInternalFile(container, SCRIPT_DIR, SCRIPT_NAME, code);
      const outcome = await this.exec(
        userId,
        container,
        session,
        ['python3', `${SCRIPT_DIR}/${SCRIPT_NAME}`],
        options,
      );
      return execResult(outcome, options.timeoutMs, false);
    });
  }

  runShell(userId: string, command: string, options: RunOptions): Promise<ExecResult> {
    return this.command(userId, ['sh', '-c', command], options);
  }

  async installPackage(userId: string, spec: string, options: RunOptions): Promise<ExecResult> {
    checkPackageSpec(spec);
    return this.withContainer(userId, (container, session) =>
      installInContainer(
        (cmd, runOptions) => this.exec(userId, container, session, cmd, runOptions),
        session,
        spec,
        this.network,
        options,
      ),
    );
  }

  async readFile(userId: string, path: string): Promise<Uint8Array> {
    workspacePath(path);
    return this.withContainer(userId, async (container, session) => {
      const real = await this.resolve(userId, container, session, path, 'read');
      return readContainerFile(container, real, this.maxFileBytes);
    });
  }

  async writeFile(userId: string, path: string, content: Uint8Array): Promise<void> {
    workspacePath(path);
    return this.withContainer(userId, async (container, session) => {
      const real = await this.resolve(userId, container, session, path, 'written');
      await writeContainerFile(container, real, content, this.maxFileBytes);
    });
  }

  /** `path` resolved through its links inside the container; refused when it leads out of the workspace. */
  private resolve(
    userId: string,
    container: Dockerode.Container,
    session: Session,
    path: string,
    doing: 'read' | 'written',
  ): Promise<string> {
    const run = (cmd: string[]) => this.exec(userId, container, session, cmd, { timeoutMs: LIST_TIMEOUT_MS });
    return resolveInContainer(run, path, doing);
  }

  async listFiles(userId: string, path: string): Promise<ExecResult> {
    const target = workspacePath(path);
    const result = await this.command(userId, ['ls', '-la', '--', target], { timeoutMs: LIST_TIMEOUT_MS });
    const empty = /^total 0\s*$/m.test(result.output) && result.output.trim().split('\n').length <= 3;
    return result.ok && empty ? { ...result, output: `${target}: (empty directory)` } : result;
  }

  async unzip(userId: string, path: string, destination: string | undefined, options: RunOptions) {
    const archive = workspacePath(path, 'path');
    const target = destination ? workspacePath(destination, 'destination') : undefined;
    return this.command(userId, unzipCommand(archive, target), options);
  }

  /** A command in the person's container, shell-style result. */
  private command(userId: string, cmd: string[], options: RunOptions): Promise<ExecResult> {
    return this.withContainer(userId, async (container, session) =>
      execResult(await this.exec(userId, container, session, cmd, options), options.timeoutMs, true),
    );
  }

  /** Starts the person's container now (the sandbox service's `/create`). */
  async prepare(userId: string): Promise<void> {
    await this.withContainer(userId, async () => undefined);
  }

  /** The person's container id and its live memory/CPU numbers (nulls when there is no container yet). */
  async sessionDetails(userId: string): Promise<SessionDetails> {
    const session = this.sessions.get(userId);
    if (!session) return { containerId: null, memoryMb: null, cpuPercent: null };
    const usage = await containerUsage(this.docker.getContainer(session.containerId)).catch(() => ({
      memoryMb: null,
      cpuPercent: null,
    }));
    return { containerId: session.containerId, ...usage };
  }

  async engineVersion(): Promise<string | null> {
    const version = (await this.docker.version()) as { Version?: string };
    return version.Version ?? null;
  }

  destroy(userId: string): Promise<void> {
    return this.lock.run(userId, async () => {
      const session = this.sessions.get(userId);
      this.sessions.delete(userId);
      const name = session?.containerId ?? `clara-sandbox-${safeUserId(userId)}`;
      await this.docker
        .getContainer(name)
        .remove({ force: true })
        .catch((error: unknown) => {
          if (!isStatus(error, 404)) this.wrap(error);
        });
    });
  }

  /** Removes containers idle longer than the idle timeout; returns the people whose container went. */
  async sweepIdle(): Promise<string[]> {
    const cutoff = this.now() - this.options.idleTimeoutMs;
    const idle = [...this.sessions].filter(([, s]) => s.lastUsed <= cutoff).map(([userId]) => userId);
    const removed: string[] = [];
    for (const userId of idle) {
      await this.lock.run(userId, async () => {
        const session = this.sessions.get(userId);
        if (!session || session.lastUsed > cutoff) return;
        this.sessions.delete(userId);
        await this.docker
          .getContainer(session.containerId)
          .remove({ force: true })
          .catch(() => undefined);
        this.options.logger?.info(
          { user: userId, container: session.name },
          'idle sandbox container removed',
        );
        removed.push(userId);
      });
    }
    return removed;
  }

  async stats(): Promise<Record<string, unknown>> {
    const now = this.now();
    return {
      backend: 'docker',
      docker: this.where,
      image: this.options.image,
      network: this.network,
      memory: this.options.memory,
      cpus: this.options.cpus,
      idleTimeoutSeconds: Math.round(this.options.idleTimeoutMs / 1000),
      activeContainers: this.sessions.size,
      containers: [...this.sessions].map(([userId, s]) => ({
        user: userId,
        name: s.name,
        runs: s.runs,
        idleSeconds: Math.round((now - s.lastUsed) / 1000),
      })),
    };
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const all = [...this.sessions];
    this.sessions.clear();
    await Promise.all(
      all.map(([, s]) =>
        this.docker
          .getContainer(s.containerId)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
}
