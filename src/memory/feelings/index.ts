/** Feelings and topics (spec §3.5–3.7): local sentiment, emotional context and topic recurrence. */
export {
  ARC_DESCRIPTIONS,
  type EmotionalArc,
  type EnergyLevel,
  emotionalArc,
  energyLevel,
  relativeTime,
  sampleVariance,
} from './arc.js';
export {
  type ConversationChannel,
  channelFromEnvironment,
  channelLabel,
  memoryTimestamp,
} from './channel.js';
export {
  EMOTIONAL_LOOKBACK_DAYS,
  EMOTIONAL_MAX_ITEMS,
  type EmotionalSummary,
  recentEmotionalContext,
  renderEmotionalContext,
  storeEmotionalContext,
  summariseEmotion,
} from './emotional.js';
export {
  type ConversationFinaliserOptions,
  createConversationFinaliser,
  type EndedConversation,
  type FinaliseConversationInput,
  type FinalisedConversation,
  finaliseConversation,
} from './finalise.js';
export { EMOTIONAL_SECTION_TITLE, feelingSections, TOPICS_SECTION_TITLE } from './sections.js';
export { classifySentiment, cleanUserText, type SentimentLabel, sentimentScore } from './sentiment.js';
export { type EmotionalWeight, type ExtractedTopic, parseTopics, type TopicType } from './topic-parse.js';
export { renderRecurringTopics, type TopicPattern, topicPatterns } from './topic-patterns.js';
export {
  conversationTranscript,
  extractTopics,
  recurringTopics,
  storeTopicMentions,
  TOPIC_LOOKBACK_DAYS,
} from './topics.js';
export {
  CONVERSATION_IDLE_MINUTES,
  conversationEnded,
  conversationSentiments,
  ownMessages,
  type SessionMessage,
} from './tracker.js';
