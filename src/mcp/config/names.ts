/** Server names: they become folder names and the `<server>__<tool>` prefix, so they are kept simple. */

export const SERVER_NAME_RULE =
  'lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters, without "__"';

const PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class McpServerNameError extends Error {
  override name = 'McpServerNameError';
}

/** Why the name is not usable, or undefined when it is fine. */
export function serverNameProblem(name: string): string | undefined {
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..')
    return `the server name "${name}" must not contain path separators`;
  if (name.includes('__'))
    return `the server name "${name}" must not contain "__" (it separates server and tool in tool names)`;
  if (!PATTERN.test(name)) return `the server name "${name}" is not valid: use ${SERVER_NAME_RULE}`;
  return undefined;
}

export function assertServerName(name: string): void {
  const problem = serverNameProblem(name);
  if (problem) throw new McpServerNameError(problem.charAt(0).toUpperCase() + problem.slice(1));
}

/** A valid name derived from free text (e.g. a package name): lowercased, other characters → "_". */
export function toServerName(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, 64);
  return cleaned || 'server';
}
