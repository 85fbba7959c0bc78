/**
 * Installer, Smithery and OAuth wiring for MCP: the Smithery registry client, OAuth state (encrypted with Clara's
 * secret key under MCP_OAUTH_DIR) and flow, the installer, their model tools, and the web route of the OAuth
 * callback. `buildMcp` calls this before it creates the manager (which gets `authProviderFor`).
 */
import path from 'node:path';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import { dataPath } from '../config/index.js';
import type { McpConfigStore, McpManager, RemoteMcpServerConfig } from '../mcp/index.js';
import { createMcpInstaller, type McpInstaller, mcpInstallTools } from '../mcp/install/index.js';
import {
  createMcpOAuth,
  createOAuthStateStore,
  type McpOAuth,
  mcpOAuthTools,
  oauthCallbackRoute,
} from '../mcp/oauth/index.js';
import { createSmitheryClient, type SmitheryClient } from '../mcp/smithery/index.js';
import type { ToolDefinition } from '../tools/index.js';

export interface McpInstallSetup {
  installer: McpInstaller;
  oauth: McpOAuth;
  smithery: SmitheryClient;
  authProviderFor: (config: RemoteMcpServerConfig) => OAuthClientProvider | undefined;
  /** mcp_install, smithery_search and the mcp_oauth_* tools. */
  tools(): ToolDefinition[];
  /** Routes for the web server: GET /oauth/mcp/callback. */
  webRoutes: Array<(app: FastifyInstance) => void>;
}

/** MCP_OAUTH_DIR, relative paths resolved inside DATA_DIR (like MCP_SERVERS_DIR). */
export function mcpOAuthDir(config: Config): string {
  return path.isAbsolute(config.MCP_OAUTH_DIR)
    ? config.MCP_OAUTH_DIR
    : dataPath(config, config.MCP_OAUTH_DIR);
}

export function buildMcpInstall(options: {
  config: Config;
  store: McpConfigStore;
  secretKey: () => Promise<string>;
  /** The manager (created after this; only called later). */
  manager: () => McpManager;
}): McpInstallSetup {
  const { config, store } = options;
  const smitheryToken = config.SMITHERY_API_TOKEN ?? config.SMITHERY_API_KEY;
  const smithery = createSmitheryClient({
    baseUrl: config.SMITHERY_REGISTRY_URL,
    ...(smitheryToken ? { token: smitheryToken } : {}),
  });
  const oauth = createMcpOAuth({
    states: createOAuthStateStore({ dir: mcpOAuthDir(config), secretKey: options.secretKey }),
    configs: store,
    ...(config.CLARA_API_URL ? { apiBaseUrl: config.CLARA_API_URL } : {}),
    connect: async (name) => {
      const info = await options.manager().startServer(name);
      if (info.status !== 'running') throw new Error(info.lastError ?? `the server is ${info.status}`);
      return info.tools.length;
    },
  });
  const installer = createMcpInstaller({
    store,
    testConnect: (server, timeoutMs) => options.manager().testConnect(server, timeoutMs),
    smithery,
    smitheryServerUrl: config.SMITHERY_SERVER_URL,
    ...(smitheryToken ? { smitheryApiKey: smitheryToken } : {}),
    ...(config.SMITHERY_ACCESS_TOKEN ? { smitheryAccessToken: config.SMITHERY_ACCESS_TOKEN } : {}),
    timeouts: { probeMs: config.MCP_START_TIMEOUT_SECONDS * 1000 },
  });
  return {
    installer,
    oauth,
    smithery,
    // Only servers that use OAuth get a provider: others keep their static headers and plain 401 errors.
    authProviderFor: (server) =>
      server.oauthRequired || server.sourceType === 'smithery-hosted'
        ? oauth.authProvider(server.name, server.url)
        : undefined,
    tools: () => [
      ...mcpInstallTools({ installer, smithery, startServer: (name) => options.manager().startServer(name) }),
      ...mcpOAuthTools(oauth),
    ],
    webRoutes: [oauthCallbackRoute(oauth)],
  };
}
