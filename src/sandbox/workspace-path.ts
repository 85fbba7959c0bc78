/**
 * Paths inside a sandbox workspace: relative paths resolve under `/workspace`; `..` segments and absolute paths
 * outside it are refused (SandboxError `invalid_path`). The original's home `/home/user` is read as `/workspace`,
 * so prompts and habits written for it keep working.
 */
import { posix } from 'node:path';
import { SandboxError, WORKSPACE } from './types.js';

const LEGACY_HOME = '/home/user';

/** `/home/user/…` (the original's home in the sandbox) → `/workspace/…`; anything else unchanged. */
export function fromLegacyHome(path: string): string {
  return path === LEGACY_HOME || path.startsWith(`${LEGACY_HOME}/`)
    ? WORKSPACE + path.slice(LEGACY_HOME.length)
    : path;
}

/** The normalised absolute path of `input` inside the workspace (the workspace itself when empty). */
export function workspacePath(input: string | undefined, what = 'path'): string {
  const raw = (input ?? '').trim();
  if (raw.includes('\0')) throw new SandboxError('invalid_path', `${what} contains a NUL character.`);
  if (raw.split(/[\\/]+/).includes('..')) {
    throw new SandboxError(
      'invalid_path',
      `${what} "${raw}" uses ".." to leave the workspace. Use a path inside ${WORKSPACE}, e.g. data/report.csv.`,
    );
  }
  const absolute = fromLegacyHome(
    raw === '' || raw === '.' ? WORKSPACE : raw.startsWith('/') ? raw : `${WORKSPACE}/${raw}`,
  );
  const normalised = posix.normalize(absolute).replace(/\/+$/, '') || '/';
  if (normalised !== WORKSPACE && !normalised.startsWith(`${WORKSPACE}/`)) {
    throw new SandboxError(
      'invalid_path',
      `${what} "${raw}" is outside the workspace. Only files under ${WORKSPACE} can be used; give a relative path ` +
        'such as notes.txt or an absolute one starting with /workspace/.',
    );
  }
  return normalised;
}

/** `/workspace/a/b.txt` → `a/b.txt` (empty for the workspace itself). */
export function relativeToWorkspace(path: string): string {
  return path === WORKSPACE ? '' : path.slice(WORKSPACE.length + 1);
}
