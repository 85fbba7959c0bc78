/**
 * Which sandbox backend serves a call (spec §6.1): `SANDBOX_MODE` local → Docker only; remote → the remote sandbox
 * service only; auto → the remote service when `SANDBOX_API_URL` and `SANDBOX_API_KEY` are both set, else local
 * Docker when its daemon answers a ping, else none. As the spec has it, auto picks by configuration: a configured
 * remote service that is down gives no sandbox (with the reason) rather than a silent switch to local Docker, where
 * the person's files are not. The mode can be given per call (a Discord server's `/sandbox mode`); without one
 * `SANDBOX_MODE` applies. Each mode's choice is re-evaluated on use and cached briefly (a ping per call would slow
 * every run), so Docker started after Clara is picked up within `cacheMs`.
 */
import type { SandboxBackend } from './types.js';

export type SandboxMode = 'auto' | 'local' | 'remote';

/**
 * The mode a Discord server asked for (`guild_configs.sandbox_mode`): `local` or `remote` pin that backend for the
 * server; the stored default `auto` (and anything else) means "follow SANDBOX_MODE" (undefined).
 */
export function serverSandboxMode(stored: string | null | undefined): SandboxMode | undefined {
  return stored === 'local' || stored === 'remote' ? stored : undefined;
}

export interface SandboxSelectorOptions {
  mode: SandboxMode;
  /** Builds the remote backend; absent when `SANDBOX_API_URL` and `SANDBOX_API_KEY` are not both set. */
  remote?: (() => SandboxBackend) | undefined;
  /** Builds the local Docker backend (called once, on first use). */
  docker?: (() => SandboxBackend) | undefined;
  /** The mode a Discord server chose (`/sandbox mode`); undefined = it follows SANDBOX_MODE. */
  guildMode?: ((guildId: string) => Promise<SandboxMode | undefined>) | undefined;
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
  private readonly cached = new Map<SandboxMode, { at: number; selection: Promise<Selection> }>();
  private readonly now: () => number;

  constructor(private readonly options: SandboxSelectorOptions) {
    this.now = options.now ?? Date.now;
  }

  get mode(): SandboxMode {
    return this.options.mode;
  }

  /** The mode a call from `guildId` uses: the server's own choice, else SANDBOX_MODE. */
  async modeFor(guildId: string | undefined): Promise<SandboxMode> {
    const chosen = guildId && this.options.guildMode ? await this.options.guildMode(guildId) : undefined;
    return chosen ?? this.options.mode;
  }

  /** The backend to use now in `mode` (default SANDBOX_MODE), or why there is none (cached for `cacheMs`). */
  select(mode: SandboxMode = this.options.mode): Promise<Selection> {
    const at = this.now();
    const cached = this.cached.get(mode);
    if (cached && at - cached.at < (this.options.cacheMs ?? DEFAULT_CACHE_MS)) return cached.selection;
    const selection = this.evaluate(mode);
    this.cached.set(mode, { at, selection });
    return selection;
  }

  /** Forgets the cached choices (after a backend reported it is unavailable). */
  invalidate(): void {
    this.cached.clear();
  }

  /** `SANDBOX_MODE=x`, or "this server's sandbox mode (x)" when a call asked for another mode. */
  private named(mode: SandboxMode): string {
    return mode === this.options.mode ? `SANDBOX_MODE=${mode}` : `the sandbox mode ${mode} of this server`;
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

  private async viaRemote(mode: SandboxMode): Promise<Selection> {
    const remote = this.remote();
    if (!remote) {
      return {
        ok: false,
        reason: `${this.named(mode)} uses the remote sandbox service, but SANDBOX_API_URL and SANDBOX_API_KEY are not both set. Set them to the sandbox service, or use the mode auto or local.`,
      };
    }
    const availability = await remote.available();
    if (availability.ok) return { ok: true, backend: remote, via: 'remote' };
    const noFallback =
      mode === 'auto'
        ? ` (${this.named(mode)} uses the remote service whenever SANDBOX_API_URL and SANDBOX_API_KEY are set and does not fall back to local Docker, where this person's files are not; for Docker set SANDBOX_MODE=local, or choose local for a server with /sandbox mode.)`
        : '';
    return {
      ok: false,
      reason: `the remote sandbox service is not available: ${availability.reason}${noFallback}`,
    };
  }

  private async viaDocker(): Promise<Selection> {
    const docker = this.docker();
    if (!docker) return { ok: false, reason: 'the local Docker sandbox is not configured in this build.' };
    const availability = await docker.available();
    return availability.ok
      ? { ok: true, backend: docker, via: 'docker' }
      : { ok: false, reason: availability.reason };
  }

  private async evaluate(mode: SandboxMode): Promise<Selection> {
    if (mode === 'remote') return this.viaRemote(mode);
    if (mode === 'local') {
      const local = await this.viaDocker();
      return local.ok
        ? local
        : { ok: false, reason: `${local.reason} (${this.named(mode)} uses Docker only.)` };
    }
    if (this.options.remote) return this.viaRemote(mode);
    const local = await this.viaDocker();
    if (local.ok) return local;
    return {
      ok: false,
      reason: `${local.reason.replace(/\.$/, '')}, and SANDBOX_API_URL / SANDBOX_API_KEY are not set for a remote sandbox service.`,
    };
  }

  /**
   * For `/sandbox status`: the mode in effect (`mode`, default SANDBOX_MODE; with the backend auto chose),
   * availability and a one-line detail with the backend's numbers.
   */
  async status(mode: SandboxMode = this.options.mode): Promise<SandboxStatus> {
    this.cached.delete(mode);
    const selection = await this.select(mode);
    if (!selection.ok) return { mode, available: false, detail: `No code sandbox: ${selection.reason}` };
    const stats = await selection.backend.stats().catch(() => ({}));
    const shown = mode === 'auto' ? `auto → ${selection.via}` : `${mode} (${selection.via})`;
    return { mode: shown, available: true, detail: summary(stats) || `${selection.via} backend ready` };
  }

  /** Closes the backends that were built. */
  async close(): Promise<void> {
    await Promise.all([this.remoteBackend?.close(), this.dockerBackend?.close()]);
  }
}
