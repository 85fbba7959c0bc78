/**
 * MCP management tools for the model (spec §4.5.3). Reading tools are for everyone; changing tools are admin-only
 * (`adminOnly`: offered to admins only, refused to anyone else by the registry).
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../tools/index.js';
import type { McpManager } from '../manager/index.js';
import {
  formatAllTools,
  formatServerList,
  formatServerStatus,
  formatServerTools,
  formatTotals,
} from './format.js';

export interface McpToolDeps {
  manager: McpManager;
}

const serverName = z.string().min(1).describe('Name of the MCP server (see mcp_list).');

function notFound(name: string): string {
  return `Error: there is no MCP server named "${name}". Use mcp_list to see the installed ones.`;
}

export function mcpManagementTools({ manager }: McpToolDeps): ToolDefinition[] {
  const tools: ToolDefinition[] = [
    defineTool({
      name: 'mcp_list',
      description: 'List the installed MCP servers (plugins) with their status and tool counts.',
      schema: z.object({}),
      emoji: '🔌',
      run: async () => formatServerList(await manager.servers()),
    }),
    defineTool({
      name: 'mcp_status',
      description: 'Status of the MCP servers: totals, or details (status, errors, tools) of one server.',
      schema: z.object({ server_name: serverName.optional() }),
      emoji: '🔌',
      run: async ({ server_name }) => {
        if (!server_name) return formatTotals(await manager.servers());
        const info = await manager.server(server_name);
        return info ? formatServerStatus(info) : notFound(server_name);
      },
    }),
    defineTool({
      name: 'mcp_tools',
      description: 'List the tools of one connected MCP server, or a summary of the tools of all servers.',
      schema: z.object({ server_name: serverName.optional() }),
      emoji: '🧰',
      run: async ({ server_name }) => {
        if (!server_name) return formatAllTools(await manager.servers());
        const info = await manager.server(server_name);
        if (!info) return notFound(server_name);
        if (!info.connected) {
          return `Error: the MCP server "${server_name}" is not connected (${info.status}${info.lastError ? `: ${info.lastError}` : ''}).`;
        }
        return formatServerTools(server_name, info.tools);
      },
    }),
    defineTool({
      name: 'mcp_uninstall',
      description: 'Admin only: stop and uninstall an MCP server (deletes its configuration and folder).',
      schema: z.object({ server_name: serverName }),
      adminOnly: true,
      emoji: '🗑️',
      run: async ({ server_name }) =>
        (await manager.remove(server_name))
          ? `Uninstalled the MCP server "${server_name}".`
          : notFound(server_name),
    }),
    defineTool({
      name: 'mcp_enable',
      description: 'Admin only: enable an MCP server and start it.',
      schema: z.object({ server_name: serverName }),
      adminOnly: true,
      emoji: '▶️',
      run: async ({ server_name }) => {
        if (!(await manager.server(server_name))) return notFound(server_name);
        const info = await manager.enable(server_name);
        return info.connected
          ? `Enabled "${server_name}": running with ${info.tools.length} tools.`
          : `Error: enabled "${server_name}", but it did not start: ${info.lastError ?? info.status}`;
      },
    }),
    defineTool({
      name: 'mcp_disable',
      description: 'Admin only: disable an MCP server and stop it.',
      schema: z.object({ server_name: serverName }),
      adminOnly: true,
      emoji: '⏹️',
      run: async ({ server_name }) => {
        if (!(await manager.server(server_name))) return notFound(server_name);
        await manager.disable(server_name);
        return `Disabled and stopped "${server_name}".`;
      },
    }),
    defineTool({
      name: 'mcp_restart',
      description: 'Admin only: restart an MCP server (starts it if it is not running).',
      schema: z.object({ server_name: serverName }),
      adminOnly: true,
      emoji: '🔄',
      run: async ({ server_name }) => {
        const current = await manager.server(server_name);
        if (!current) return notFound(server_name);
        if (!current.enabled) return `Error: "${server_name}" is disabled; enable it with mcp_enable.`;
        const info = await manager.restart(server_name);
        return info.connected
          ? `Restarted "${server_name}": running with ${info.tools.length} tools.`
          : `Error: "${server_name}" did not start: ${info.lastError ?? info.status}`;
      },
    }),
    defineTool({
      name: 'mcp_refresh',
      description: 'Admin only: reload every MCP server configuration and (re)connect the enabled servers.',
      schema: z.object({}),
      adminOnly: true,
      emoji: '🔄',
      run: async () => {
        const result = Object.entries(await manager.refresh());
        if (result.length === 0) return 'No enabled MCP servers.';
        const connected = result.filter(([, ok]) => ok).length;
        return [
          `${connected}/${result.length} connected`,
          ...result.map(([name, ok]) => `${ok ? '✅' : '❌'} ${name}`),
        ].join('\n');
      },
    }),
    defineTool({
      name: 'mcp_hot_reload',
      description:
        'Admin only: turn hot reload on or off for a local MCP server (restart it when its files change).',
      schema: z.object({ server_name: serverName, enable: z.boolean().default(true) }),
      adminOnly: true,
      emoji: '🔄',
      run: async ({ server_name, enable }) => {
        const current = await manager.server(server_name);
        if (!current) return notFound(server_name);
        if (current.type !== 'local')
          return `Error: hot reload works for local servers only; "${server_name}" is remote.`;
        const info = await manager.setHotReload(server_name, enable);
        return enable
          ? `Hot reload is on for "${server_name}"${info.enabled ? ' (restarted with a file watcher)' : ' (it starts when enabled)'}.`
          : `Hot reload is off for "${server_name}".`;
      },
    }),
  ];
  return tools as ToolDefinition[];
}
