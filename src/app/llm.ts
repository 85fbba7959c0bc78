/** Builds the LLM facade from config: the primary provider plus any ready fallbacks, or nothing at all. */
import type { Config, LlmSetupStatus } from '../config/index.js';
import { llmSetupStatus } from '../config/index.js';
import {
  createLlm,
  type Llm,
  type LlmCallRecord,
  type ProviderName,
  providerSettingsFromEnv,
} from '../llm/index.js';

export interface LlmSetup {
  llm: Llm | undefined;
  status: LlmSetupStatus;
  /** What to tell a person when no provider can be used. */
  setupHint: string;
}

export function buildLlm(config: Config, onCall?: (record: LlmCallRecord) => void): LlmSetup {
  const status = llmSetupStatus(config);
  const env = config as unknown as Readonly<Record<string, string | undefined>>;
  const timeoutMs = config.LLM_TIMEOUT_SECONDS * 1_000;
  const ready: ProviderName[] = [status, ...status.fallbacks].filter((s) => s.ready).map((s) => s.provider);
  const setupHint = status.ready
    ? ''
    : `No API key for the LLM provider "${status.provider}" (LLM_PROVIDER): ${status.fix} Put it in the .env file next to Clara or in the environment, then restart.`;
  const [primary, ...fallbacks] = ready;
  if (!primary) return { llm: undefined, status, setupHint };
  const settings = (name: ProviderName) => providerSettingsFromEnv(name, env, { timeoutMs });
  const llm = createLlm({
    primary: settings(primary),
    fallbacks: fallbacks.map(settings),
    maxRetries: config.LLM_MAX_RETRIES,
    onCall,
  });
  return { llm, status, setupHint };
}
