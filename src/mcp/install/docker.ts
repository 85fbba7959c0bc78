/**
 * Docker images run as stdio servers: `docker run -i --rm --init <image>` (the usual way MCP images are made), with
 * the server's env passed by name (`-e KEY`, values never on the command line). Needs a reachable Docker engine;
 * without one the install stops with a clear error before anything is saved.
 */
import { CommandError, runCommand } from './run-command.js';
import { type InstallContext, InstallError, type StdioLaunch } from './types.js';

export async function prepareDockerImage(
  image: string,
  ctx: InstallContext,
  options: { args: string[]; env: Record<string, string> },
): Promise<StdioLaunch> {
  ctx.progress('Checking the Docker engine…');
  try {
    await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], {
      env: ctx.env,
      timeoutMs: 20_000,
      signal: ctx.signal,
    });
  } catch (error) {
    const detail =
      error instanceof CommandError &&
      /Cannot connect|Is the docker daemon running|permission denied/i.test(error.output)
        ? 'the Docker engine is not running or not reachable'
        : error instanceof Error && /not installed or not on PATH/.test(error.message)
          ? 'the docker command is not installed'
          : 'docker info failed';
    throw new InstallError(
      `Cannot install the Docker image ${image}: ${detail}. Start Docker (or set DOCKER_HOST), or install the server from npm, GitHub or a local path instead.`,
    );
  }
  ctx.progress(`Pulling ${image}…`);
  try {
    await runCommand('docker', ['pull', image], {
      env: ctx.env,
      timeoutMs: ctx.timeouts.pullMs,
      onLine: ctx.detail,
      signal: ctx.signal,
    });
  } catch (error) {
    if (
      error instanceof CommandError &&
      /not found|manifest unknown|pull access denied/i.test(error.output)
    ) {
      throw new InstallError(`The Docker image ${image} does not exist or is private.`);
    }
    throw error;
  }
  const envFlags = Object.keys(options.env).flatMap((key) => ['-e', key]);
  return {
    command: 'docker',
    args: ['run', '-i', '--rm', '--init', ...envFlags, image, ...options.args],
    env: options.env,
  };
}
