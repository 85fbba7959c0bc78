/**
 * Whether the configured LLM providers can be used. A missing key is not a load error (Clara starts without an
 * LLM); this says exactly which variables to set.
 */
import type { Config } from './schema.js';
import type { LlmProvider } from './var-types.js';

export type ProviderSetup =
  | { readonly provider: LlmProvider; readonly ready: true }
  | {
      readonly provider: LlmProvider;
      readonly ready: false;
      readonly missing: string[];
      readonly fix: string;
    };

/** The primary provider's status, plus one status per `LLM_FALLBACK_PROVIDERS` entry. */
export type LlmSetupStatus = ProviderSetup & { readonly fallbacks: readonly ProviderSetup[] };

const KEY_VARS = {
  openrouter: 'OPENROUTER_API_KEY',
  nanogpt: 'NANOGPT_API_KEY',
  openai: 'CUSTOM_OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
} as const satisfies Record<LlmProvider, keyof Config>;

function keyHint(provider: LlmProvider, config: Config): string {
  switch (provider) {
    case 'openrouter':
      return 'set OPENROUTER_API_KEY to your OpenRouter API key (https://openrouter.ai/keys)';
    case 'nanogpt':
      return 'set NANOGPT_API_KEY to your NanoGPT API key';
    case 'openai':
      return `set CUSTOM_OPENAI_API_KEY to the API key of your OpenAI-compatible endpoint (CUSTOM_OPENAI_BASE_URL, now ${config.CUSTOM_OPENAI_BASE_URL})`;
    case 'anthropic':
      return 'set ANTHROPIC_API_KEY to your Anthropic API key';
  }
}

function providerSetup(provider: LlmProvider, config: Config, role: 'primary' | 'fallback'): ProviderSetup {
  const keyVar = KEY_VARS[provider];
  if (config[keyVar]) return { provider, ready: true };
  const alternative =
    role === 'primary'
      ? 'or set LLM_PROVIDER to a provider whose key you have'
      : `or remove ${provider} from LLM_FALLBACK_PROVIDERS`;
  return { provider, ready: false, missing: [keyVar], fix: `${keyHint(provider, config)}, ${alternative}.` };
}

export function llmSetupStatus(config: Config): LlmSetupStatus {
  const fallbacks = config.LLM_FALLBACK_PROVIDERS.filter((p) => p !== config.LLM_PROVIDER).map((p) =>
    providerSetup(p, config, 'fallback'),
  );
  return { ...providerSetup(config.LLM_PROVIDER, config, 'primary'), fallbacks };
}
