/**
 * Files in a sandbox container through the Docker archive API (no shell involved): writing sends a one-file tar to
 * `PUT /containers/{id}/archive?path=/workspace`, reading takes the tar of `GET …/archive?path=<file>` with a size
 * cap. Symbolic links are followed only while they stay inside the workspace: before either, the path is resolved
 * inside the container (every component, so a linked folder in the middle counts as much as a linked file at the
 * end) and refused when it leads out of `/workspace`.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { dockerMessage, type ExecOutcome, isStatus } from './docker-exec.js';
import { tarFile, untar } from './tar.js';
import { SandboxError, WORKSPACE } from './types.js';
import { relativeToWorkspace, workspacePath } from './workspace-path.js';

const MAX_LINK_HOPS = 5;
/** Room for tar headers (and PAX records) around the file's bytes. */
const TAR_OVERHEAD = 64 * 1024;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

async function readCapped(stream: Readable, maxBytes: number, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes + TAR_OVERHEAD) {
      stream.destroy();
      throw new SandboxError(
        'too_large',
        `${path} is larger than the ${formatBytes(maxBytes)} that can be read at once. Read part of it with ` +
          'run_shell (e.g. head -c 20000 file) or compress it first.',
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** os.path.realpath: resolves every symbolic link on the way; missing components are kept as they are. */
const RESOLVE = 'import os, sys\nsys.stdout.write(os.path.realpath(sys.argv[1]))';

/**
 * `path` (relative or under /workspace) resolved through the links in the container, checked to stay inside the
 * workspace. `run` executes an argument array in the person's container.
 */
export async function resolveInContainer(
  run: (cmd: string[]) => Promise<ExecOutcome>,
  path: string,
  doing: 'read' | 'written',
): Promise<string> {
  const target = workspacePath(path);
  const outcome = await run(['python3', '-I', '-S', '-c', RESOLVE, target]);
  const real = outcome.stdout;
  if (outcome.exitCode !== 0 || !real.startsWith('/')) {
    const why = outcome.stderr.trim().split('\n').at(-1) || `exit code ${outcome.exitCode ?? 'unknown'}`;
    throw new SandboxError(
      outcome.stopped === 'lost' ? 'unavailable' : 'backend',
      `Could not check the path ${target} in the sandbox (${why}).`,
    );
  }
  if (real !== WORKSPACE && !real.startsWith(`${WORKSPACE}/`)) {
    throw new SandboxError(
      'invalid_path',
      `${target} leads out of the workspace through a symbolic link (it resolves to ${real}), so it cannot be ${doing}.`,
    );
  }
  return real;
}

export async function writeContainerFile(
  container: Dockerode.Container,
  path: string,
  content: Uint8Array,
  maxBytes: number,
): Promise<string> {
  const target = workspacePath(path);
  if (target === WORKSPACE) {
    throw new SandboxError(
      'invalid_path',
      'path names the workspace folder itself; give a file name such as notes.txt.',
    );
  }
  if (content.byteLength > maxBytes) {
    throw new SandboxError(
      'too_large',
      `The content is ${formatBytes(content.byteLength)}; at most ${formatBytes(maxBytes)} can be written at once.`,
    );
  }
  try {
    await container.putArchive(tarFile(relativeToWorkspace(target), content), { path: WORKSPACE });
  } catch (error) {
    if (isStatus(error, 404))
      throw new SandboxError('unavailable', `The sandbox container is gone (${dockerMessage(error)}).`);
    throw new SandboxError('backend', `Could not write ${target}: ${dockerMessage(error)}`);
  }
  return target;
}

/** Writes any file in the container (the Python script under /tmp); the path is ours, not the model's. */
export async function putInternalFile(
  container: Dockerode.Container,
  folder: string,
  name: string,
  content: string,
): Promise<void> {
  try {
    await container.putArchive(tarFile(name, Buffer.from(content, 'utf8'), { mode: 0o600 }), {
      path: folder,
    });
  } catch (error) {
    if (isStatus(error, 404))
      throw new SandboxError('unavailable', `The sandbox container is gone (${dockerMessage(error)}).`);
    throw new SandboxError('backend', `Could not send the code to the sandbox: ${dockerMessage(error)}`);
  }
}

export async function readContainerFile(
  container: Dockerode.Container,
  path: string,
  maxBytes: number,
): Promise<Uint8Array> {
  let target = workspacePath(path);
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    let stream: Readable;
    try {
      stream = (await container.getArchive({ path: target })) as Readable;
    } catch (error) {
      if (isStatus(error, 404)) {
        const message = dockerMessage(error);
        if (/could not find the file|no such file/i.test(message)) {
          throw new SandboxError('not_found', `No file at ${target}. Use list_files to see what is there.`);
        }
        throw new SandboxError('unavailable', `The sandbox container is gone (${message}).`);
      }
      throw new SandboxError('backend', `Could not read ${target}: ${dockerMessage(error)}`);
    }
    const [entry] = untar(await readCapped(stream, maxBytes, target));
    if (!entry) throw new SandboxError('not_found', `No file at ${target}.`);
    if (entry.type === 'directory') {
      throw new SandboxError(
        'invalid_path',
        `${target} is a folder, not a file. Use list_files to see its contents.`,
      );
    }
    if (entry.type === 'symlink') {
      const link = entry.linkName.startsWith('/')
        ? entry.linkName
        : posix.join(posix.dirname(target), entry.linkName);
      try {
        target = workspacePath(link);
      } catch {
        throw new SandboxError(
          'invalid_path',
          `${target} is a link to ${entry.linkName}, outside the workspace; it cannot be read.`,
        );
      }
      continue;
    }
    if (entry.type !== 'file') throw new SandboxError('invalid_path', `${target} is not a regular file.`);
    if (entry.size > maxBytes) {
      throw new SandboxError(
        'too_large',
        `${target} is ${formatBytes(entry.size)}; at most ${formatBytes(maxBytes)} can be read at once.`,
      );
    }
    return new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
  }
  throw new SandboxError('invalid_path', `${path} is a chain of more than ${MAX_LINK_HOPS} links.`);
}
