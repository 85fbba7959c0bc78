import type { ToolRegistry } from '../../tools/index.js';
import { type McpToolDeps, mcpManagementTools } from './management.js';

export {
  formatAllTools,
  formatServerList,
  formatServerStatus,
  formatServerTools,
  formatTotals,
  statusEmoji,
} from './format.js';
export { type McpToolDeps, mcpManagementTools } from './management.js';

/**
 * Registers the MCP management tools. Install, Smithery search and OAuth tools live with the installer
 * (src/mcp/install, src/mcp/oauth) and register themselves next to these in the composition root.
 */
/** The MCP module's system prompt (spec §1.9.5), shown when any MCP management tool is offered. */
export const MCP_INSTRUCTIONS = [
  'MCP plugins: MCP servers add tools, named `<server>__<tool>`. Local servers run as processes on this machine',
  '(installed from npm, a GitHub/git repository, a local path or a Docker image); remote servers are reached over',
  'HTTP (Smithery hosted servers, any Streamable HTTP or SSE URL). To install, call mcp_install with a source:',
  'an npm package (`@scope/name`), a repository URL, a path, `docker:<image>`, `smithery:<name>` (run locally) or',
  '`smithery-hosted:<name>` (remote; it may need OAuth); smithery_search finds servers. Hosted servers that need',
  'sign-in: mcp_oauth_start gives the person a link, mcp_oauth_complete takes the code, mcp_oauth_status shows the',
  'state, mcp_oauth_set_token stores a token by hand. mcp_list, mcp_status and mcp_tools show what is there;',
  'mcp_enable, mcp_disable, mcp_restart, mcp_refresh and mcp_hot_reload manage servers (local servers also reload',
  'when their files change). Installing, removing, enabling, disabling and OAuth are for admins only; if a',
  'management tool is missing, the person is not an admin — say so instead of pretending.',
].join(' ');

const MANAGEMENT_TOOL_NAMES = [
  'mcp_list',
  'mcp_status',
  'mcp_tools',
  'mcp_install',
  'mcp_uninstall',
  'smithery_search',
  'mcp_oauth_start',
];

export function registerMcpTools(registry: ToolRegistry, deps: McpToolDeps): void {
  for (const tool of mcpManagementTools(deps)) registry.register(tool);
  registry.addInstructions(MANAGEMENT_TOOL_NAMES, MCP_INSTRUCTIONS);
}
