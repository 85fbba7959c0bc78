export { createConversationIndex } from './conversation-index.js';
export {
  CONTEXT_VARIANT,
  HIT_TEXT_CHARS,
  indexConversationTurns,
  TURN_VARIANT,
  VARIANTS,
  WINDOW_VARIANT,
} from './indexer.js';
export {
  type ConversationObserverOptions,
  createConversationObserver,
  DEFAULT_INDEX_WINDOW,
  INDEX_MESSAGES_JOB,
  type IndexMessagesPayload,
} from './observer.js';
export { type ProcessedQuery, processQuery } from './query.js';
export { DEFAULT_CONVERSATION_LIMIT, MAX_CONVERSATION_LIMIT, searchConversation } from './search.js';
export { type SpeakerNames, turnsFromMessages } from './turn-text.js';
export type * from './types.js';
