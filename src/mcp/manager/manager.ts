/**
 * The MCP server manager (spec §5.2): starts enabled servers at boot (in parallel, bounded, never blocking Clara's
 * start), exposes their tools in the ToolRegistry, restarts crashed servers with backoff, pings them periodically,
 * hot-reloads local servers, and applies enable/disable/restart/remove/refresh. Status is persisted to the configs.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { ToolContext, ToolRegistry, ToolResult } from '../../tools/index.js';
import type {
  CachedMcpTool,
  McpConfigStore,
  McpServerConfig,
  McpServerPatch,
  RemoteMcpServerConfig,
} from '../config/index.js';
import { McpServerNotFoundError } from '../config/index.js';
import { openConnection } from './connection.js';
import { errorText } from './errors.js';
import { type McpServerInfo, serverInfo } from './info.js';
import { type RuntimeSettings, ServerRuntime } from './server-runtime.js';
import { McpToolBridge } from './tool-bridge.js';

export interface McpManagerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface McpManagerOptions {
  store: McpConfigStore;
  /** Where MCP tools are offered to the model; omit for a manager that only runs calls (CLI). */
  registry?: ToolRegistry;
  logger: McpManagerLogger;
  startTimeoutMs?: number;
  toolTimeoutMs?: number;
  /** 0 turns health checks off. */
  healthIntervalMs?: number;
  /** How long a health ping may take (default: the start timeout, at most 10 s). */
  pingTimeoutMs?: number;
  maxRestarts?: number;
  /** First automatic restart delay; it doubles with each consecutive restart, up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A connection that lived this long counts as healthy: the restart counter starts again (default 60 s). */
  stableAfterMs?: number;
  hotReloadDebounceMs?: number;
  /** How many servers start at the same time at boot. */
  startConcurrency?: number;
  /** Write status/last error/tools back into the config files (default true). */
  persistStatus?: boolean;
  clientVersion?: string;
  /** OAuth for remote servers (from the OAuth part). */
  authProviderFor?: (config: RemoteMcpServerConfig) => OAuthClientProvider | undefined;
  /** Called after a server is uninstalled (e.g. to delete its OAuth tokens). */
  onRemoved?: (name: string) => Promise<void>;
}

export interface McpBootSummary {
  started: number;
  connected: number;
  tools: number;
}

export class McpManager {
  private readonly runtimes = new Map<string, ServerRuntime>();
  private readonly settings: RuntimeSettings;
  private readonly bridge: McpToolBridge | undefined;
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private booting: Promise<McpBootSummary> | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: McpManagerOptions) {
    const startTimeoutMs = options.startTimeoutMs ?? 30_000;
    const toolTimeoutMs = options.toolTimeoutMs ?? 120_000;
    this.settings = {
      startTimeoutMs,
      toolTimeoutMs,
      maxRestarts: options.maxRestarts ?? 5,
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      stableAfterMs: options.stableAfterMs ?? 60_000,
      hotReloadDebounceMs: options.hotReloadDebounceMs ?? 1000,
      pingTimeoutMs: options.pingTimeoutMs ?? Math.min(10_000, startTimeoutMs),
      clientVersion: options.clientVersion ?? '0.0.0',
      ...(options.authProviderFor ? { authProviderFor: options.authProviderFor } : {}),
    };
    if (options.registry) {
      this.bridge = new McpToolBridge({
        registry: options.registry,
        logger: options.logger,
        timeoutMs: startTimeoutMs * 2 + toolTimeoutMs + 5000,
        call: (server, tool, args, context) => this.callTool(server, tool, args, context),
      });
    }
  }

  get store(): McpConfigStore {
    return this.options.store;
  }

  /** Boot: offers cached tools at once, then starts every enabled server. Idempotent; resolves when all tried. */
  start(): Promise<McpBootSummary> {
    this.booting ??= this.boot();
    return this.booting;
  }

  private async boot(): Promise<McpBootSummary> {
    const configs = await this.options.store.list();
    if (this.stopped) return { started: 0, connected: 0, tools: 0 };
    const toStart: ServerRuntime[] = [];
    for (const config of configs) {
      if (!config.enabled) continue;
      const runtime = this.runtimeFor(config);
      this.bridge?.sync(config.name, config.tools);
      const pendingAuth = config.type === 'remote' && config.status === 'pending_auth';
      const lazy = config.type === 'local' && !config.autoStart;
      if (!pendingAuth && !lazy) toStart.push(runtime);
    }
    await this.inParallel(toStart, (runtime) => runtime.start());
    this.startHealthChecks();
    const connected = toStart.filter((r) => r.snapshot().connected);
    const tools = connected.reduce((sum, r) => sum + r.tools.length, 0);
    if (toStart.length > 0) {
      this.options.logger.info(
        { started: toStart.length, connected: connected.length, tools },
        `MCP: ${connected.length}/${toStart.length} servers connected, ${tools} tools`,
      );
    }
    return { started: toStart.length, connected: connected.length, tools };
  }

  /** Shutdown: stops health checks, every server (children are killed) and waits for status writes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.healthTimer);
    this.healthTimer = undefined;
    // Starts in progress are cancelled (their children killed), so this does not wait for a hanging server.
    await Promise.all([...this.runtimes.values()].map((runtime) => runtime.stop()));
    await this.booting?.catch(() => undefined);
    await this.flush();
  }

  /** Waits for pending status writes. */
  async flush(): Promise<void> {
    while (this.pendingWrites.size > 0) await Promise.all([...this.pendingWrites]);
  }

  /** Every configured server with its live state. */
  async servers(): Promise<McpServerInfo[]> {
    const configs = await this.options.store.list();
    return configs.map((config) => serverInfo(config, this.runtimes.get(config.name)));
  }

  async server(name: string): Promise<McpServerInfo | undefined> {
    const config = await this.options.store.get(name);
    return config ? serverInfo(config, this.runtimes.get(name)) : undefined;
  }

  /** Starts one server now (after an install or OAuth, or a lazy one); returns its state. */
  async startServer(name: string): Promise<McpServerInfo> {
    const config = await this.requireConfig(name);
    const runtime = this.runtimeFor(config);
    await runtime.reconfigure(config);
    await runtime.start();
    return serverInfo(config, runtime);
  }

  async enable(name: string): Promise<McpServerInfo> {
    await this.options.store.update(name, { enabled: true });
    return this.startServer(name);
  }

  async disable(name: string): Promise<McpServerInfo> {
    const config = await this.options.store.update(name, { enabled: false });
    await this.stopRuntime(name);
    return serverInfo(config, undefined);
  }

  async restart(name: string): Promise<McpServerInfo> {
    const config = await this.requireConfig(name);
    const runtime = this.runtimeFor(config);
    await runtime.reconfigure(config);
    await runtime.restart();
    return serverInfo(config, runtime);
  }

  /** Stops the server and deletes its folder (a local server's checkout too). */
  async remove(name: string): Promise<boolean> {
    await this.stopRuntime(name);
    await this.flush();
    const removed = await this.options.store.remove(name);
    await this.options.onRemoved?.(name);
    return removed;
  }

  /** Local servers only: persists the flag and restarts (with or without the file watcher). */
  async setHotReload(name: string, enabled: boolean): Promise<McpServerInfo> {
    const current = await this.requireConfig(name);
    if (current.type !== 'local')
      throw new Error(`Hot reload works for local servers only; "${name}" is remote.`);
    const config = await this.options.store.update(name, { hotReload: enabled });
    if (!config.enabled) return serverInfo(config, this.runtimes.get(name));
    const runtime = this.runtimeFor(config);
    await runtime.reconfigure(config);
    await runtime.restart();
    return serverInfo(config, runtime);
  }

  /** Re-reads every config: stops removed/disabled servers, (re)starts enabled ones. Name → connected. */
  async refresh(): Promise<Record<string, boolean>> {
    const configs = await this.options.store.list();
    const names = new Set(configs.map((c) => c.name));
    for (const name of [...this.runtimes.keys()]) {
      if (!names.has(name)) await this.stopRuntime(name);
    }
    const enabled: Array<{ config: McpServerConfig; runtime: ServerRuntime }> = [];
    for (const config of configs) {
      if (!config.enabled) {
        await this.stopRuntime(config.name);
        continue;
      }
      enabled.push({ config, runtime: this.runtimeFor(config) });
    }
    await this.inParallel(enabled, async ({ config, runtime }) => {
      await runtime.reconfigure(config);
      if (config.type === 'remote' && runtime.status === 'pending_auth') return;
      await runtime.start();
    });
    this.startHealthChecks();
    return Object.fromEntries(
      enabled.map(({ config, runtime }) => [config.name, runtime.snapshot().connected]),
    );
  }

  /** The server's tools, connecting it first when needed. */
  async listTools(name: string): Promise<CachedMcpTool[]> {
    const config = await this.requireConfig(name);
    const runtime = this.runtimeFor(config);
    if (!runtime.snapshot().connected) await runtime.start();
    const snapshot = runtime.snapshot();
    if (!snapshot.connected)
      throw new Error(`The MCP server "${name}" is not running: ${snapshot.lastError ?? ''}`);
    return runtime.tools;
  }

  /** Calls a tool by its own (server-side) name; failures come back as an error result, never thrown. */
  async callTool(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    context?: Pick<ToolContext, 'signal'>,
  ): Promise<ToolResult> {
    try {
      let runtime = this.runtimes.get(server);
      if (!runtime?.active) {
        const config = await this.options.store.get(server);
        if (!config) return { content: `Error: there is no MCP server named "${server}".`, isError: true };
        if (!config.enabled) {
          return {
            content: `Error: the MCP server "${server}" is disabled (enable it with mcp_enable).`,
            isError: true,
          };
        }
        runtime = this.runtimeFor(config);
        await runtime.start();
      }
      const result = await runtime.call(tool, args, context?.signal);
      return result.isError ? result : { content: result.content };
    } catch (error) {
      return { content: `Error: ${errorText(error)}`, isError: true };
    }
  }

  /** A temporary connection (installers' test): its tools, then it is closed. Throws McpStartError. */
  async testConnect(
    config: McpServerConfig,
    timeoutMs = this.settings.startTimeoutMs,
  ): Promise<CachedMcpTool[]> {
    const authProvider = config.type === 'remote' ? this.settings.authProviderFor?.(config) : undefined;
    const connection = await openConnection(config, {
      startTimeoutMs: timeoutMs,
      clientVersion: this.settings.clientVersion,
      ...(authProvider ? { authProvider } : {}),
    });
    const tools = connection.tools;
    await connection.close();
    return tools;
  }

  /** Runs the health check of every connected server once (the timer does this periodically). */
  async checkHealth(): Promise<Record<string, boolean>> {
    const out: Record<string, boolean> = {};
    for (const runtime of this.runtimes.values()) {
      if (runtime.snapshot().connected) out[runtime.name] = await runtime.ping();
    }
    return out;
  }

  private startHealthChecks(): void {
    const interval = this.options.healthIntervalMs ?? 60_000;
    if (interval <= 0 || this.healthTimer || this.stopped) return;
    this.healthTimer = setInterval(() => void this.checkHealth(), interval);
    this.healthTimer.unref();
  }

  private async requireConfig(name: string): Promise<McpServerConfig> {
    const config = await this.options.store.get(name);
    if (!config) throw new McpServerNotFoundError(name);
    return config;
  }

  private async stopRuntime(name: string): Promise<void> {
    const runtime = this.runtimes.get(name);
    this.bridge?.remove(name);
    if (!runtime) return;
    await runtime.stop();
    this.runtimes.delete(name);
    this.bridge?.remove(name);
  }

  private runtimeFor(config: McpServerConfig): ServerRuntime {
    const existing = this.runtimes.get(config.name);
    if (existing) return existing;
    const runtime = new ServerRuntime(
      config,
      this.settings,
      {
        logger: this.options.logger,
        onTools: (r, tools) => {
          this.bridge?.sync(r.name, tools);
          this.persist(r.name, { tools });
        },
        onState: (r) => {
          if ((r.status === 'error' && !r.restartPending) || r.status === 'pending_auth')
            this.bridge?.remove(r.name);
          this.persist(r.name, { status: r.status, lastError: r.lastError, lastErrorAt: r.lastErrorAt });
        },
      },
      this.options.store.serverDir(config.type, config.name),
    );
    this.runtimes.set(config.name, runtime);
    return runtime;
  }

  private persist(name: string, patch: McpServerPatch): void {
    if (this.options.persistStatus === false) return;
    const write = this.options.store.update(name, patch).catch((error) => {
      if (error instanceof McpServerNotFoundError) return;
      this.options.logger.warn(
        { server: name },
        `Could not save the MCP server's status: ${errorText(error)}`,
      );
    });
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  private async inParallel<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
    const limit = Math.max(1, this.options.startConcurrency ?? 4);
    let next = 0;
    const worker = async () => {
      while (next < items.length && !this.stopped) {
        const item = items[next++]!;
        await task(item).catch((error) =>
          this.options.logger.warn({}, `MCP server start failed: ${errorText(error)}`),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  }
}
