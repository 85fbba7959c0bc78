export { parseTierAnswer } from './auto-tier.js';
export {
  CHANNEL_SUMMARY_JOB,
  type ChannelMessage,
  ChannelSummaries,
  type ChannelSummaryOptions,
} from './channel-summaries.js';
export { detectDeparture } from './departure.js';
export type { EngineDeps } from './deps.js';
export { Engine, type TurnOptions } from './engine.js';
export { listPersonalities, loadPersona, type Persona, type PersonaOptions } from './persona.js';
export { buildPrompt, type PromptInput } from './prompt.js';
export { SUMMARIZE_SESSION_JOB } from './summaries.js';
export { describeTier, isTier, parseTierPrefix, TIER_DISPLAY } from './tiers.js';
export { createTimeFormatter, type TimeFormatter, timeAgo } from './time-format.js';
export * from './types.js';
