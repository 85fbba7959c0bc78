/** Package specs for `install_package` (spec §6.2): validation and the normalised name used for tracking. */
import { SandboxError } from './types.js';

const SPEC =
  /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?((===?|~=|!=|<=?|>=?)[A-Za-z0-9.*+!_-]+(,(===?|~=|!=|<=?|>=?)[A-Za-z0-9.*+!_-]+)*)?$/;

/** The spec without spaces; a SandboxError a person can act on for anything that is not a plain requirement. */
export function checkPackageSpec(spec: string): string {
  const trimmed = spec.trim().replace(/\s+/g, '');
  if (!trimmed)
    throw new SandboxError('backend', 'package is empty: give a name such as requests or pandas==2.2.2.');
  if (trimmed.startsWith('-') || !SPEC.test(trimmed)) {
    throw new SandboxError(
      'backend',
      `"${spec}" is not a package requirement. Give a name with an optional version, e.g. requests, ` +
        'pandas==2.2.2 or httpx[http2]>=0.27 (no pip options, URLs or several packages at once).',
    );
  }
  return trimmed;
}

/** PEP 503 name of a requirement: lower case, extras and version specifiers dropped, runs of `-_.` → `-`. */
export function normalisePackageName(spec: string): string {
  const name = spec.trim().split(/[[<>=!~;\s@]/, 1)[0] ?? '';
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Names from `pip list --format=freeze` output (`name==version` lines). */
export function parseFreeze(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map(normalisePackageName)
    .filter(Boolean);
}
