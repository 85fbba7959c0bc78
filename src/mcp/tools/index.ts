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
 * The MCP module's system prompt (spec §1.9.5), in two parts so that nobody is told about a tool they are not
 * offered (spec §4.2): the public part (reading tools, search, OAuth status) goes to everyone who is offered
 * `mcp_list`; the admin part (install, OAuth, enable/disable/restart…) only to those offered `mcp_install`.
 */
export const MCP_INSTRUCTIONS_PUBLIC = [
  'MCP plugins: MCP servers add tools, named `<server>__<tool>`. Local servers run as processes on this machine',
  '(installed from npm, a GitHub/git repository, a local path or a Docker image); remote servers are reached over',
  'HTTP (Smithery hosted servers, any Streamable HTTP or SSE URL). mcp_list, mcp_status and mcp_tools show what is',
  'installed; smithery_search finds servers in the Smithery registry; mcp_oauth_status shows whether a hosted server',
  'is authorized. Installing, removing, enabling, disabling, restarting and authorizing servers are for admins only:',
  'if someone who is not an admin asks for that, tell them an admin has to do it instead of pretending.',
].join(' ');

export const MCP_INSTRUCTIONS_ADMIN = [
  'MCP administration (this person is an admin): to install, call mcp_install with a source: an npm package',
  '(`@scope/name`), a repository URL, a path, `docker:<image>`, `smithery:<name>` (run locally) or',
  '`smithery-hosted:<name>` (remote; it may need OAuth). Hosted servers that need sign-in: mcp_oauth_start gives',
  'the person a link, mcp_oauth_complete takes the code, mcp_oauth_set_token stores a token by hand.',
  'mcp_uninstall, mcp_enable, mcp_disable, mcp_restart, mcp_refresh and mcp_hot_reload manage servers (local',
  'servers also reload when their files change).',
].join(' ');

/** Both parts, as an admin sees them. */
export const MCP_INSTRUCTIONS = `${MCP_INSTRUCTIONS_PUBLIC}\n\n${MCP_INSTRUCTIONS_ADMIN}`;

const PUBLIC_TOOL_NAMES = ['mcp_list', 'mcp_status', 'mcp_tools', 'smithery_search', 'mcp_oauth_status'];
const ADMIN_TOOL_NAMES = ['mcp_install', 'mcp_uninstall', 'mcp_enable', 'mcp_oauth_start'];

/**
 * Registers the MCP management tools and their instructions. Install, Smithery search and OAuth tools live with the
 * installer (src/mcp/install, src/mcp/oauth) and register themselves next to these in the composition root.
 */
export function registerMcpTools(registry: ToolRegistry, deps: McpToolDeps): void {
  for (const tool of mcpManagementTools(deps)) registry.register(tool);
  registry.addInstructions(PUBLIC_TOOL_NAMES, MCP_INSTRUCTIONS_PUBLIC);
  registry.addInstructions(ADMIN_TOOL_NAMES, MCP_INSTRUCTIONS_ADMIN);
}
