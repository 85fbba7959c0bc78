export type { MemoryActivity } from './activity.js';
export * from './bootstrap/index.js';
export * from './conversation/index.js';
export {
  createOpenAICompatibleEmbedder,
  DEFAULT_EMBEDDING_BASE_URL,
  EmbeddingError,
  type EmbeddingErrorKind,
  type OpenAICompatibleEmbedderOptions,
} from './embedders/openai-compatible.js';
export { createMemoryEngine, type MemoryEngineOptions } from './engine.js';
export {
  createMemoryLlm,
  DEFAULT_MEMORY_MODEL,
  DEFAULT_MEMORY_PROVIDER,
  type MemoryLlmSettings,
  type MemoryLlmSetup,
  memoryLlmSettings,
} from './extraction/memory-llm.js';
export { type ExtractionDecision, parseExtraction } from './extraction/parse.js';
export { buildExtractionPrompt, EXTRACTION_INSTRUCTIONS, estimatePromptTokens } from './extraction/prompt.js';
export * from './feelings/index.js';
export { fuseRankings, RRF_K, recencyDecay } from './fusion.js';
export * from './graph/index.js';
export {
  createPgvectorMemoryStore,
  DEFAULT_MEMORY_TABLE,
  type PgvectorMemoryStoreOptions,
} from './stores/pgvector.js';
export {
  createQdrantMemoryStore,
  DEFAULT_QDRANT_COLLECTION,
  type QdrantMemoryStoreOptions,
} from './stores/qdrant.js';
export { createSqliteMemoryStore, type SqliteMemoryStoreOptions } from './stores/sqlite.js';
export { memoryHash, normaliseMemoryText } from './text.js';
export * from './types.js';
