/**
 * The memory LLM (spec §3.2): independent of the chat provider. `MEM0_PROVIDER` picks the provider, `MEM0_MODEL`
 * is used for every tier, `MEM0_API_KEY` / `MEM0_BASE_URL` override the provider's own key and URL.
 */
import {
  createLlm,
  type Llm,
  type LlmRuntimeOptions,
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderSettings,
} from '../../llm/index.js';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_MEMORY_PROVIDER: ProviderName = 'openrouter';
export const DEFAULT_MEMORY_MODEL = 'openai/gpt-4o-mini';

/** Where each provider's own key is read from when `MEM0_API_KEY` is unset (first set wins). */
const KEY_ENVS: Readonly<Record<ProviderName, readonly string[]>> = {
  openrouter: ['OPENROUTER_API_KEY'],
  nanogpt: ['NANOGPT_API_KEY'],
  openai: ['CUSTOM_OPENAI_API_KEY', 'OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
};

const URL_ENVS: Readonly<Partial<Record<ProviderName, string>>> = {
  openai: 'CUSTOM_OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
};

function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export type MemoryLlmSettings =
  | { ok: true; provider: ProviderName; model: string; settings: ProviderSettings }
  | { ok: false; provider: string; model: string; reason: string };

/** Reads the memory LLM's settings from env-named config values; says what to set when it cannot be used. */
export function memoryLlmSettings(env: Env, options: { timeoutMs?: number } = {}): MemoryLlmSettings {
  const raw = (given(env.MEM0_PROVIDER) ?? DEFAULT_MEMORY_PROVIDER).toLowerCase();
  const provider = raw === 'openai-custom' ? 'openai' : raw;
  const model = given(env.MEM0_MODEL) ?? DEFAULT_MEMORY_MODEL;
  if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    return {
      ok: false,
      provider: raw,
      model,
      reason: `MEM0_PROVIDER "${raw}" is not one of ${PROVIDER_NAMES.join(', ')}; memory extraction is off.`,
    };
  }
  const name = provider as ProviderName;
  const keyEnvs = KEY_ENVS[name];
  const apiKey = given(env.MEM0_API_KEY) ?? keyEnvs.map((k) => given(env[k])).find(Boolean);
  if (!apiKey) {
    return {
      ok: false,
      provider: name,
      model,
      reason: `The memory LLM (MEM0_PROVIDER=${name}) has no API key: set MEM0_API_KEY or ${keyEnvs.join(' or ')}; memory extraction is off.`,
    };
  }
  const urlEnv = URL_ENVS[name];
  const cfId = given(env.CF_ACCESS_CLIENT_ID);
  const cfSecret = given(env.CF_ACCESS_CLIENT_SECRET);
  const settings: ProviderSettings = {
    name,
    apiKey,
    baseUrl: given(env.MEM0_BASE_URL) ?? (urlEnv ? given(env[urlEnv]) : undefined),
    models: { base: model, high: model, mid: model, low: model },
    timeoutMs: options.timeoutMs,
    openRouterSite: given(env.OPENROUTER_SITE),
    openRouterTitle: given(env.OPENROUTER_TITLE),
    cfAccess: cfId && cfSecret ? { clientId: cfId, clientSecret: cfSecret } : undefined,
  };
  return { ok: true, provider: name, model, settings };
}

export type MemoryLlmSetup =
  | { llm: Llm; provider: ProviderName; model: string }
  | { llm: undefined; provider: string; model: string; reason: string };

/** Builds the memory `Llm` (no fallbacks), or explains why there is none. */
export function createMemoryLlm(
  env: Env,
  options: LlmRuntimeOptions & { timeoutMs?: number } = {},
): MemoryLlmSetup {
  const { timeoutMs, ...runtime } = options;
  const found = memoryLlmSettings(env, timeoutMs !== undefined ? { timeoutMs } : {});
  if (!found.ok)
    return { llm: undefined, provider: found.provider, model: found.model, reason: found.reason };
  return {
    llm: createLlm({ primary: found.settings, ...runtime }),
    provider: found.provider,
    model: found.model,
  };
}
