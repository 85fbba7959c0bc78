/**
 * Reading and writing a person's workspace folder directly from the service. A sandbox path (relative, or
 * absolute under /workspace) maps to a host path inside the folder; `..`, other absolute paths and symlinks that
 * lead out are refused. Callers hold the person's lock, so no sandbox process runs while a check is made.
 */
import { constants } from 'node:fs';
import { chown, lstat, mkdir, open, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fromLegacyHome, SandboxError, WORKSPACE } from '../sandbox/index.js';

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Normalises a sandbox path: relative paths resolve in /workspace, the original's home `/home/user` is read as
 * /workspace (the original client and prompts use it); the result always lies inside the workspace.
 */
export function sandboxPath(input: string): string {
  if (input.includes('\0')) throw new SandboxError('invalid_path', 'The path contains a NUL character.');
  const trimmed = input.trim();
  const joined = path.posix.isAbsolute(trimmed) ? trimmed : path.posix.join(WORKSPACE, trimmed);
  const normal = fromLegacyHome(path.posix.normalize(joined).replace(/\/+$/, '') || '/');
  if (normal !== WORKSPACE && !normal.startsWith(`${WORKSPACE}/`)) {
    throw new SandboxError(
      'invalid_path',
      `The path "${input}" is outside the sandbox workspace; use a path inside ${WORKSPACE} (or a relative one).`,
    );
  }
  return normal;
}

/** The host path of a sandbox path inside `root` (no filesystem access; see `checkInside`). */
export function hostPath(root: string, input: string): string {
  const inside = sandboxPath(input).slice(WORKSPACE.length);
  return path.join(root, inside);
}

/** Throws unless `target` (resolved through symlinks) is `root` or inside it. */
async function checkInside(root: string, target: string, shown: string): Promise<string> {
  const realRoot = await realpath(root);
  const real = await realpath(target);
  if (real !== realRoot && !real.startsWith(`${realRoot}${path.sep}`)) {
    throw new SandboxError(
      'invalid_path',
      `The path "${shown}" leads outside the workspace (through a symlink).`,
    );
  }
  return real;
}

function notFound(shown: string): SandboxError {
  return new SandboxError('not_found', `File not found: ${shown}`);
}

export async function readWorkspaceFile(root: string, input: string, maxBytes: number): Promise<Uint8Array> {
  const target = hostPath(root, input);
  let real: string;
  try {
    real = await checkInside(root, target, input);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(input);
    throw error;
  }
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT'
        ? notFound(input)
        : new SandboxError('backend', `Cannot open ${input}: ${error.code}`);
    },
  );
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new SandboxError('invalid_path', `${input} is a folder, not a file.`);
    if (!info.isFile()) throw new SandboxError('invalid_path', `${input} is not a regular file.`);
    if (info.size > maxBytes) {
      throw new SandboxError('too_large', `${input} is ${info.size} bytes; the limit is ${maxBytes} bytes.`);
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function writeWorkspaceFile(
  root: string,
  input: string,
  content: Uint8Array,
  owner: Owner | undefined,
): Promise<string> {
  const target = hostPath(root, input);
  if (target === root)
    throw new SandboxError('invalid_path', 'Give a file name, not the workspace folder itself.');
  const parent = path.dirname(target);
  await makeFolders(root, parent, input, owner);
  await checkInside(root, parent, input);
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    throw new SandboxError(
      'invalid_path',
      `${input} is a symlink; the service does not write through symlinks.`,
    );
  }
  if (existing?.isDirectory()) throw new SandboxError('invalid_path', `${input} is a folder.`);
  const handle = await open(
    target,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o644,
  ).catch((error: NodeJS.ErrnoException) => {
    throw new SandboxError('backend', `Cannot write ${input}: ${error.code ?? error.message}`);
  });
  try {
    await handle.writeFile(content);
    if (owner) await handle.chown(owner.uid, owner.gid);
  } finally {
    await handle.close();
  }
  return sandboxPath(input);
}

export async function deleteWorkspaceFile(root: string, input: string): Promise<boolean> {
  const target = hostPath(root, input);
  if (target === root)
    throw new SandboxError('invalid_path', 'The workspace folder itself cannot be deleted.');
  const parent = path.dirname(target);
  try {
    await checkInside(root, parent, input);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const existing = await lstat(target).catch(() => undefined);
  if (!existing) return false;
  if (existing.isDirectory())
    throw new SandboxError('invalid_path', `${input} is a folder; delete files only.`);
  // unlink removes a symlink itself, never what it points to.
  await unlink(target);
  return true;
}

/** `mkdir -p` inside the workspace, one level at a time, refusing symlinked folders on the way. */
async function makeFolders(
  root: string,
  folder: string,
  shown: string,
  owner: Owner | undefined,
): Promise<void> {
  const relative = path.relative(root, folder);
  if (relative === '') return;
  let current = root;
  for (const part of relative.split(path.sep)) {
    current = path.join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      throw new SandboxError(
        'invalid_path',
        `The path "${shown}" goes through a symlink; the service does not follow it.`,
      );
    }
    if (info && !info.isDirectory())
      throw new SandboxError('invalid_path', `${part} in "${shown}" is not a folder.`);
    if (!info) {
      await mkdir(current, { mode: 0o755 });
      if (owner) await chown(current, owner.uid, owner.gid);
    }
  }
}
