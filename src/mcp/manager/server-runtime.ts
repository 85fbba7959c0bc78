/**
 * One configured server at run time: start/stop, automatic restart with exponential backoff when the process
 * exits or the connection drops (bounded attempts, visible in its status), health pings, hot reload on file
 * changes, and tool calls with a timeout and one reconnect-and-retry.
 */
import path from 'node:path';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type {
  CachedMcpTool,
  McpServerConfig,
  McpServerStatus,
  RemoteMcpServerConfig,
} from '../config/index.js';
import { type McpConnection, McpStartError, openConnection } from './connection.js';
import { errorText, McpToolTimeoutError, McpUnavailableError } from './errors.js';
import { FolderWatcher } from './hot-reload.js';
import { type RenderedResult, renderToolResult } from './render.js';
import { maskSecrets, secretsOf } from './secrets.js';

export interface RuntimeSettings {
  startTimeoutMs: number;
  toolTimeoutMs: number;
  /** Consecutive automatic restarts before giving up (the status then says so). */
  maxRestarts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A connection that lived this long counts as healthy: the restart counter starts again. */
  stableAfterMs: number;
  hotReloadDebounceMs: number;
  pingTimeoutMs: number;
  clientVersion: string;
  authProviderFor?: (config: RemoteMcpServerConfig) => OAuthClientProvider | undefined;
}

export interface RuntimeHooks {
  /** The tool list changed (connected with new tools, or the server went away for good). */
  onTools(runtime: ServerRuntime, tools: CachedMcpTool[]): void;
  /** Status, error or tools changed: persist them. */
  onState(runtime: ServerRuntime): void;
  logger: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
  };
}

export interface RuntimeSnapshot {
  status: McpServerStatus;
  lastError?: string;
  lastErrorAt?: string;
  connected: boolean;
  pid?: number;
  restarts: number;
  watching: boolean;
}

export class ServerRuntime {
  status: McpServerStatus = 'stopped';
  lastError: string | undefined;
  lastErrorAt: string | undefined;
  /** Automatic restarts since the last healthy period. */
  restarts = 0;
  private connection: McpConnection | undefined;
  private connectedAt = 0;
  private starting: Promise<void> | undefined;
  private startAbort: AbortController | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private watcher: FolderWatcher | undefined;
  /** Whether the server should be running (start/enable vs stop/disable). */
  private wanted = false;

  constructor(
    public config: McpServerConfig,
    private readonly settings: RuntimeSettings,
    private readonly hooks: RuntimeHooks,
    /** Folder watched for hot reload when the config has no cwd. */
    private readonly serverDir: string,
  ) {
    this.status = config.status === 'pending_auth' ? 'pending_auth' : 'stopped';
    this.lastError = config.lastError;
    this.lastErrorAt = config.lastErrorAt;
  }

  get name(): string {
    return this.config.name;
  }

  /** An automatic restart is scheduled (the server crashed and is coming back). */
  get restartPending(): boolean {
    return this.restartTimer !== undefined;
  }

  /** Whether it should be running (started and not stopped since). */
  get active(): boolean {
    return this.wanted;
  }

  get tools(): CachedMcpTool[] {
    return this.connection?.tools ?? this.config.tools;
  }

  snapshot(): RuntimeSnapshot {
    return {
      status: this.status,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      connected: this.connection !== undefined,
      pid: this.connection?.pid,
      restarts: this.restarts,
      watching: this.watcher !== undefined,
    };
  }

  /** Starts (or joins a start in progress). Never throws: failures land in status/lastError. */
  async start(): Promise<void> {
    this.wanted = true;
    this.syncWatcher();
    await this.startOnce();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    this.clearTimers();
    this.stopWatcher();
    this.startAbort?.abort();
    await this.starting?.catch(() => undefined);
    const connection = this.connection;
    this.connection = undefined;
    if (this.status !== 'pending_auth' || connection) this.setStatus('stopped');
    await connection?.close();
  }

  /** Stop, then start (a manual restart also resets the automatic-restart counter). */
  async restart(): Promise<void> {
    this.restarts = 0;
    await this.stop();
    await this.start();
  }

  /** Re-applies a changed config; restarts when it is running and something that matters changed. */
  async reconfigure(config: McpServerConfig): Promise<void> {
    const relevant = (c: McpServerConfig) =>
      JSON.stringify(
        c.type === 'local'
          ? [c.command, c.args, c.cwd, c.env]
          : [c.url, c.headers, c.transport, c.timeoutSeconds],
      );
    const changed = relevant(config) !== relevant(this.config);
    this.config = config;
    this.syncWatcher();
    if (changed && (this.connection || this.starting)) await this.restart();
  }

  /** Calls one tool. Failures become an error result or an McpUnavailableError/McpToolTimeoutError. */
  async call(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<RenderedResult> {
    if (!this.wanted) throw new McpUnavailableError(`the MCP server "${this.name}" is disabled or stopped`);
    let connection = await this.ensureConnected();
    try {
      return await this.callOn(connection, tool, args, signal);
    } catch (error) {
      if (!isConnectionLoss(error) || signal?.aborted) throw this.describeCallError(error, tool);
      this.hooks.logger.warn(
        { server: this.name, tool },
        'MCP connection lost during a call; reconnecting once',
      );
      await this.dropConnection('the connection was lost during a tool call');
      connection = await this.ensureConnected();
      try {
        return await this.callOn(connection, tool, args, signal);
      } catch (retryError) {
        throw this.describeCallError(retryError, tool);
      }
    }
  }

  /** Health check: a failed ping counts as a crash (restart with backoff). */
  async ping(): Promise<boolean> {
    const connection = this.connection;
    if (!connection) return false;
    try {
      await connection.client.ping({ timeout: this.settings.pingTimeoutMs });
      return true;
    } catch (error) {
      if (connection !== this.connection) return false;
      const reason = `health check failed: ${errorText(error)}`;
      this.hooks.logger.warn({ server: this.name }, `MCP server ${reason}`);
      await this.dropConnection(reason);
      this.scheduleRestart(reason);
      return false;
    }
  }

  private async callOn(
    connection: McpConnection,
    tool: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<RenderedResult> {
    const result = await connection.client.callTool({ name: tool, arguments: args }, undefined, {
      timeout: this.settings.toolTimeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (this.restarts > 0) this.restarts = 0;
    return renderToolResult(result);
  }

  private describeCallError(error: unknown, tool: string): Error {
    const secrets = secretsOf(this.config);
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      const seconds = Math.round(this.settings.toolTimeoutMs / 1000);
      return new McpToolTimeoutError(
        `the tool "${tool}" of MCP server "${this.name}" did not answer within ${seconds} s (MCP_TOOL_TIMEOUT_SECONDS)`,
      );
    }
    if (isConnectionLoss(error)) {
      return new McpUnavailableError(
        `the MCP server "${this.name}" closed the connection during the call${this.lastError ? ` (${this.lastError})` : ''}`,
      );
    }
    return new Error(maskSecrets(errorText(error), secrets));
  }

  private async ensureConnected(): Promise<McpConnection> {
    if (this.connection) return this.connection;
    if (!this.wanted) throw new McpUnavailableError(`the MCP server "${this.name}" was stopped`);
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    await this.startOnce();
    if (this.connection) return this.connection;
    throw new McpUnavailableError(
      `the MCP server "${this.name}" is not running${this.lastError ? `: ${this.lastError}` : ''}`,
    );
  }

  private startOnce(): Promise<void> {
    if (this.connection) return Promise.resolve();
    this.starting ??= this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    this.setStatus('starting');
    const config = this.config;
    const abort = new AbortController();
    this.startAbort = abort;
    try {
      const authProvider = config.type === 'remote' ? this.settings.authProviderFor?.(config) : undefined;
      const connection = await openConnection(config, {
        startTimeoutMs: this.settings.startTimeoutMs,
        clientVersion: this.settings.clientVersion,
        signal: abort.signal,
        ...(authProvider ? { authProvider } : {}),
      });
      if (!this.wanted) {
        await connection.close();
        this.setStatus('stopped');
        return;
      }
      connection.onLost = (reason) => void this.onLost(connection, reason);
      connection.onToolsChanged = (tools) => {
        if (connection === this.connection) this.hooks.onTools(this, tools);
      };
      this.connection = connection;
      this.connectedAt = Date.now();
      this.lastError = undefined;
      this.lastErrorAt = undefined;
      this.setStatus('running');
      this.hooks.onTools(this, connection.tools);
      this.hooks.logger.info(
        { server: this.name, tools: connection.tools.length, pid: connection.pid },
        `MCP server ${this.name} running`,
      );
    } catch (error) {
      if (abort.signal.aborted && !this.wanted) {
        this.setStatus('stopped');
        return;
      }
      const message = errorText(error);
      const needsAuth = error instanceof McpStartError && error.needsAuth;
      this.hooks.logger.warn({ server: this.name }, `MCP server ${this.name} failed to start: ${message}`);
      // A failed automatic restart tries again (bounded); a failed first start reports its error.
      if (!needsAuth && this.restarts > 0) this.scheduleRestart(message);
      else this.fail(needsAuth ? 'pending_auth' : 'error', message);
    }
  }

  private async onLost(connection: McpConnection, reason: string): Promise<void> {
    if (connection !== this.connection) return;
    this.hooks.logger.warn({ server: this.name }, `MCP server ${this.name}: ${reason}`);
    await this.dropConnection(reason);
    this.scheduleRestart(reason);
  }

  private async dropConnection(reason: string): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    this.connection = undefined;
    if (Date.now() - this.connectedAt >= this.settings.stableAfterMs) this.restarts = 0;
    this.lastError = maskSecrets(reason, secretsOf(this.config));
    await connection.close();
  }

  private scheduleRestart(reason: string): void {
    if (!this.wanted || this.restartTimer) return;
    if (this.restarts >= this.settings.maxRestarts) {
      this.hooks.logger.warn(
        { server: this.name, restarts: this.restarts },
        `MCP server ${this.name}: gave up after ${this.restarts} restarts`,
      );
      this.fail('error', `${reason} (gave up after ${this.restarts} restarts; restart it with mcp_restart)`);
      return;
    }
    const delay = Math.min(this.settings.backoffBaseMs * 2 ** this.restarts, this.settings.backoffMaxMs);
    this.restarts += 1;
    this.hooks.logger.warn(
      { server: this.name, attempt: this.restarts, delayMs: delay },
      `MCP server ${this.name}: restart ${this.restarts}/${this.settings.maxRestarts} in ${delay} ms`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.wanted) void this.startOnce();
    }, delay);
    this.restartTimer.unref();
    this.fail('error', `${reason} (restart ${this.restarts}/${this.settings.maxRestarts} in ${delay} ms)`);
  }

  private fail(status: McpServerStatus, message: string): void {
    this.lastError = maskSecrets(message, secretsOf(this.config));
    this.lastErrorAt = new Date().toISOString();
    this.setStatus(status);
  }

  private setStatus(status: McpServerStatus): void {
    this.status = status;
    this.hooks.onState(this);
  }

  private clearTimers(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  /** Hot reload (local servers with `hotReload`): any change under the folder restarts after a quiet second. */
  private syncWatcher(): void {
    const want = this.wanted && this.config.type === 'local' && this.config.hotReload;
    const dir = this.config.type === 'local' && this.config.cwd ? this.config.cwd : this.serverDir;
    if (!want || (this.watcher && this.watcher.dir !== dir)) this.stopWatcher();
    if (!want || this.watcher) return;
    try {
      this.watcher = new FolderWatcher(dir, {
        debounceMs: this.settings.hotReloadDebounceMs,
        ignoreConfigFile: path.resolve(dir) === path.resolve(this.serverDir),
        onChange: (file) => {
          this.hooks.logger.info(
            { server: this.name, file },
            `MCP server ${this.name}: files changed, restarting`,
          );
          void this.restart();
        },
        onError: (error) => {
          this.hooks.logger.warn({ server: this.name }, `Hot reload watcher failed: ${errorText(error)}`);
          this.stopWatcher();
        },
      });
    } catch (error) {
      this.hooks.logger.warn({ server: this.name, dir }, `Cannot watch for hot reload: ${errorText(error)}`);
    }
  }

  private stopWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

function isConnectionLoss(error: unknown): boolean {
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) return true;
  const message = errorText(error);
  return /not connected|connection closed|ECONNRESET|ECONNREFUSED|socket hang up|fetch failed/i.test(message);
}
