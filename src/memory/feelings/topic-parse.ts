/**
 * Parsing the topic-extraction answer (spec §3.7) robustly: code fences and prose around the JSON are tolerated,
 * each topic is validated on its own (an invalid type becomes `theme`, an invalid weight `moderate`, the snippet is
 * cut to 100 characters), duplicates keep the heaviest mention, and at most 3 topics survive.
 */
import { z } from 'zod';

export const TOPIC_TYPES = ['entity', 'theme'] as const;
export type TopicType = (typeof TOPIC_TYPES)[number];
export const EMOTIONAL_WEIGHTS = ['light', 'moderate', 'heavy'] as const;
export type EmotionalWeight = (typeof EMOTIONAL_WEIGHTS)[number];

export const WEIGHT_VALUE: Record<EmotionalWeight, number> = { light: 1, moderate: 2, heavy: 3 };

export interface ExtractedTopic {
  topic: string;
  topicType: TopicType;
  snippet: string;
  weight: EmotionalWeight;
}

export const MAX_TOPICS = 3;
export const SNIPPET_MAX_CHARS = 100;
const TOPIC_MAX_CHARS = 80;
/** Too generic to be worth noticing when they recur (the prompt asks the model to skip them, too). */
const GENERIC_TOPICS = new Set(['work', 'life', 'stuff', 'things', 'chat', 'conversation', 'general']);

/** Lower case, single spaces, no surrounding quotes or punctuation. */
export function normaliseTopic(topic: string): string {
  return topic
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'`.,;:!?#-]+|[\s"'`.,;:!?-]+$/g, '');
}

const lowered = (value: unknown): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);

const TopicItem = z.object({
  topic: z
    .string()
    .transform(normaliseTopic)
    .pipe(z.string().min(1).max(TOPIC_MAX_CHARS))
    .refine((topic) => !GENERIC_TOPICS.has(topic), 'generic topic'),
  topic_type: z.preprocess(lowered, z.enum(TOPIC_TYPES)).catch('theme'),
  context_snippet: z
    .string()
    .catch('')
    .transform((s) => s.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_MAX_CHARS)),
  emotional_weight: z.preprocess(lowered, z.enum(EMOTIONAL_WEIGHTS)).catch('moderate'),
});

const Answer = z.union([z.object({ topics: z.array(z.unknown()) }), z.array(z.unknown())]);

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function between(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  const end = text.lastIndexOf(close);
  return start >= 0 && end > start ? text.slice(start, end + 1) : undefined;
}

/**
 * The JSON value in a model answer: a fenced block, the whole text, or the outermost `{…}` / `[…]` (whichever
 * opens first).
 */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  for (const candidate of [fenced?.trim(), text.trim()]) {
    if (!candidate) continue;
    const direct = tryJson(candidate);
    if (direct !== undefined) return direct;
    const spans = [between(candidate, '{', '}'), between(candidate, '[', ']')]
      .filter((span): span is string => span !== undefined)
      .sort((a, b) => candidate.indexOf(a) - candidate.indexOf(b));
    for (const span of spans) {
      const parsed = tryJson(span);
      if (parsed !== undefined) return parsed;
    }
  }
  return undefined;
}

/**
 * The topics in a model answer, or `undefined` when the answer holds no JSON of the expected shape (so the caller
 * can log it). Items that cannot be repaired (no topic name, a generic one) are dropped.
 */
export function parseTopics(answer: string): ExtractedTopic[] | undefined {
  const parsed = Answer.safeParse(extractJson(answer));
  if (!parsed.success) return undefined;
  const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.topics;
  const byName = new Map<string, ExtractedTopic>();
  for (const item of items) {
    const topic = TopicItem.safeParse(item);
    if (!topic.success) continue;
    const next: ExtractedTopic = {
      topic: topic.data.topic,
      topicType: topic.data.topic_type,
      snippet: topic.data.context_snippet,
      weight: topic.data.emotional_weight,
    };
    const seen = byName.get(next.topic);
    if (!seen || WEIGHT_VALUE[next.weight] > WEIGHT_VALUE[seen.weight]) byName.set(next.topic, next);
  }
  return [...byName.values()].slice(0, MAX_TOPICS);
}
