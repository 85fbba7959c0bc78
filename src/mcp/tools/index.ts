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
export function registerMcpTools(registry: ToolRegistry, deps: McpToolDeps): void {
  for (const tool of mcpManagementTools(deps)) registry.register(tool);
}
