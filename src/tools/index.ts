export {
  type BuiltinToolsOptions,
  type ChatHistoryToolsOptions,
  chatHistoryTools,
  formatMessageTime,
  registerBuiltinTools,
} from './builtins/index.js';
export { ToolRegistry } from './registry.js';
export { baseToolName, genericStatus, toolEmoji } from './status.js';
export { defineTool, type ToolContext, type ToolDefinition, type ToolResult } from './types.js';
