/** MCP plugins: server configs, the runtime manager, and the model's management tools. */
export * from './config/index.js';
export * from './manager/index.js';
export * from './tools/index.js';
