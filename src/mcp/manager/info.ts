/** What Clara tells about one server: its config merged with its live state. */
import type { CachedMcpTool, McpServerConfig, McpServerStatus } from '../config/index.js';
import { safeUrl } from './connection.js';
import type { ServerRuntime } from './server-runtime.js';

export interface McpServerInfo {
  name: string;
  type: 'local' | 'remote';
  displayName: string;
  sourceType: string;
  enabled: boolean;
  status: McpServerStatus;
  connected: boolean;
  lastError?: string;
  lastErrorAt?: string;
  /** Automatic restarts since the last healthy period. */
  restarts: number;
  pid?: number;
  tools: CachedMcpTool[];
  /** Local: the command line (arguments included, env never). */
  command?: string;
  hotReload: boolean;
  /** Local with hot reload: the watcher is running. */
  watching: boolean;
  /** Remote: the URL without credentials or query. */
  url?: string;
  transport?: string;
  oauthRequired: boolean;
}

export function serverInfo(config: McpServerConfig, runtime: ServerRuntime | undefined): McpServerInfo {
  const live = runtime?.snapshot();
  const status: McpServerStatus = live
    ? live.status
    : config.status === 'pending_auth'
      ? 'pending_auth'
      : 'stopped';
  const lastError = live ? live.lastError : config.lastError;
  const lastErrorAt = live ? live.lastErrorAt : config.lastErrorAt;
  return {
    name: config.name,
    type: config.type,
    displayName: config.displayName,
    sourceType: config.sourceType,
    enabled: config.enabled,
    status,
    connected: live?.connected ?? false,
    ...(lastError ? { lastError } : {}),
    ...(lastErrorAt ? { lastErrorAt } : {}),
    restarts: live?.restarts ?? 0,
    ...(live?.pid ? { pid: live.pid } : {}),
    tools: runtime?.tools ?? config.tools,
    ...(config.type === 'local' ? { command: [config.command, ...config.args].join(' ') } : {}),
    hotReload: config.type === 'local' && config.hotReload,
    watching: live?.watching ?? false,
    ...(config.type === 'remote' ? { url: safeUrl(config.url), transport: config.transport } : {}),
    oauthRequired: config.type === 'remote' && config.oauthRequired,
  };
}
