/** Public surface of the LLM layer. Nothing here exposes an SDK type. */
export { createAnthropicProvider } from './anthropic.js';
export { allowsFallback, isRetryable, retryAfterMs } from './errors.js';
export {
  type CreateLlmOptions,
  createLlm,
  createProvider,
  type LlmCallRecord,
  type LlmRuntimeOptions,
  llmFromProviders,
} from './llm.js';
export {
  MODEL_DEFAULTS,
  type ModelOverrides,
  type ModelTable,
  modelEnvNames,
  modelFor,
  modelTable,
  modelTableFromEnv,
} from './models.js';
export { createOpenAICompatibleProvider } from './openai-compatible.js';
export { defaultSleep, type RetryPolicy, retryDelay, type Sleep } from './retry.js';
export {
  API_KEY_ENV,
  type CloudflareAccess,
  DEFAULT_TIMEOUT_MS,
  PROVIDER_DEFAULT_URLS,
  type ProviderSettings,
  providerSettingsFromEnv,
} from './settings.js';
export { runToolLoop, truncateToolResult, WRAP_UP_NOTICE, WRAP_UP_PROMPT } from './tool-loop.js';
export * from './types.js';
