/**
 * `clara sandbox-service`: runs Clara's own sandbox service (spec §6.3.2) — the HTTP API the remote sandbox
 * backend talks to — in front of Docker or bubblewrap. Refuses to start without an API key or an isolation layer.
 */
import path from 'node:path';
import { packageVersion } from '../app/index.js';
import { type Config, secretValues } from '../config/index.js';
import { createLogger } from '../observability/index.js';
import { DockerBackend, memoryBytes } from '../sandbox/index.js';
import { chooseServiceBackend, createSandboxService, ServiceStartError } from '../sandbox-service/index.js';
import { CliExit } from './load.js';

export async function runSandboxService(config: Config): Promise<number> {
  if (!config.SANDBOX_API_KEY) {
    throw new CliExit(
      2,
      'SANDBOX_API_KEY is not set. The sandbox service requires an API key: set SANDBOX_API_KEY to a long random value (for example the output of `openssl rand -hex 32`) here and the same value in the Clara that uses it.',
    );
  }
  const log = createLogger({
    level: config.LOG_LEVEL,
    pretty: process.stdout.isTTY === true,
    logDir: null,
    secrets: secretValues(config),
    destination: process.stdout,
  });
  const logger = log.logger.child({ name: 'sandbox-service' });
  const dataDir = path.resolve(config.SANDBOX_DATA_DIR);
  let choice: Awaited<ReturnType<typeof chooseServiceBackend>>;
  try {
    choice = await chooseServiceBackend({
      mode: config.SANDBOX_BACKEND,
      dockerHost: config.DOCKER_HOST,
      createDocker: (docker) =>
        new DockerBackend({
          docker,
          image: config.SANDBOX_DOCKER_IMAGE,
          memory: config.SANDBOX_DOCKER_MEMORY,
          cpus: config.SANDBOX_DOCKER_CPU,
          network: config.SANDBOX_NETWORK,
          idleTimeoutMs: config.SANDBOX_DOCKER_TIMEOUT * 1000,
          git: { name: config.GIT_USER_NAME, email: config.GIT_USER_EMAIL },
          logger: logger.child({ name: 'sandbox-docker' }),
        }),
      bubblewrap: {
        dataDir,
        network: config.SANDBOX_NETWORK.toLowerCase() !== 'none',
        limits: { memoryBytes: memoryBytes(config.SANDBOX_DOCKER_MEMORY) },
      },
    });
  } catch (error) {
    await log.close();
    if (error instanceof ServiceStartError) throw new CliExit(1, error.message);
    throw error;
  }
  const service = await createSandboxService({
    backend: choice.backend,
    apiKey: config.SANDBOX_API_KEY,
    logger: log.logger,
    version: packageVersion(),
    maxSandboxes: config.SANDBOX_MAX_CONTAINERS,
    idleMs: config.SANDBOX_DOCKER_TIMEOUT * 1000,
    maxTimeoutSeconds: config.SANDBOX_MAX_EXECUTION_TIMEOUT,
    defaultTimeoutSeconds: Math.min(
      config.SANDBOX_DEFAULT_EXECUTION_TIMEOUT,
      config.SANDBOX_MAX_EXECUTION_TIMEOUT,
    ),
    rateLimitPerMinute: config.SANDBOX_RATE_LIMIT,
    dataDir,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping the sandbox service: removing sandboxes…');
    await service
      .close()
      .catch((error) => logger.warn({ err: error }, 'the sandbox service did not stop cleanly'));
    await log.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    await service.app.listen({ host: config.SANDBOX_API_HOST, port: config.SANDBOX_API_PORT });
  } catch (error) {
    await service.close().catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is already in use' : (error as Error).message;
    throw new CliExit(
      1,
      `The sandbox service cannot listen on ${config.SANDBOX_API_HOST}:${config.SANDBOX_API_PORT}: ${why}. Change SANDBOX_API_PORT or SANDBOX_API_HOST.`,
    );
  }
  const address = service.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.SANDBOX_API_PORT;
  const host = config.SANDBOX_API_HOST.includes(':')
    ? `[${config.SANDBOX_API_HOST}]`
    : config.SANDBOX_API_HOST;
  const stats = await choice.backend.stats().catch(() => ({}));
  logger.info({ backend: choice.label, dataDir, ...stats }, 'sandbox service ready');
  process.stdout.write(`\n  Clara sandbox service (${choice.label}) listening on http://${host}:${port}\n\n`);
  return new Promise<number>(() => {});
}
