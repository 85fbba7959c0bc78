export {
  type BuiltinToolsOptions,
  type ChatHistoryToolsOptions,
  chatHistoryTools,
  createTavilyClient,
  formatLogTime,
  formatMessageTime,
  formatSearchResults,
  registerBuiltinTools,
  type SystemLogToolsOptions,
  systemLogTools,
  type TavilyClient,
  TavilyError,
  WEB_SEARCH_NOT_CONFIGURED,
  type WebSearchToolOptions,
  webSearchTool,
} from './builtins/index.js';
export { coerceArguments } from './coerce.js';
export {
  ToolRegistry,
  type ToolRegistryLogger,
  type ToolRegistryOptions,
  toolParameters,
} from './registry.js';
export { capToolResult } from './result.js';
export { baseToolName, genericStatus, toolEmoji } from './status.js';
export { defineTool, type ToolContext, type ToolDefinition, type ToolResult } from './types.js';
export { parameterSummary } from './validation.js';
