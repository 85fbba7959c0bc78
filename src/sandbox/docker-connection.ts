/** How to reach the Docker engine (`DOCKER_HOST`) and the container limits, parsed from their env forms. */
import type { DockerOptions } from 'dockerode';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** dockerode/docker-modem options for a `DOCKER_HOST` value (unset → the default unix socket). */
export function dockerConnection(dockerHost: string | undefined): DockerOptions {
  if (!dockerHost) return { socketPath: DEFAULT_DOCKER_SOCKET };
  const url = new URL(dockerHost);
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'unix') return { socketPath: decodeURIComponent(url.pathname) };
  if (scheme === 'npipe') return { socketPath: `//./pipe/${url.pathname.replace(/^\/+(\.\/pipe\/)?/, '')}` };
  const port = url.port ? Number(url.port) : scheme === 'https' ? 2376 : 2375;
  if (scheme === 'ssh') {
    return {
      protocol: 'ssh',
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    };
  }
  return { protocol: scheme === 'https' ? 'https' : 'http', host: url.hostname, port };
}

/** Where Docker is expected, for messages: the socket path or `host:port`, never credentials. */
export function describeDocker(options: DockerOptions): string {
  if (options.socketPath) return `unix://${String(options.socketPath)}`;
  return `${options.protocol ?? 'http'}://${options.host ?? 'localhost'}:${options.port ?? ''}`;
}

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512m` → bytes (Docker's units: b, k, m, g, powers of 1024; a bare number is bytes). */
export function memoryBytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(size.trim());
  if (!match) throw new Error(`DOCKER_SANDBOX_MEMORY "${size}" is not a memory size such as 512m or 2g.`);
  return Math.floor(Number(match[1]) * (UNITS[(match[2] || 'b').toLowerCase()] ?? 1));
}
