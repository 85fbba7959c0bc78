export {
  createMcpInstaller,
  type InstallOutcome,
  type InstallProgress,
  type InstallRequest,
  type McpInstaller,
  type McpInstallerOptions,
} from './installer.js';
export {
  defaultServerName,
  type InstallSource,
  InstallSourceError,
  parseInstallSource,
  validateServerName,
} from './source.js';
export { MCP_INSTALL_TIMEOUT_MS, mcpInstallTools } from './tools.js';
export { DEFAULT_TIMEOUTS, InstallError, type InstallTimeouts } from './types.js';
