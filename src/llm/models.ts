/** Tier → model mapping (spec §2.2): built-in defaults per provider, env overrides, tool calls never use low. */
import type { Tier } from '../domain/index.js';
import type { CallPurpose, ProviderName } from './types.js';

/** The models one provider uses: `base` for calls without a tier, one model per tier. */
export interface ModelTable {
  base: string;
  high: string;
  mid: string;
  low: string;
}

/** Optional overrides as they come from the environment (empty strings count as unset). */
export interface ModelOverrides {
  base?: string | undefined;
  high?: string | undefined;
  mid?: string | undefined;
  low?: string | undefined;
}

interface ProviderModelDefaults {
  /** Env var holding the base model, e.g. `OPENROUTER_MODEL`; tier overrides are `<env>_HIGH|_MID|_LOW`. */
  env: string;
  base: string;
  high: string;
  low: string;
}

export const MODEL_DEFAULTS: Readonly<Record<ProviderName, ProviderModelDefaults>> = {
  openrouter: {
    env: 'OPENROUTER_MODEL',
    base: 'anthropic/claude-sonnet-4',
    high: 'anthropic/claude-opus-4',
    low: 'anthropic/claude-haiku',
  },
  nanogpt: {
    env: 'NANOGPT_MODEL',
    base: 'moonshotai/Kimi-K2-Instruct-0905',
    high: 'anthropic/claude-opus-4',
    low: 'openai/gpt-4o-mini',
  },
  openai: { env: 'CUSTOM_OPENAI_MODEL', base: 'gpt-4o', high: 'claude-opus-4', low: 'gpt-4o-mini' },
  anthropic: {
    env: 'ANTHROPIC_MODEL',
    base: 'claude-sonnet-4-5',
    high: 'claude-opus-4-5',
    low: 'claude-haiku-4-5',
  },
};

/** Env var names for a provider's models: `{ base: 'OPENROUTER_MODEL', high: 'OPENROUTER_MODEL_HIGH', … }`. */
export function modelEnvNames(provider: ProviderName): Record<keyof ModelTable, string> {
  const env = MODEL_DEFAULTS[provider].env;
  return { base: env, high: `${env}_HIGH`, mid: `${env}_MID`, low: `${env}_LOW` };
}

function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Builds a provider's model table: a tier override wins; mid falls back to the base model;
 * high and low fall back to the built-in defaults; base falls back to its default.
 */
export function modelTable(provider: ProviderName, overrides: ModelOverrides = {}): ModelTable {
  const defaults = MODEL_DEFAULTS[provider];
  const base = given(overrides.base) ?? defaults.base;
  return {
    base,
    high: given(overrides.high) ?? defaults.high,
    mid: given(overrides.mid) ?? base,
    low: given(overrides.low) ?? defaults.low,
  };
}

/** Reads the overrides for `provider` from env-named values (`OPENROUTER_MODEL`, `OPENROUTER_MODEL_HIGH`, …). */
export function modelTableFromEnv(
  provider: ProviderName,
  env: Readonly<Record<string, string | undefined>>,
): ModelTable {
  const names = modelEnvNames(provider);
  return modelTable(provider, {
    base: env[names.base],
    high: env[names.high],
    mid: env[names.mid],
    low: env[names.low],
  });
}

/** No tier → base model; tool calls never use the low tier (bumped to the base model). */
export function modelFor(table: ModelTable, tier: Tier | undefined, purpose: CallPurpose = 'chat'): string {
  if (tier === undefined) return table.base;
  if (tier === 'low' && purpose === 'tools') return table.base;
  return table[tier];
}
