/**
 * Finalising a conversation (spec §3.6–3.7): when a conversation ends — in Clara, when its session rotates after
 * `SESSION_IDLE_MINUTES` or on `/new` — its user messages are scored with VADER, topics are extracted with one
 * LLM call, and the topic mentions and the emotional context are stored. Meant to run as a background job with the
 * ended session's stored messages: everything is derived from them, so a restart loses nothing, and a retried job
 * stores nothing twice (the session id is recorded and checked).
 */
import type { Logger } from 'pino';
import type { ConversationEnvironment } from '../../domain/index.js';
import type { Llm } from '../../llm/index.js';
import { MEMORY_KINDS, type MemoryEngine, type MemoryRecord, type MemoryScope } from '../types.js';
import { type ConversationChannel, channelFromEnvironment } from './channel.js';
import { type EmotionalSummary, storeEmotionalContext, summariseEmotion } from './emotional.js';
import type { ExtractedTopic } from './topic-parse.js';
import { extractTopics, storeTopicMentions } from './topics.js';
import { conversationSentiments, ownMessages, type SessionMessage } from './tracker.js';

export interface FinaliseConversationInput {
  engine: MemoryEngine;
  /** The memory LLM (`MEM0_*` settings); without it no topics are extracted. */
  llm?: Llm | undefined;
  /** The person's scope, with the persona's agent id. */
  scope: MemoryScope;
  /** Stored messages of the ended conversation, oldest first. */
  messages: readonly SessionMessage[];
  channel: ConversationChannel;
  /** The ended session: recorded on the memories so a retried job does not store them twice. */
  sessionId?: string | undefined;
  /** In a shared channel: the person's display name, so only their `[Name]: ` messages are scored. */
  speakerName?: string | undefined;
  /** `BOT_NAME`, used in the transcript shown to the topic model (default `Clara`). */
  botName?: string | undefined;
  /** Used when the messages carry no `createdAt`. */
  now?: Date | undefined;
  logger?: Pick<Logger, 'warn' | 'debug'> | undefined;
  signal?: AbortSignal | undefined;
}

export interface FinalisedConversation {
  sentiments: number[];
  emotion?: EmotionalSummary;
  emotionalContext?: MemoryRecord;
  topics: MemoryRecord[];
  /** True when this session had been finalised before (a retried job); nothing new was stored. */
  alreadyDone: boolean;
}

async function storedForSession(
  engine: MemoryEngine,
  scope: MemoryScope,
  kind: string,
  sessionId: string | undefined,
): Promise<MemoryRecord[]> {
  if (!sessionId) return [];
  return engine.list(scope, { kinds: [kind], metadata: { session_id: sessionId } }, { limit: 10 });
}

function lastAssistant(messages: readonly SessionMessage[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === 'assistant') return message.content;
  }
  return undefined;
}

/** Messages shown to the topic model: the person's own and the assistant's. */
function conversationFor(
  messages: readonly SessionMessage[],
  speakerName: string | undefined,
): SessionMessage[] {
  if (speakerName === undefined) return [...messages];
  const own = new Set(ownMessages(messages, speakerName));
  return messages.filter((m) => m.role === 'assistant' || own.has(m));
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;

export async function finaliseConversation(input: FinaliseConversationInput): Promise<FinalisedConversation> {
  const { engine, scope } = input;
  const sentiments = conversationSentiments(input.messages, input.speakerName);
  if (sentiments.length === 0) return { sentiments, topics: [], alreadyDone: false };
  const at = input.messages.findLast((m) => m.createdAt)?.createdAt ?? input.now ?? new Date();
  const average = mean(sentiments);

  const [doneEmotion, doneTopics] = await Promise.all([
    storedForSession(engine, scope, MEMORY_KINDS.emotionalContext, input.sessionId),
    storedForSession(engine, scope, MEMORY_KINDS.topicMention, input.sessionId),
  ]);
  if (doneEmotion.length > 0) {
    return { sentiments, emotionalContext: doneEmotion[0], topics: doneTopics, alreadyDone: true };
  }

  let topics = doneTopics;
  if (topics.length === 0 && input.llm) {
    const extracted: ExtractedTopic[] = await extractTopics({
      llm: input.llm,
      messages: conversationFor(input.messages, input.speakerName),
      averageSentiment: average,
      botName: input.botName ?? 'Clara',
      logger: input.logger,
      signal: input.signal,
    });
    const context = { channel: input.channel, at, sentiment: average, sessionId: input.sessionId };
    topics = await storeTopicMentions(engine, scope, extracted, context);
  }

  const emotion = summariseEmotion({
    sentiments,
    lastAssistantMessage: lastAssistant(input.messages),
    topics: topics.map((t) => String(t.metadata.topic ?? '')).filter(Boolean),
    at,
  });
  const emotionalContext = await storeEmotionalContext(engine, scope, emotion, {
    channel: input.channel,
    at,
    sessionId: input.sessionId,
  });
  input.logger?.debug(
    { arc: emotion.arc, energy: emotion.energy, topics: topics.length, sessionId: input.sessionId },
    'Conversation finalised: emotional context and topics stored',
  );
  return { sentiments, emotion, emotionalContext, topics, alreadyDone: false };
}

/** What the memory observer's finalisation job hands over (structurally `EndedSession` and `MessageRow[]`). */
export interface EndedConversation {
  sessionId: string;
  conversationId: string;
  userId: string;
  environment: ConversationEnvironment;
  /** The person's display name; needed in shared channels to tell their messages from everyone else's. */
  displayName?: string | undefined;
}

export interface ConversationFinaliserOptions {
  engine: MemoryEngine;
  llm?: Llm | undefined;
  botName?: string | undefined;
  logger?: Pick<Logger, 'warn' | 'debug'> | undefined;
  now?: () => Date;
}

/**
 * The `finalise` callback of the memory observer. In a shared channel the session holds several people's
 * messages: without the person's display name their own messages cannot be told apart, so nothing is stored
 * rather than attributing someone else's mood or topics to them.
 */
export function createConversationFinaliser(
  options: ConversationFinaliserOptions,
): (ended: EndedConversation, scope: MemoryScope, messages: readonly SessionMessage[]) => Promise<void> {
  return async (ended, scope, messages) => {
    const shared = ended.environment.kind === 'channel';
    if (shared && !ended.displayName) {
      options.logger?.debug(
        { sessionId: ended.sessionId, userId: ended.userId },
        'Conversation not finalised: a shared-channel session needs the speaker’s display name',
      );
      return;
    }
    await finaliseConversation({
      engine: options.engine,
      llm: options.llm,
      scope,
      messages,
      channel: channelFromEnvironment(ended.environment, ended.conversationId),
      sessionId: ended.sessionId,
      speakerName: shared ? ended.displayName : undefined,
      botName: options.botName,
      now: options.now?.(),
      logger: options.logger,
    });
  };
}
