/**
 * Which sandbox backend serves a call (spec §6.1): `SANDBOX_MODE` local → Docker only; remote → the remote sandbox
 * service only; auto → the remote service when `SANDBOX_API_URL` and `SANDBOX_API_KEY` are both set, else local
 * Docker when its daemon answers a ping, else none. The choice is re-evaluated on use and cached briefly (a ping per
 * call would slow every run), so Docker started after Clara is picked up within `cacheMs`.
 */
import type { SandboxBackend } from './types.js';

export type SandboxMode = 'auto' | 'local' | 'remote';

export interface SandboxSelectorOptions {
  mode: SandboxMode;
  /** Builds the remote backend; absent when `SANDBOX_API_URL` and `SANDBOX_API_KEY` are not both set. */
  remote?: (() => SandboxBackend) | undefined;
  /** Builds the local Docker backend (called once, on first use). */
  docker?: (() => SandboxBackend) | undefined;
  /** How long a choice (or the lack of one) is kept (default 10 s). */
  cacheMs?: number;
  now?: () => number;
}

export type Selection =
  | { ok: true; backend: SandboxBackend; via: 'remote' | 'docker' }
  | { ok: false; reason: string };

export interface SandboxStatus {
  mode: string;
  available: boolean;
  detail: string;
}

const DEFAULT_CACHE_MS = 10_000;

function summary(stats: Record<string, unknown>): string {
  return Object.entries(stats)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
}

export class SandboxSelector {
  private remoteBackend: SandboxBackend | undefined;
  private dockerBackend: SandboxBackend | undefined;
  private cached: { at: number; selection: Promise<Selection> } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SandboxSelectorOptions) {
    this.now = options.now ?? Date.now;
  }

  get mode(): SandboxMode {
    return this.options.mode;
  }

  /** The backend to use now, or why there is none (cached for `cacheMs`). */
  select(): Promise<Selection> {
    const at = this.now();
    if (this.cached && at - this.cached.at < (this.options.cacheMs ?? DEFAULT_CACHE_MS))
      return this.cached.selection;
    const selection = this.evaluate();
    this.cached = { at, selection };
    return selection;
  }

  /** Forgets the cached choice (after a backend reported it is unavailable). */
  invalidate(): void {
    this.cached = undefined;
  }

  private remote(): SandboxBackend | undefined {
    if (!this.options.remote) return undefined;
    this.remoteBackend ??= this.options.remote();
    return this.remoteBackend;
  }

  private docker(): SandboxBackend | undefined {
    if (!this.options.docker) return undefined;
    this.dockerBackend ??= this.options.docker();
    return this.dockerBackend;
  }

  private async viaRemote(): Promise<Selection> {
    const remote = this.remote();
    if (!remote) {
      return {
        ok: false,
        reason:
          'SANDBOX_MODE=remote, but SANDBOX_API_URL and SANDBOX_API_KEY are not both set. Set them to the sandbox service, or use SANDBOX_MODE=auto.',
      };
    }
    const availability = await remote.available();
    return availability.ok
      ? { ok: true, backend: remote, via: 'remote' }
      : { ok: false, reason: `the remote sandbox service is not available: ${availability.reason}` };
  }

  private async viaDocker(): Promise<Selection> {
    const docker = this.docker();
    if (!docker) return { ok: false, reason: 'the local Docker sandbox is not configured in this build.' };
    const availability = await docker.available();
    return availability.ok
      ? { ok: true, backend: docker, via: 'docker' }
      : { ok: false, reason: availability.reason };
  }

  private async evaluate(): Promise<Selection> {
    const { mode } = this.options;
    if (mode === 'remote') return this.viaRemote();
    if (mode === 'local') {
      const local = await this.viaDocker();
      return local.ok
        ? local
        : { ok: false, reason: `${local.reason} (SANDBOX_MODE=local uses Docker only.)` };
    }
    if (this.options.remote) return this.viaRemote();
    const local = await this.viaDocker();
    if (local.ok) return local;
    return {
      ok: false,
      reason: `${local.reason.replace(/\.$/, '')}, and SANDBOX_API_URL / SANDBOX_API_KEY are not set for a remote sandbox service.`,
    };
  }

  /** For `/sandbox status`: the mode (and the backend chosen in auto), availability and a one-line detail. */
  async status(): Promise<SandboxStatus> {
    this.invalidate();
    const selection = await this.select();
    if (!selection.ok)
      return { mode: this.options.mode, available: false, detail: `No code sandbox: ${selection.reason}` };
    const stats = await selection.backend.stats().catch(() => ({}));
    const mode =
      this.options.mode === 'auto' ? `auto → ${selection.via}` : `${this.options.mode} (${selection.via})`;
    return { mode, available: true, detail: summary(stats) || `${selection.via} backend ready` };
  }

  /** Closes the backends that were built. */
  async close(): Promise<void> {
    await Promise.all([this.remoteBackend?.close(), this.dockerBackend?.close()]);
  }
}
