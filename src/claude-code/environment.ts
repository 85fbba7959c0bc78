/**
 * What the Claude Code child process gets: a small allow-list of the host's environment (never Clara's own
 * secrets), the Anthropic credentials, and the switches that keep the agent from calling anything but the
 * Messages API (no telemetry, error reports, auto-updates or other "non-essential" traffic).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Host variables the agent may need to run tools (shell, locale, proxies, CA bundles, its own config dir). */
const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TMPDIR',
  'TZ',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CLAUDE_CONFIG_DIR',
] as const;

/** Keeps the agent offline except for the model API. */
export const QUIET_SWITCHES: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_BUG_COMMAND: '1',
  CLAUDE_CODE_ENABLE_TELEMETRY: '0',
};

export interface ClaudeCodeAuth {
  apiKey?: string | undefined;
  oauthToken?: string | undefined;
  baseUrl?: string | undefined;
}

export type AuthSource = 'ANTHROPIC_API_KEY' | 'CLAUDE_CODE_OAUTH_TOKEN' | 'claude login';

/** The Claude Code config folder of the host user (`CLAUDE_CONFIG_DIR`, else `~/.claude`). */
export function claudeConfigDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.CLAUDE_CONFIG_DIR) return env.CLAUDE_CONFIG_DIR;
  return env.HOME ? path.join(env.HOME, '.claude') : undefined;
}

/** Which credential the agent will use, or undefined when there is none. */
export function authSource(auth: ClaudeCodeAuth, env: NodeJS.ProcessEnv): AuthSource | undefined {
  if (auth.apiKey) return 'ANTHROPIC_API_KEY';
  if (auth.oauthToken) return 'CLAUDE_CODE_OAUTH_TOKEN';
  const dir = claudeConfigDir(env);
  if (dir && existsSync(path.join(dir, '.credentials.json'))) return 'claude login';
  return undefined;
}

/** The complete environment of the child (the SDK replaces, not merges, the environment it is given). */
export function childEnvironment(auth: ClaudeCodeAuth, hostEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = hostEnv[name];
    if (value) env[name] = value;
  }
  Object.assign(env, QUIET_SWITCHES);
  env.CLAUDE_AGENT_SDK_CLIENT_APP = 'clara';
  if (auth.apiKey) env.ANTHROPIC_API_KEY = auth.apiKey;
  else if (auth.oauthToken) env.CLAUDE_CODE_OAUTH_TOKEN = auth.oauthToken;
  if (auth.baseUrl) env.ANTHROPIC_BASE_URL = auth.baseUrl;
  return env;
}

/** Removes credential values from text that is about to be shown or logged (e.g. the child's stderr). */
export function scrub(text: string, auth: ClaudeCodeAuth): string {
  let out = text;
  for (const secret of [auth.apiKey, auth.oauthToken]) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
