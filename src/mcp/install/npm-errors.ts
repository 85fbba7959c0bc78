/**
 * npm failures in one clear paragraph instead of npm's raw output (stack traces, `npm error` lines): a package that
 * does not exist, a registry that cannot be reached or answers with an error, a refused login, a time-out. npm's
 * own lines still go to the verbose progress output (`clara mcp install --verbose`).
 */
import { CommandError } from './run-command.js';
import { InstallError } from './types.js';

/**
 * Network settings for Clara's npm runs: one retry after 2 s (npm's default, 2 retries after 10 s and 60 s, makes an
 * unreachable registry take over a minute to fail); the step's own time limit still bounds a registry that hangs.
 */
export const NPM_NETWORK_ARGS = [
  '--fetch-retries=1',
  '--fetch-retry-mintimeout=2000',
  '--fetch-retry-maxtimeout=10000',
];

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS)',
  ETIMEDOUT: 'timed out',
  ESOCKETTIMEDOUT: 'timed out',
  ERR_SOCKET_TIMEOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
};

const SETTINGS_HINT = 'the registry setting (npm_config_registry or registry= in .npmrc) and any proxy';

/** What npm was doing, e.g. `install the npm package "x"` or `install the dependencies of …`. */
export function explainNpmFailure(error: unknown, what: string, env: NodeJS.ProcessEnv): Error {
  if (!(error instanceof CommandError)) return error instanceof Error ? error : new Error(String(error));
  const output = error.output;
  const registry = npmRegistryOrigin(output, env);
  if (/did not finish within/.test(error.message)) {
    const seconds = /within (\d+(?:\.\d+)?) s/.exec(error.message)?.[1];
    return new InstallError(
      `npm did not ${what} within ${seconds ?? 'its time limit'} s and was stopped: the npm registry ${registry} may be slow or not answering. Check your network, ${SETTINGS_HINT}, then try again.`,
    );
  }
  if (/was cancelled/.test(error.message)) return new InstallError(`npm was cancelled (${what}).`);
  const code = Object.keys(NETWORK_CODES).find((name) => new RegExp(`\\b${name}\\b`).test(output));
  if (code) {
    return new InstallError(
      `Could not reach the npm registry ${registry} (${NETWORK_CODES[code]}) to ${what}. Check your network, ${SETTINGS_HINT}, then try again.`,
    );
  }
  const status = /\bE(5\d\d|401|403)\b/.exec(output)?.[1];
  if (status?.startsWith('5')) {
    return new InstallError(
      `The npm registry ${registry} failed with HTTP ${status} when asked to ${what}: it may be down. Try again later, or check ${SETTINGS_HINT}.`,
    );
  }
  if (status) {
    return new InstallError(
      `The npm registry ${registry} refused access (HTTP ${status}) when asked to ${what}: check your npm login or token (.npmrc).`,
    );
  }
  const exit = /\((exit code \d+|signal \w+)\)/.exec(error.message)?.[1] ?? 'failed';
  const log = /A complete log of this run can be found in:\s*(\S+)/.exec(output)?.[1];
  return new InstallError(
    `npm could not ${what} (${exit}): ${firstErrorLine(output) || 'no error message'}.${log ? ` npm's log: ${log}` : ''}`,
  );
}

/** The registry as origin only (never credentials or a token in the URL): configured, else seen in npm's output. */
export function npmRegistryOrigin(output: string, env: NodeJS.ProcessEnv): string {
  const configured = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  const seen = /(?:request to|GET|PUT)\s+(https?:\/\/\S+)/.exec(output)?.[1];
  for (const candidate of [configured, seen]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate);
      return `${url.protocol}//${url.host}`;
    } catch {
      // not a URL: try the next
    }
  }
  return '(as configured in your .npmrc)';
}

export function firstErrorLine(output: string): string {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^npm (?:error|ERR!) (?!code\b|errno\b|syscall\b|network\b|A complete log)\S/.test(l));
  return (line ?? '')
    .replace(/^npm (?:error|ERR!) /, '')
    .replace(/\.$/, '')
    .slice(0, 300);
}
