export {
  type ApplyOutcome,
  type ApplyProfileOptions,
  type ApplySummary,
  applyProfile,
  categoryOf,
  PROFILE_SOURCE,
} from './apply.js';
export {
  clampConfidence,
  consolidateFacts,
  consolidateProfile,
  countFacts,
  DEFAULT_CONFIDENCE,
  MAX_VALUE_CHARS,
  normaliseKey,
  type ProfileFact,
  type ProfileFacts,
  type RawFact,
  validateFacts,
} from './consolidate.js';
export {
  extractProfile,
  MAX_PROFILE_CHARS,
  PROFILE_INSTRUCTIONS,
  type ProfileExtraction,
  ProfileExtractionError,
  parseProfileAnswer,
  profilePrompt,
} from './extract.js';
export {
  memoryPolicy,
  NAMESPACE_FILES,
  NAMESPACE_TOP_K,
  POLICY_FILE,
  PROFILE_NAMESPACES,
  type ProfileNamespace,
  SENSITIVE_NAMESPACE,
} from './namespaces.js';
