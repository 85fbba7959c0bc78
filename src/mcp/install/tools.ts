/** Model tools of the installer: `mcp_install` (admins) and `smithery_search`. */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../tools/index.js';
import type { McpServerInfo } from '../manager/index.js';
import { formatSmitherySearch, type SmitheryClient } from '../smithery/index.js';
import type { McpInstaller } from './installer.js';

export interface McpInstallToolsOptions {
  installer: McpInstaller;
  smithery: SmitheryClient;
  /** Starts the freshly installed server (the MCP manager's startServer). */
  startServer: (name: string) => Promise<McpServerInfo>;
}

/**
 * Time limit of one `mcp_install` from chat. A GitHub install may take clone (120 s) + dependency install (300 s) +
 * build (300 s) + the test connection, each bounded by its own limit (DEFAULT_TIMEOUTS): the registry's 5-minute
 * default would stop a slow but valid install part-way and leave the model with a half-done install.
 */
export const MCP_INSTALL_TIMEOUT_MS = 15 * 60_000;

export function mcpInstallTools(options: McpInstallToolsOptions): ToolDefinition[] {
  const install = defineTool({
    name: 'mcp_install',
    description:
      'Install an MCP server and start it. Sources: npm package (name or @scope/name), GitHub repository (owner/repo or URL), ' +
      'Docker image (docker:<image>), local path (/path or ./path), smithery:<name> (runs locally) or smithery-hosted:<name> ' +
      '(hosted; then authorize with mcp_oauth_start). Admins only.',
    adminOnly: true,
    timeoutMs: MCP_INSTALL_TIMEOUT_MS,
    emoji: '📦',
    schema: z.object({
      source: z.string().min(1).max(500).describe('What to install (see the description for the forms).'),
      name: z
        .string()
        .max(64)
        .optional()
        .describe('Server name (lowercase, digits, - and _); default from the source.'),
    }),
    status: (args) => `Installing ${args.source}…`,
    async run(args, context) {
      let outcome: Awaited<ReturnType<McpInstaller['install']>>;
      try {
        outcome = await options.installer.install({
          source: args.source,
          ...(args.name ? { name: args.name } : {}),
          installedBy: context.userId,
          // Steps ("Cloning…", "Installing dependencies with npm…") are shown under the tool's status line.
          onProgress: (event) => {
            if (event.kind === 'step') context.progress?.(event.message);
          },
          ...(context.signal ? { signal: context.signal } : {}),
        });
      } catch (error) {
        return {
          content: `Installation failed: ${error instanceof Error ? error.message : String(error)}`,
          isError: true,
        };
      }
      const { config } = outcome;
      if (outcome.pendingAuth) {
        return (
          `Installed "${config.name}" (${config.sourceType}, ${config.type === 'remote' ? config.url : ''}). ` +
          `It needs authorization before it can be used: call mcp_oauth_start with server_name "${config.name}".`
        );
      }
      try {
        const info = await options.startServer(config.name);
        if (info.status === 'running') {
          return `Installed "${config.name}" (${config.sourceType}): running with ${info.tools.length} tools, available as ${config.name}__<tool>.`;
        }
        return `Installed "${config.name}" (${config.sourceType}, ${outcome.tools.length} tools), but it is ${info.status}${info.lastError ? `: ${info.lastError}` : ''}.`;
      } catch (error) {
        return `Installed "${config.name}", but starting it failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
  });

  const search = defineTool({
    name: 'smithery_search',
    description:
      'Search the Smithery registry of MCP servers. Returns up to 10 servers with their qualified names (what an admin installs).',
    emoji: '🔎',
    schema: z.object({
      query: z.string().min(1).max(200).describe('What the server should do, e.g. "weather".'),
    }),
    status: (args) => `Searching Smithery for ${args.query}…`,
    async run(args) {
      const result = await options.smithery.search(args.query, { pageSize: 10 });
      return formatSmitherySearch(args.query, result);
    },
  });
  return [install, search] as ToolDefinition[];
}
