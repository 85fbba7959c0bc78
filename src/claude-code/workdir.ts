/**
 * Working directories of Claude Code: a path is accepted only when it exists, is a directory and — after
 * symlinks are resolved with realpath — lies inside one of the allowed roots (`CLAUDE_CODE_ALLOWED_ROOTS`,
 * default: `CLAUDE_CODE_WORKDIR` itself).
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export class WorkdirError extends Error {}

function expandHome(input: string, home: string | undefined): string {
  if (input === '~') return home ?? input;
  if (input.startsWith('~/') && home) return path.join(home, input.slice(2));
  return input;
}

/** True when `child` is `root` or below it (both already resolved). */
export function isInside(root: string, child: string): boolean {
  const relative = path.relative(root, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Resolves each configured root with realpath; roots that do not exist are returned as `missing`. */
export function resolveRoots(roots: readonly string[]): { roots: string[]; missing: string[] } {
  const resolved: string[] = [];
  const missing: string[] = [];
  for (const root of roots) {
    try {
      const real = realpathSync(root);
      if (statSync(real).isDirectory()) resolved.push(real);
      else missing.push(root);
    } catch {
      missing.push(root);
    }
  }
  return { roots: [...new Set(resolved)], missing };
}

/**
 * Validates a directory the admin asked for. Relative paths are taken from `base` (the current working
 * directory of the person); `argument` names the tool argument in error messages.
 */
export function resolveWorkdir(
  input: string,
  options: { base: string; roots: readonly string[]; home?: string | undefined; argument: string },
): string {
  const trimmed = input.trim();
  if (!trimmed) throw new WorkdirError(`${options.argument} is empty: give a directory path.`);
  const absolute = path.resolve(options.base, expandHome(trimmed, options.home));
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new WorkdirError(`${options.argument}: the directory ${absolute} does not exist.`);
  }
  if (!statSync(real).isDirectory()) {
    throw new WorkdirError(`${options.argument}: ${absolute} is a file, not a directory.`);
  }
  if (!options.roots.some((root) => isInside(root, real))) {
    const via = real === absolute ? '' : ` (it resolves to ${real})`;
    throw new WorkdirError(
      `${options.argument}: ${absolute}${via} is outside the directories Claude Code may use ` +
        `(${options.roots.join(', ')}). An admin can widen them with CLAUDE_CODE_ALLOWED_ROOTS.`,
    );
  }
  return real;
}
