/**
 * Topic recurrence (spec §3.7): one LLM call per finished conversation picks up to 3 topics worth noticing when
 * they come back; each is stored as a `topic_mention` memory; the prompt shows the ones that recur.
 * Retrieval filters by kind and date IN the store query (the original listed 100 arbitrary memories — defect 9).
 */
import type { Logger } from 'pino';
import type { Llm } from '../../llm/index.js';
import { MEMORY_KINDS, type MemoryEngine, type MemoryRecord, type MemoryScope } from '../types.js';
import { type ConversationChannel, channelMetadata } from './channel.js';
import { classifySentiment } from './sentiment.js';
import { type ExtractedTopic, parseTopics } from './topic-parse.js';
import { type TopicPattern, topicPatterns } from './topic-patterns.js';
import type { SessionMessage } from './tracker.js';

export const TOPIC_LOOKBACK_DAYS = 14;
/** Messages of the conversation shown to the model, and the size of the transcript. */
const TRANSCRIPT_MESSAGES = 20;
const TRANSCRIPT_MAX_CHARS = 4_000;
/** Shorter conversations have nothing worth a topic. */
export const MIN_TRANSCRIPT_CHARS = 50;
/** Upper bound on the mentions read for the prompt (3 per conversation → ~100 conversations in 14 days). */
const MENTIONS_READ_LIMIT = 300;

const TOPIC_INSTRUCTIONS = `Pick out what this conversation was about that would be worth noticing if the person brings it up again.

Answer with JSON only:
{"topics":[{"topic":"...","topic_type":"entity|theme","context_snippet":"...","emotional_weight":"light|moderate|heavy"}]}

- At most 3 topics; {"topics":[]} when nothing stands out.
- topic: short, lower case, singular ("sister", "job interview", "marathon training").
- topic_type: entity for a specific person, place, pet, project or thing; theme for an ongoing subject or concern.
- context_snippet: 10-20 words on what was said about it.
- emotional_weight: how heavy it was for the person.
- Skip generic topics such as work, life or stuff.`;

/** `User:` / `<Bot>:` lines of the last 20 messages, at most 4 000 characters (the most recent part). */
export function conversationTranscript(messages: readonly SessionMessage[], botName: string): string {
  const text = messages
    .slice(-TRANSCRIPT_MESSAGES)
    .map((m) => `${m.role === 'user' ? 'User' : botName}: ${m.content.trim()}`)
    .join('\n');
  return text.length > TRANSCRIPT_MAX_CHARS ? text.slice(-TRANSCRIPT_MAX_CHARS) : text;
}

export interface ExtractTopicsInput {
  llm: Llm;
  messages: readonly SessionMessage[];
  /** Average VADER score of the person's messages. */
  averageSentiment: number;
  botName: string;
  logger?: Pick<Logger, 'warn' | 'debug'> | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Up to 3 topics of the conversation; none (and no LLM call) when the transcript is shorter than 50 characters.
 * An answer without usable JSON is logged and yields none; a failed LLM call throws (the job retries it).
 */
export async function extractTopics(input: ExtractTopicsInput): Promise<ExtractedTopic[]> {
  const transcript = conversationTranscript(input.messages, input.botName);
  if (transcript.length < MIN_TRANSCRIPT_CHARS) return [];
  const mood = `${input.averageSentiment.toFixed(2)} (${classifySentiment(input.averageSentiment)})`;
  const result = await input.llm.complete({
    purpose: 'memory',
    maxTokens: 400,
    signal: input.signal,
    messages: [
      { role: 'system', content: TOPIC_INSTRUCTIONS },
      { role: 'user', content: `Average sentiment of the person: ${mood}\n\nConversation:\n${transcript}` },
    ],
  });
  const topics = parseTopics(result.text);
  if (!topics) {
    input.logger?.warn(
      { answer: result.text.slice(0, 300) },
      'Topic extraction: the memory model answered without the expected JSON; no topics stored for this conversation',
    );
    return [];
  }
  return topics;
}

export interface TopicMentionContext {
  channel: ConversationChannel;
  /** When the conversation happened (its newest message). */
  at: Date;
  /** Average VADER score of the person's messages. */
  sentiment: number;
  /** Ended session, recorded so a retried job does not store the mentions twice. */
  sessionId?: string | undefined;
}

/** Stores one `topic_mention` memory per topic ("Mentioned <topic>: <snippet>"). */
export async function storeTopicMentions(
  engine: MemoryEngine,
  scope: MemoryScope,
  topics: readonly ExtractedTopic[],
  context: TopicMentionContext,
): Promise<MemoryRecord[]> {
  const stored: MemoryRecord[] = [];
  for (const topic of topics) {
    const text = topic.snippet ? `Mentioned ${topic.topic}: ${topic.snippet}` : `Mentioned ${topic.topic}`;
    const change = await engine.add(scope, text, {
      kind: MEMORY_KINDS.topicMention,
      at: context.at,
      metadata: {
        topic: topic.topic,
        topic_type: topic.topicType,
        timestamp: context.at.toISOString(),
        ...channelMetadata(context.channel),
        sentiment: context.sentiment,
        emotional_weight: topic.weight,
        ...(context.sessionId ? { session_id: context.sessionId } : {}),
      },
    });
    stored.push(change.memory);
  }
  return stored;
}

/** Topics mentioned at least twice in the last 14 days, most mentioned first. */
export async function recurringTopics(
  engine: MemoryEngine,
  scope: MemoryScope,
  now: Date,
): Promise<TopicPattern[]> {
  const since = new Date(now.getTime() - TOPIC_LOOKBACK_DAYS * 86_400_000);
  const mentions = await engine.list(
    scope,
    { kinds: [MEMORY_KINDS.topicMention], since },
    { limit: MENTIONS_READ_LIMIT, order: 'newest' },
  );
  return topicPatterns(mentions, now);
}
