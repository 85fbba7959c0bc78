/** Docker failures in words a person can act on: "no daemon" becomes `unavailable`, the rest `backend`. */
import { dockerMessage } from './docker-exec.js';
import { SandboxError } from './types.js';

const UNREACHABLE = ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'];

/** Why the engine at `where` cannot be reached, with the fix. */
export function unreachableReason(where: string, error: unknown): string {
  const denied = (error as { code?: string }).code === 'EACCES';
  const fix = denied
    ? 'Give the user running Clara access to the Docker socket (e.g. add it to the docker group).'
    : 'Start Docker or point DOCKER_HOST at it.';
  return `Docker is not reachable at ${where} (${dockerMessage(error)}). ${fix}`;
}

/** Rethrows a Docker call failure as a SandboxError (SandboxErrors pass through). */
export function toSandboxError(where: string, error: unknown): never {
  if (error instanceof SandboxError) throw error;
  const code = (error as { code?: string }).code ?? '';
  if (UNREACHABLE.includes(code)) throw new SandboxError('unavailable', unreachableReason(where, error));
  throw new SandboxError('backend', `Docker failed: ${dockerMessage(error)}`);
}
