/**
 * The environment a local (stdio) server is started with: a minimal inherited one (the SDK's PATH, HOME, USER, SHELL,
 * TERM, LOGNAME) plus the server's own `env` — never Clara's API keys or tokens. A Docker server (`docker run …`)
 * also gets the variables the Docker CLI needs to find its engine, so a rootless, remote or TLS engine that the
 * install reached (`docker info` / `docker pull` run with Clara's environment) is reached again at every start.
 */
import { basename } from 'node:path';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { LocalMcpServerConfig } from '../config/index.js';

/** Docker CLI settings (engine address, context, TLS, config folder): addresses and paths, no secrets. */
export const DOCKER_CLIENT_ENV = [
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'DOCKER_CONFIG',
] as const;

export function isDockerCommand(command: string): boolean {
  return /^docker(?:\.exe)?$/i.test(basename(command));
}

export function launchEnvironment(
  config: Pick<LocalMcpServerConfig, 'command' | 'env'>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = { ...getDefaultEnvironment() };
  if (isDockerCommand(config.command)) {
    for (const name of DOCKER_CLIENT_ENV) {
      const value = parent[name];
      if (value) env[name] = value;
    }
  }
  return { ...env, ...config.env };
}
