/** Clara's own sandbox service (`clara sandbox-service`, spec §6.3.2) and its isolated process backend. */
export { BubblewrapBackend, type BubblewrapBackendOptions } from './bubblewrap-backend.js';
export { BWRAP_PATH, type ResourceLimits, systemImageArgs } from './bwrap-command.js';
export { keyMatches, RateLimiter } from './guard.js';
export {
  type ChooseBackendOptions,
  chooseServiceBackend,
  pingDocker,
  type ServiceBackendChoice,
  type ServiceBackendMode,
  ServiceStartError,
} from './select-backend.js';
export {
  createSandboxService,
  type SandboxService,
  type SandboxServiceOptions,
  type ServiceBackend,
} from './server.js';
export { type Session, Sessions } from './sessions.js';
export { hostPath, sandboxPath } from './workspace-files.js';
