/**
 * Install sources (spec §5.3): what kind of source a string names, validated, and the default server name.
 *
 * Detection, first match: `smithery-hosted:` → hosted Smithery; `smithery:` → Smithery local; explicit
 * `npm:` / `github:` / `docker:` prefixes; `git+…` or `file://…` URLs → a git repository; `/`, `./`, `../`, `~` →
 * local path; `github.com/…` or `owner/repo` → GitHub; a known container registry → Docker; another http(s) URL → a
 * remote (Streamable HTTP) server, or a git repository when it ends in `.git`; `@scope/pkg` or a bare
 * name → npm; anything else is rejected with the accepted forms.
 */
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { serverNameProblem, toServerName } from '../config/index.js';

export type InstallSource =
  | { kind: 'npm'; raw: string; spec: string; packageName?: string }
  | { kind: 'github'; raw: string; cloneUrl: string; repo: string; ref?: string }
  | { kind: 'docker'; raw: string; image: string }
  | { kind: 'local'; raw: string; path: string }
  | { kind: 'smithery'; raw: string; qualifiedName: string }
  | { kind: 'smithery-hosted'; raw: string; qualifiedName: string }
  | { kind: 'remote'; raw: string; url: string };

export class InstallSourceError extends Error {
  override name = 'InstallSourceError';
}

const ACCEPTED =
  'Use an npm package (name or @scope/name, optionally @version, or npm:<tarball>), a GitHub repository ' +
  '(owner/repo or https://github.com/owner/repo), a git URL (git+https://…, file:///path/to/repo), a Docker image ' +
  '(docker:<image> or ghcr.io/…), a local path (/abs, ./rel, ~/…), the https:// URL of a remote MCP server, ' +
  'smithery:<name> or smithery-hosted:<name>.';

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const NPM_VERSION = /^[A-Za-z0-9._^~*<>=|+ -]+$/;
const OWNER_REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;
const DOCKER_REGISTRIES = ['docker.io', 'ghcr.io', 'gcr.io', 'quay.io', 'registry.', 'amazonaws.com'];
const DOCKER_IMAGE = /^[a-z0-9][a-z0-9._/:-]*(?:@sha256:[a-f0-9]{64})?$/;
const SMITHERY_NAME = /^(?:@[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export function parseInstallSource(input: string, options: { cwd?: string } = {}): InstallSource {
  const raw = input.trim();
  if (!raw) throw new InstallSourceError(`The install source is empty. ${ACCEPTED}`);
  if (/\s/.test(raw))
    throw new InstallSourceError(`The install source "${raw}" contains spaces. ${ACCEPTED}`);
  const cwd = options.cwd ?? process.cwd();

  if (raw.startsWith('smithery-hosted:')) return smithery('smithery-hosted', raw, raw.slice(16));
  if (raw.startsWith('smithery:')) return smithery('smithery', raw, raw.slice(9));
  if (raw.startsWith('npm:')) return npm(raw, raw.slice(4), cwd);
  if (raw.startsWith('docker:')) return docker(raw, raw.slice(7));
  if (raw.startsWith('github:')) return github(raw, raw.slice(7));
  if (raw.startsWith('git+') || raw.startsWith('file://')) return gitUrl(raw);
  if (raw.startsWith('/') || raw.startsWith('./') || raw.startsWith('../') || raw.startsWith('~')) {
    return { kind: 'local', raw, path: expandPath(raw, cwd) };
  }
  if (raw.includes('github.com')) return github(raw, raw);
  if (DOCKER_REGISTRIES.some((registry) => raw.includes(registry))) return docker(raw, raw);
  if (/^https?:\/\//i.test(raw)) {
    if (/\.git(#.*)?$/.test(raw)) return gitUrl(raw);
    return remote(raw);
  }
  if (raw.startsWith('@')) return npm(raw, raw, cwd);
  if (OWNER_REPO.test(raw.split('#')[0]!)) return github(raw, raw);
  if (!raw.includes('/') && !raw.startsWith('.')) return npm(raw, raw, cwd);
  throw new InstallSourceError(`Unknown source type for "${raw}". ${ACCEPTED}`);
}

function expandPath(path: string, cwd: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  if (path.startsWith('~')) throw new InstallSourceError(`"${path}": only ~/ (your own home) is supported.`);
  return resolve(cwd, path);
}

function smithery(kind: 'smithery' | 'smithery-hosted', raw: string, name: string): InstallSource {
  if (!name || !SMITHERY_NAME.test(name) || name.includes('..')) {
    throw new InstallSourceError(
      `"${raw}" is not a valid Smithery server name. Use ${kind}:<qualified name>, e.g. ${kind}:@owner/server (find names with smithery_search).`,
    );
  }
  return { kind, raw, qualifiedName: name };
}

function npm(raw: string, spec: string, cwd: string): InstallSource {
  if (/\.(?:tgz|tar\.gz)$/.test(spec) || spec.startsWith('file:')) {
    const path = spec.startsWith('file:') ? spec.slice(5) : spec;
    return { kind: 'npm', raw, spec: expandPath(path, cwd) };
  }
  const at = spec.indexOf('@', 1);
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  if (!NPM_NAME.test(name) || name.length > 214) {
    throw new InstallSourceError(
      `"${raw}" is not a valid npm package name (lower case letters, digits, - . _ ~, optionally @scope/). ${ACCEPTED}`,
    );
  }
  if (version !== undefined && (!version || !NPM_VERSION.test(version))) {
    throw new InstallSourceError(
      `"${raw}" has an invalid version after @. Use e.g. ${name}@1.2.3 or ${name}@latest.`,
    );
  }
  return { kind: 'npm', raw, spec, packageName: name };
}

function remote(raw: string): InstallSource {
  try {
    const url = new URL(raw);
    if (url.username || url.password) {
      throw new InstallSourceError(`"${url.host}": put credentials in headers or OAuth, not in the URL.`);
    }
    return { kind: 'remote', raw, url: url.toString() };
  } catch (error) {
    if (error instanceof InstallSourceError) throw error;
    throw new InstallSourceError(`"${raw}" is not a valid URL of a remote MCP server (Streamable HTTP).`);
  }
}

function docker(raw: string, image: string): InstallSource {
  if (!image || !DOCKER_IMAGE.test(image) || image.includes('..') || image.startsWith('-')) {
    throw new InstallSourceError(
      `"${raw}" is not a valid Docker image reference. Use e.g. docker:mcp/fetch or ghcr.io/owner/image:tag.`,
    );
  }
  return { kind: 'docker', raw, image };
}

function github(raw: string, value: string): InstallSource {
  let path = value.replace(/^(?:https?:\/\/)?(?:www\.)?github\.com[/:]/, '').replace(/^git@github\.com:/, '');
  let ref: string | undefined;
  const hash = path.indexOf('#');
  if (hash >= 0) {
    ref = path.slice(hash + 1);
    path = path.slice(0, hash);
  }
  const parts = path.replace(/\/+$/, '').split('/');
  const match = OWNER_REPO.exec(parts.slice(0, 2).join('/'));
  if (!match || (parts.length > 2 && parts[2] !== 'tree')) {
    throw new InstallSourceError(
      `"${raw}" is not a GitHub repository. Use owner/repo or https://github.com/owner/repo (optionally #branch).`,
    );
  }
  if (parts[2] === 'tree' && parts[3]) ref ??= parts.slice(3).join('/');
  if (ref !== undefined) validateRef(raw, ref);
  const owner = match[1]!;
  const repo = match[2]!.replace(/\.git$/, '');
  if (!repo || repo === '.' || repo === '..')
    throw new InstallSourceError(`"${raw}" has no repository name.`);
  return {
    kind: 'github',
    raw,
    cloneUrl: `https://github.com/${owner}/${repo}.git`,
    repo,
    ...(ref ? { ref } : {}),
  };
}

function gitUrl(raw: string): InstallSource {
  let url = raw.startsWith('git+') ? raw.slice(4) : raw;
  let ref: string | undefined;
  const hash = url.indexOf('#');
  if (hash >= 0) {
    ref = url.slice(hash + 1);
    url = url.slice(0, hash);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InstallSourceError(
      `"${raw}" is not a valid git URL. Use git+https://host/owner/repo.git or file:///path.`,
    );
  }
  if (!['https:', 'http:', 'ssh:', 'file:'].includes(parsed.protocol)) {
    throw new InstallSourceError(`"${raw}": git URLs must use https, http, ssh or file.`);
  }
  if (ref !== undefined) validateRef(raw, ref);
  const repo = basename(parsed.pathname.replace(/\/+$/, '')).replace(/\.git$/, '');
  if (!repo) throw new InstallSourceError(`"${raw}" has no repository name.`);
  return { kind: 'github', raw, cloneUrl: url, repo, ...(ref ? { ref } : {}) };
}

function validateRef(raw: string, ref: string): void {
  if (!/^[A-Za-z0-9._/-]{1,200}$/.test(ref) || ref.startsWith('-') || ref.includes('..')) {
    throw new InstallSourceError(`"${raw}" names an invalid branch or tag "${ref}".`);
  }
}

/** Checks a server name given by the user (the store's rule: lowercase, digits, - and _, never `__`). */
export function validateServerName(name: string): string {
  const problem = serverNameProblem(name);
  if (problem) {
    throw new InstallSourceError(
      `${problem.charAt(0).toUpperCase()}${problem.slice(1)}. Choose another with --name (or the name argument), e.g. ${toServerName(name)}.`,
    );
  }
  return name;
}

/** The name a source installs under unless one is given: last path segment, prefixes stripped, `-` → `_`. */
export function defaultServerName(source: InstallSource): string {
  let base: string;
  switch (source.kind) {
    case 'npm':
      base =
        source.packageName ??
        basename(source.spec)
          .replace(/\.(?:tgz|tar\.gz)$/, '')
          .replace(/-\d+\.\d+\.\d+.*$/, '');
      base = stripPrefixes(lastSegment(base));
      break;
    case 'smithery':
    case 'smithery-hosted':
      base = stripPrefixes(lastSegment(source.qualifiedName));
      break;
    case 'github':
      base = source.repo.replace(/\.git$/, '');
      break;
    case 'docker':
      base = lastSegment(source.image.replace(/@sha256:.*$/, '')).replace(/:[^:]*$/, '');
      break;
    case 'remote':
      base = new URL(source.url).hostname.replace(/^(www|mcp|api)\./, '').replace(/\./g, '_');
      break;
    case 'local':
      base = basename(source.path).replace(/\.(?:c|m)?js$|\.py$/, '');
      break;
  }
  if (!/[A-Za-z0-9]/.test(base))
    throw new InstallSourceError(
      `Could not derive a server name from "${source.raw}"; give one with --name.`,
    );
  return validateServerName(toServerName(base.replace(/-/g, '_')).replace(/_+$/, ''));
}

function lastSegment(value: string): string {
  const parts = value.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? value;
}

function stripPrefixes(name: string): string {
  for (const prefix of ['mcp-server-', 'mcp-', 'server-']) {
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
  }
  return name;
}
