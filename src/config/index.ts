export type { DerivedDefault, VarDef, VarGroup } from './define.js';
export { VAR_GROUPS } from './define.js';
export type { ConfigRow } from './describe.js';
export { describeConfig } from './describe.js';
export {
  README_END,
  README_START,
  REGENERATE_COMMAND,
  renderConfigTable,
  renderEnvExample,
  replaceReadmeSection,
} from './docs.js';
export type { ConfigProblem } from './errors.js';
export { ConfigError } from './errors.js';
export { dataPath, isLoopbackHost, logDir, s3Buckets, secretValues, webPort } from './helpers.js';
export type { LlmSetupStatus, ProviderSetup } from './llm-status.js';
export { llmSetupStatus } from './llm-status.js';
export type { LoadConfigOptions } from './load.js';
export { loadConfig } from './load.js';
export { maskSecret, redactUrl, scrubSecrets } from './redact.js';
export type { Config, ConfigKey } from './schema.js';
export { CONFIG_VARS, configVar } from './schema.js';
export type { LlmProvider } from './var-types.js';
export { LLM_PROVIDERS } from './var-types.js';
