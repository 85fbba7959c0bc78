/**
 * Builds the code sandbox from the configuration (for `src/app/`): the selector (`SANDBOX_MODE` with the §6.1
 * fallback, or a Discord server's own `/sandbox mode`) over the local Docker backend and, when `SANDBOX_API_URL` and
 * `SANDBOX_API_KEY` are both set, the remote one (built by the factory the caller passes, so this folder depends
 * only on the backend interface).
 */
import type { Config } from '../config/index.js';
import { DockerBackend } from './docker-backend.js';
import { dockerConnection } from './docker-connection.js';
import { SandboxSelector, serverSandboxMode } from './select.js';
import type { SandboxBackend } from './types.js';

export interface RemoteBackendFactoryOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
}

export interface CreateSandboxOptions {
  config: Pick<
    Config,
    | 'SANDBOX_MODE'
    | 'SANDBOX_API_URL'
    | 'SANDBOX_API_KEY'
    | 'SANDBOX_TIMEOUT'
    | 'DOCKER_HOST'
    | 'DOCKER_SANDBOX_IMAGE'
    | 'DOCKER_SANDBOX_TIMEOUT'
    | 'DOCKER_SANDBOX_MEMORY'
    | 'DOCKER_SANDBOX_CPU'
    | 'DOCKER_SANDBOX_NETWORK'
    | 'GIT_USER_NAME'
    | 'GIT_USER_EMAIL'
    | 'CLARA_MAX_FILE_SIZE'
  >;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** `(options) => new RemoteBackend(options)`; without it the remote service is never used. */
  remote?: (options: RemoteBackendFactoryOptions) => SandboxBackend;
  /** How long a backend choice is cached (default 10 s). */
  cacheMs?: number;
  /** Per-server settings (`guild_configs`): a server's `/sandbox mode` local or remote overrides SANDBOX_MODE. */
  guildConfigs?: { get(guildId: string): Promise<{ sandboxMode?: string | null } | undefined> };
}

export function createSandbox(options: CreateSandboxOptions): SandboxSelector {
  const { config, logger, remote } = options;
  const remoteConfigured = Boolean(config.SANDBOX_API_URL && config.SANDBOX_API_KEY && remote);
  const guilds = options.guildConfigs;
  return new SandboxSelector({
    mode: config.SANDBOX_MODE,
    guildMode: guilds
      ? async (guildId) => serverSandboxMode((await guilds.get(guildId))?.sandboxMode)
      : undefined,
    ...(options.cacheMs !== undefined ? { cacheMs: options.cacheMs } : {}),
    remote:
      remoteConfigured && remote
        ? () =>
            remote({
              url: config.SANDBOX_API_URL as string,
              apiKey: config.SANDBOX_API_KEY as string,
              timeoutMs: config.SANDBOX_TIMEOUT * 1000,
            })
        : undefined,
    docker: () =>
      new DockerBackend({
        connection: dockerConnection(config.DOCKER_HOST),
        image: config.DOCKER_SANDBOX_IMAGE,
        memory: config.DOCKER_SANDBOX_MEMORY,
        cpus: config.DOCKER_SANDBOX_CPU,
        network: config.DOCKER_SANDBOX_NETWORK,
        idleTimeoutMs: config.DOCKER_SANDBOX_TIMEOUT * 1000,
        maxFileBytes: config.CLARA_MAX_FILE_SIZE,
        git: { name: config.GIT_USER_NAME, email: config.GIT_USER_EMAIL },
        ...(logger ? { logger } : {}),
      }),
  });
}
