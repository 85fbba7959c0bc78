import { defineVar, derivedFrom } from '../define.js';
import { bool, int, LLM_PROVIDERS, oneOf, providerList, text, url } from '../var-types.js';

const group = 'LLM';
const tier = () => oneOf(['high', 'mid', 'low'] as const);

/** `<PREFIX>_MODEL_{HIGH,MID,LOW}`: the mid tier falls back to the provider's base model. */
function tierModels<const P extends string>(prefix: P, label: string, high: string, low: string) {
  return [
    defineVar({
      name: `${prefix}_MODEL_HIGH`,
      type: text(),
      default: high,
      description: `${label} model for the high tier (!high, Opus-class).`,
      group,
    }),
    defineVar({
      name: `${prefix}_MODEL_MID`,
      type: text(),
      default: derivedFrom(`value of ${prefix}_MODEL`, (v) => v[`${prefix}_MODEL`] as string),
      description: `${label} model for the mid tier (!mid, Sonnet-class).`,
      group,
    }),
    defineVar({
      name: `${prefix}_MODEL_LOW`,
      type: text(),
      default: low,
      description: `${label} model for the low tier (!low, Haiku-class; also used by auto tier selection).`,
      group,
    }),
  ] as const;
}

export const llmVars = [
  defineVar({
    name: 'LLM_PROVIDER',
    type: oneOf(LLM_PROVIDERS),
    default: 'openrouter',
    description:
      'Chat LLM provider: openrouter, nanogpt, openai (any OpenAI-compatible endpoint) or anthropic.',
    group,
  }),
  defineVar({
    name: 'LLM_FALLBACK_PROVIDERS',
    type: providerList(),
    default: [],
    description: 'Providers tried in order when the primary provider fails (same names as LLM_PROVIDER).',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'LLM_TIMEOUT_SECONDS',
    type: int({ min: 1, max: 3600, unit: 'of seconds' }),
    default: 120,
    description: 'Per-request timeout of LLM calls, in seconds.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'LLM_MAX_RETRIES',
    type: int({ min: 0, max: 10 }),
    default: 2,
    description: 'Retries on 429/5xx/timeouts before falling back to the next provider.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'MODEL_TIER',
    type: tier(),
    description: 'Default tier (high, mid, low) when a message names none; unset = the base model.',
    group,
  }),
  defineVar({
    name: 'AUTO_TIER_SELECTION',
    type: bool(),
    default: false,
    description: 'Let a low-tier model pick the tier for each message that has no tier prefix.',
    group,
  }),
  defineVar({
    name: 'MAX_TOOL_ITERATIONS',
    type: int({ min: 1, max: 500 }),
    default: 75,
    description: 'Maximum LLM round-trips of the tool-calling loop for one reply.',
    group,
    isNew: true,
  }),

  defineVar({
    name: 'OPENROUTER_API_KEY',
    type: text(),
    description: 'OpenRouter API key (needed when a provider is openrouter).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'OPENROUTER_MODEL',
    type: text(),
    default: 'anthropic/claude-sonnet-4',
    description: 'OpenRouter base model.',
    group,
  }),
  ...tierModels('OPENROUTER', 'OpenRouter', 'anthropic/claude-opus-4', 'anthropic/claude-haiku'),
  defineVar({
    name: 'OPENROUTER_SITE',
    type: url(),
    default: 'http://localhost:3000',
    description: 'Sent to OpenRouter as the HTTP-Referer header.',
    group,
  }),
  defineVar({
    name: 'OPENROUTER_TITLE',
    type: text(),
    default: 'MyPalClara',
    description: 'Sent to OpenRouter as the X-Title header.',
    group,
  }),

  defineVar({
    name: 'NANOGPT_API_KEY',
    type: text(),
    description: 'NanoGPT API key (needed when a provider is nanogpt).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'NANOGPT_MODEL',
    type: text(),
    default: 'moonshotai/Kimi-K2-Instruct-0905',
    description: 'NanoGPT base model.',
    group,
  }),
  ...tierModels('NANOGPT', 'NanoGPT', 'anthropic/claude-opus-4', 'openai/gpt-4o-mini'),

  defineVar({
    name: 'CUSTOM_OPENAI_API_KEY',
    type: text(),
    description: 'API key of the OpenAI-compatible endpoint (needed when a provider is openai).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'CUSTOM_OPENAI_BASE_URL',
    type: url(),
    default: 'https://api.openai.com/v1',
    description: 'Base URL of the OpenAI-compatible endpoint used by the openai provider.',
    group,
  }),
  defineVar({
    name: 'CUSTOM_OPENAI_MODEL',
    type: text(),
    default: 'gpt-4o',
    description: 'Base model of the openai provider.',
    group,
  }),
  ...tierModels('CUSTOM_OPENAI', 'OpenAI-compatible', 'claude-opus-4', 'gpt-4o-mini'),

  defineVar({
    name: 'ANTHROPIC_API_KEY',
    type: text(),
    description: 'Anthropic API key (needed when a provider is anthropic; also used by Claude Code).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'ANTHROPIC_BASE_URL',
    type: url(),
    description: 'Custom Anthropic API base URL, e.g. for a proxy such as clewdr; unset = the official API.',
    group,
  }),
  defineVar({
    name: 'ANTHROPIC_MODEL',
    type: text(),
    default: 'claude-sonnet-4-5',
    description: 'Anthropic base model.',
    group,
  }),
  ...tierModels('ANTHROPIC', 'Anthropic', 'claude-opus-4-5', 'claude-haiku-4-5'),

  defineVar({
    name: 'CF_ACCESS_CLIENT_ID',
    type: text(),
    description:
      'Cloudflare Access service-token id, sent to custom OpenAI/Anthropic endpoints with the secret.',
    group,
  }),
  defineVar({
    name: 'CF_ACCESS_CLIENT_SECRET',
    type: text(),
    description: 'Cloudflare Access service-token secret (used only together with CF_ACCESS_CLIENT_ID).',
    group,
    secret: true,
  }),

  defineVar({
    name: 'TOOL_API_KEY',
    type: text(),
    description: "API key for tool-calling requests; unset = the chat provider's key.",
    group,
    secret: true,
  }),
  defineVar({
    name: 'TOOL_BASE_URL',
    type: url(),
    description: "Base URL for tool-calling requests; unset = the chat provider's URL.",
    group,
  }),
  defineVar({
    name: 'TOOL_DESC_TIER',
    type: tier(),
    default: 'high',
    description: 'Tier of the model that writes the one-line status caption for each tool call.',
    group,
  }),
  defineVar({
    name: 'TOOL_DESC_MAX_WORDS',
    type: int({ min: 3, max: 100 }),
    default: 20,
    description: 'Maximum words of a tool-call status caption.',
    group,
  }),
  defineVar({
    name: 'TOOL_FORMAT',
    type: oneOf(['openai', 'claude'] as const),
    default: 'openai',
    description: 'claude = send Claude-shaped tool messages through an OpenAI-compatible proxy.',
    group,
    deprecated: 'use LLM_PROVIDER=anthropic with ANTHROPIC_BASE_URL for Claude proxies',
  }),
  defineVar({
    name: 'TOOL_MODEL',
    type: text(),
    description: 'Ignored (the tool model follows the chat model and tier).',
    group,
    deprecated: 'remove it; the tier model is used for tool calls',
  }),
] as const;
