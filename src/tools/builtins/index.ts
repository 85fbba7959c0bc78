/** Clara's built-in tools, registered by the composition root. */
import type { ToolRegistry } from '../registry.js';
import { type ChatHistoryToolsOptions, chatHistoryTools } from './chat-history.js';

export { type ChatHistoryToolsOptions, chatHistoryTools, formatMessageTime } from './chat-history.js';

export interface BuiltinToolsOptions {
  chatHistory: ChatHistoryToolsOptions;
}

export function registerBuiltinTools(registry: ToolRegistry, options: BuiltinToolsOptions): void {
  for (const tool of chatHistoryTools(options.chatHistory)) registry.register(tool);
}
