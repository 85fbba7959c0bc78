/** Clara's built-in tools, registered by the composition root. */
import type { ToolRegistry } from '../registry.js';
import { type ChatHistoryToolsOptions, chatHistoryTools } from './chat-history.js';
import { type FileToolsOptions, fileTools } from './files.js';
import { type SystemLogToolsOptions, systemLogTools } from './system-logs.js';
import { WEB_SEARCH_NOT_CONFIGURED, type WebSearchToolOptions, webSearchTool } from './web-search.js';

export { type ChatHistoryToolsOptions, chatHistoryTools, formatMessageTime } from './chat-history.js';
export { type FileToolsOptions, fileText, fileTools } from './files.js';
export { formatLogTime, type SystemLogToolsOptions, systemLogTools } from './system-logs.js';
export { createTavilyClient, type TavilyClient, TavilyError } from './tavily.js';
export {
  formatSearchResults,
  WEB_SEARCH_NOT_CONFIGURED,
  type WebSearchToolOptions,
  webSearchTool,
} from './web-search.js';

export interface BuiltinToolsOptions {
  chatHistory: ChatHistoryToolsOptions;
  /** The log tools are registered only when given (the app always gives them). */
  systemLogs?: SystemLogToolsOptions;
  /** Tavily settings; without an API key `web_search` is not offered and a call explains how to enable it. */
  webSearch?: Omit<WebSearchToolOptions, 'apiKey'> & { apiKey?: string | undefined };
  /** The person's saved files (local folder or S3); the file tools are registered only when given. */
  files?: FileToolsOptions;
}

export function registerBuiltinTools(registry: ToolRegistry, options: BuiltinToolsOptions): void {
  for (const tool of chatHistoryTools(options.chatHistory)) registry.register(tool);
  if (options.files) for (const tool of fileTools(options.files)) registry.register(tool);
  if (options.systemLogs) for (const tool of systemLogTools(options.systemLogs)) registry.register(tool);
  const { apiKey, ...tavily } = options.webSearch ?? {};
  if (apiKey) registry.register(webSearchTool({ ...tavily, apiKey }));
  else registry.explainUnavailable('web_search', WEB_SEARCH_NOT_CONFIGURED);
}
