export { McpStartError, safeUrl } from './connection.js';
export { McpToolTimeoutError, McpUnavailableError } from './errors.js';
export type { McpServerInfo } from './info.js';
export {
  type McpBootSummary,
  McpManager,
  type McpManagerLogger,
  type McpManagerOptions,
} from './manager.js';
export { type RenderedResult, renderToolResult } from './render.js';
export { exposedToolName } from './tool-bridge.js';
