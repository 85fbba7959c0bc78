export { ENCRYPTED_PREFIX, McpConfigFileError } from './file-format.js';
export {
  assertServerName,
  McpServerNameError,
  SERVER_NAME_RULE,
  serverNameProblem,
  toServerName,
} from './names.js';
export {
  createMcpConfigStore,
  type McpConfigStore,
  type McpConfigStoreOptions,
  McpServerExistsError,
  McpServerNotFoundError,
} from './store.js';
export {
  type CachedMcpTool,
  cachedToolSchema,
  type LocalMcpServerConfig,
  localServerConfigSchema,
  MCP_SERVER_STATUSES,
  type McpServerConfig,
  type McpServerPatch,
  type McpServerStatus,
  mcpServerConfigSchema,
  type NewLocalServer,
  type NewRemoteServer,
  newLocalServer,
  newRemoteServer,
  REMOTE_TRANSPORTS,
  type RemoteMcpServerConfig,
  type RemoteTransport,
  remoteServerConfigSchema,
} from './types.js';
