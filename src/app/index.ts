export { type App, type AppOptions, buildApp } from './app.js';
export { type GraphChoice, graphStoreFor } from './graph.js';
export { type LocalIdentity, localIdentity } from './identity.js';
export { buildLlm, type LlmSetup } from './llm.js';
export { buildMcp, loadSecretKey, type McpSetup, mcpServersDir } from './mcp.js';
export { buildMemory, embedderFor, type MemorySetup, memoryStoreFor } from './memory.js';
export { packageVersion } from './paths.js';
export type { WebHandle } from './web.js';
