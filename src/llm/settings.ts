/** Plain settings objects for providers, and a helper that reads them from env-named values. */
import { type ModelOverrides, modelTableFromEnv } from './models.js';
import type { ProviderName } from './types.js';

export const DEFAULT_TIMEOUT_MS = 120_000;

export const PROVIDER_DEFAULT_URLS: Readonly<Record<ProviderName, string>> = {
  openrouter: 'https://openrouter.ai/api/v1',
  nanogpt: 'https://nano-gpt.com/api/v1',
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** The env var that holds each provider's key (used in error messages so people know what to fix). */
export const API_KEY_ENV: Readonly<Record<ProviderName, string>> = {
  openrouter: 'OPENROUTER_API_KEY',
  nanogpt: 'NANOGPT_API_KEY',
  openai: 'CUSTOM_OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};

export interface CloudflareAccess {
  clientId: string;
  clientSecret: string;
}

/** Everything one provider needs; the composition root fills it from config. */
export interface ProviderSettings {
  name: ProviderName;
  apiKey: string;
  /** Ignored for openrouter and nanogpt (fixed URLs) unless given explicitly (tests, proxies). */
  baseUrl?: string | undefined;
  models: ModelOverrides;
  /** Per-request timeout: time to the response headers and between streamed chunks. */
  timeoutMs?: number | undefined;
  /** `TOOL_API_KEY` / `TOOL_BASE_URL`: used instead of apiKey/baseUrl for calls that carry tools (spec §2.5.2). */
  toolApiKey?: string | undefined;
  toolBaseUrl?: string | undefined;
  /** OpenRouter attribution headers (`OPENROUTER_SITE`, `OPENROUTER_TITLE`). */
  openRouterSite?: string | undefined;
  openRouterTitle?: string | undefined;
  /** `CF_ACCESS_CLIENT_ID` / `CF_ACCESS_CLIENT_SECRET` (custom OpenAI endpoint, tool endpoint, Anthropic). */
  cfAccess?: CloudflareAccess | undefined;
  /** Any extra headers to send with every request. */
  headers?: Record<string, string> | undefined;
}

/** `CF-Access-Client-Id` / `CF-Access-Client-Secret` when Cloudflare Access is configured. */
export function cloudflareHeaders(access: CloudflareAccess | undefined): Record<string, string> {
  return access
    ? { 'CF-Access-Client-Id': access.clientId, 'CF-Access-Client-Secret': access.clientSecret }
    : {};
}

/** `https://openrouter.ai/api/v1` → `openrouter.ai` (for messages; never includes credentials). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Reads one provider's settings from env-named values (`config` objects use the env var names as keys).
 * Throws a clear error when the provider's API key is missing.
 */
export function providerSettingsFromEnv(
  name: ProviderName,
  env: Env,
  options: { timeoutMs?: number; useToolOverrides?: boolean } = {},
): ProviderSettings {
  const keyEnv = API_KEY_ENV[name];
  const apiKey = given(env[keyEnv]);
  if (!apiKey) {
    throw new Error(
      `LLM provider "${name}" needs an API key: set ${keyEnv} (or choose another LLM_PROVIDER).`,
    );
  }
  const cfId = given(env.CF_ACCESS_CLIENT_ID);
  const cfSecret = given(env.CF_ACCESS_CLIENT_SECRET);
  const baseUrl =
    name === 'openai'
      ? given(env.CUSTOM_OPENAI_BASE_URL)
      : name === 'anthropic'
        ? given(env.ANTHROPIC_BASE_URL)
        : undefined;
  const useTool = options.useToolOverrides ?? true;
  const models = modelTableFromEnv(name, env);
  return {
    name,
    apiKey,
    baseUrl,
    models,
    timeoutMs: options.timeoutMs,
    toolApiKey: useTool ? given(env.TOOL_API_KEY) : undefined,
    toolBaseUrl: useTool ? given(env.TOOL_BASE_URL) : undefined,
    openRouterSite: given(env.OPENROUTER_SITE),
    openRouterTitle: given(env.OPENROUTER_TITLE),
    cfAccess: cfId && cfSecret ? { clientId: cfId, clientSecret: cfSecret } : undefined,
  };
}
