/**
 * MCP wiring: Clara's secret key, the config store under MCP_SERVERS_DIR (relative = inside DATA_DIR, which is the
 * working directory by default), the manager that runs the servers and offers their tools, and the management tools.
 */
import path from 'node:path';
import type { Config } from '../config/index.js';
import { dataPath } from '../config/index.js';
import { loadOrCreateSecretKey } from '../crypto/index.js';
import { createMcpConfigStore, type McpConfigStore, McpManager, registerMcpTools } from '../mcp/index.js';
import type { ToolRegistry } from '../tools/index.js';
import { buildMcpInstall, type McpInstallSetup } from './mcp-install.js';

export interface McpSetup {
  /**
   * Clara's Fernet key for secrets at rest (CLARA_SECRET_KEY, else DATA_DIR/secret.key generated on first use).
   * Loaded on first call, so no key file appears until something needs it.
   */
  secretKey: () => Promise<string>;
  store: McpConfigStore;
  manager: McpManager;
  /** Installer, Smithery client, OAuth (and its web callback route). */
  install: McpInstallSetup;
}

export interface McpLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Where MCP server configs live: MCP_SERVERS_DIR, relative paths resolved inside DATA_DIR. */
export function mcpServersDir(config: Config): string {
  return path.isAbsolute(config.MCP_SERVERS_DIR)
    ? config.MCP_SERVERS_DIR
    : dataPath(config, config.MCP_SERVERS_DIR);
}

export async function loadSecretKey(config: Config, logger?: McpLogger): Promise<string> {
  return loadOrCreateSecretKey({
    envValue: config.CLARA_SECRET_KEY,
    envName: 'CLARA_SECRET_KEY',
    file: dataPath(config, 'secret.key'),
    ...(logger ? { logger } : {}),
  });
}

export interface BuildMcpOptions {
  config: Config;
  logger: McpLogger;
  version: string;
  /** Offer MCP tools and the management tools here (omit for a CLI that only runs calls). */
  tools?: ToolRegistry;
  /** Write status and cached tools back to the configs (default true; the CLI's one-off runs say false). */
  persistStatus?: boolean;
}

export function buildMcp(options: BuildMcpOptions): McpSetup {
  const { config, logger } = options;
  let key: Promise<string> | undefined;
  const secretKey = () => {
    key ??= loadSecretKey(config, logger);
    return key;
  };
  const store = createMcpConfigStore({ dir: mcpServersDir(config), secretKey, logger });
  const install = buildMcpInstall({ config, store, secretKey, manager: () => manager });
  const manager = new McpManager({
    store,
    logger,
    authProviderFor: install.authProviderFor,
    // Uninstalling also deletes the server's OAuth tokens (the original kept them).
    onRemoved: (name) => install.oauth.forget(name),
    ...(options.tools ? { registry: options.tools } : {}),
    startTimeoutMs: config.MCP_START_TIMEOUT_SECONDS * 1000,
    toolTimeoutMs: config.MCP_TOOL_TIMEOUT_SECONDS * 1000,
    healthIntervalMs: config.MCP_HEALTH_CHECK_SECONDS * 1000,
    clientVersion: options.version,
    persistStatus: options.persistStatus ?? true,
  });
  if (options.tools) registerMcpTools(options.tools, { manager });
  for (const tool of options.tools ? install.tools() : []) options.tools?.register(tool);
  return { secretKey, store, manager, install };
}
