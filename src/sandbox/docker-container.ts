/**
 * What a sandbox container is made of (spec §6.2.1, tightened): the image (pulled when missing), a command that
 * keeps it alive, `/workspace` on a named volume, memory/CPU/process limits, no new privileges, and no network
 * unless `DOCKER_SANDBOX_NETWORK` names one.
 */
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import { memoryBytes } from './docker-connection.js';
import { isStatus } from './docker-exec.js';
import { SandboxError, WORKSPACE } from './types.js';

export const SANDBOX_LABEL = 'clara.sandbox';

export interface ContainerSpecOptions {
  name: string;
  safeId: string;
  image: string;
  memory: string;
  cpus: number;
  network: string;
  git?: { name: string; email: string } | undefined;
}

export function containerSpec(options: ContainerSpecOptions): Dockerode.ContainerCreateOptions {
  const { git, network } = options;
  const memory = memoryBytes(options.memory);
  return {
    name: options.name,
    Image: options.image,
    Cmd: ['sleep', 'infinity'],
    WorkingDir: WORKSPACE,
    Tty: false,
    OpenStdin: false,
    Labels: { [SANDBOX_LABEL]: '1', [`${SANDBOX_LABEL}.user`]: options.safeId },
    Env: [
      'PYTHONUNBUFFERED=1',
      'PIP_DISABLE_PIP_VERSION_CHECK=1',
      'PIP_ROOT_USER_ACTION=ignore',
      'MPLBACKEND=Agg',
      ...(git
        ? [
            `GIT_AUTHOR_NAME=${git.name}`,
            `GIT_AUTHOR_EMAIL=${git.email}`,
            `GIT_COMMITTER_NAME=${git.name}`,
            `GIT_COMMITTER_EMAIL=${git.email}`,
          ]
        : []),
    ],
    HostConfig: {
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(options.cpus * 1e9),
      NetworkMode: network,
      PidsLimit: 512,
      SecurityOpt: ['no-new-privileges'],
      Init: true,
      Binds: [`${options.name}-workspace:${WORKSPACE}`],
    },
    ...(network === 'none' ? { NetworkDisabled: true } : {}),
  };
}

/** Pulls `image` when the engine does not have it; a failed pull is a SandboxError naming the image. */
export async function ensureImage(
  docker: Dockerode,
  image: string,
  logger?: { info(obj: object, msg: string): void },
): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
  logger?.info({ image }, 'pulling the sandbox image');
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
      const failed = err?.message ?? events?.find((event) => event.error)?.error;
      if (failed) reject(new SandboxError('backend', `Could not pull the sandbox image ${image}: ${failed}`));
      else resolve();
    }),
  );
}

/**
 * A Docker-safe name part for a person: readable, plus a short hash of the raw id so ids that differ only in
 * punctuation (`a.b`, `a-b`) never share a container or a workspace volume.
 */
export function safeUserId(userId: string): string {
  const readable = userId.replace(/[^a-zA-Z0-9]/g, '-').slice(0, 40);
  const hash = createHash('sha256').update(userId).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}
