export { type CreateSandboxOptions, createSandbox, type RemoteBackendFactoryOptions } from './create.js';
export { DockerBackend, type DockerBackendOptions } from './docker-backend.js';
export { DEFAULT_DOCKER_SOCKET, describeDocker, dockerConnection, memoryBytes } from './docker-connection.js';
export { safeUserId } from './docker-container.js';
export { CappedText, DEFAULT_MAX_OUTPUT_CHARS } from './output.js';
export { checkPackageSpec, normalisePackageName } from './packages.js';
export * from './remote-api.js';
export { RemoteBackend, type RemoteBackendOptions } from './remote-backend.js';
export {
  type SandboxMode,
  SandboxSelector,
  type SandboxSelectorOptions,
  type SandboxStatus,
  type Selection,
  serverSandboxMode,
} from './select.js';
export { type TarEntry, tarFile, untar } from './tar.js';
export {
  registerSandboxTools,
  type SandboxAccess,
  type SandboxToolsHandle,
  type SandboxToolsOptions,
  sandboxTools,
} from './tools.js';
export * from './types.js';
export { fromLegacyHome, relativeToWorkspace, workspacePath } from './workspace-path.js';
