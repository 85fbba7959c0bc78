/**
 * Where the sandbox service runs user code. It never runs it on its host outside an isolation layer: Docker when
 * a daemon answers, bubblewrap only when asked for (`SANDBOX_BACKEND=bubblewrap`) and working; otherwise it
 * refuses to start with a message that says what to do.
 */
import Docker from 'dockerode';
import { describeDocker, dockerConnection } from '../sandbox/index.js';
import { BubblewrapBackend, type BubblewrapBackendOptions } from './bubblewrap-backend.js';
import type { ServiceBackend } from './server.js';

export type ServiceBackendMode = 'auto' | 'docker' | 'bubblewrap';

export class ServiceStartError extends Error {
  override name = 'ServiceStartError';
}

export interface ServiceBackendChoice {
  backend: ServiceBackend;
  /** docker | bubblewrap */
  label: string;
}

export interface ChooseBackendOptions {
  mode: ServiceBackendMode;
  /** `DOCKER_HOST`; unset = the default socket. */
  dockerHost?: string;
  /** Builds the Docker backend once the daemon answered. */
  createDocker: (docker: Docker) => ServiceBackend;
  bubblewrap: BubblewrapBackendOptions;
  /** How long the Docker ping may take (default 3 s). */
  pingTimeoutMs?: number;
}

/** Resolves null when the daemon answers, else the reason it did not. */
export async function pingDocker(docker: Docker, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      docker.ping().then(
        () => null,
        (error: Error & { code?: string }) => error.code ?? error.message,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function chooseServiceBackend(options: ChooseBackendOptions): Promise<ServiceBackendChoice> {
  const connection = dockerConnection(options.dockerHost);
  const where = describeDocker(connection);
  if (options.mode === 'bubblewrap') {
    const backend = new BubblewrapBackend(options.bubblewrap);
    const probe = await backend.probe();
    if (!probe.ok) {
      throw new ServiceStartError(
        `SANDBOX_BACKEND=bubblewrap, but ${probe.reason} The sandbox service does not start without a working isolation layer.`,
      );
    }
    return { backend, label: 'bubblewrap' };
  }
  const docker = new Docker(connection);
  const problem = await pingDocker(docker, options.pingTimeoutMs ?? 3_000);
  if (problem) {
    const alternative =
      options.mode === 'auto'
        ? ', or set SANDBOX_BACKEND=bubblewrap to run code in bubblewrap sandboxes instead (needs the bwrap command: apt-get install bubblewrap)'
        : '';
    throw new ServiceStartError(
      `No Docker daemon answers at ${where} (${problem}). The sandbox service never runs user code on this host without an isolation layer, so it did not start. Start Docker (or point DOCKER_HOST at a daemon)${alternative}.`,
    );
  }
  return { backend: options.createDocker(docker), label: 'docker' };
}
