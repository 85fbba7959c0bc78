/**
 * Recurring topics (spec §3.7): topic-mention memories grouped by topic, with the sentiment trend, the average
 * emotional weight and a short pattern note for the prompt.
 */
import type { MemoryRecord } from '../types.js';
import { relativeTime } from './arc.js';
import { channelLabel, memoryTimestamp } from './channel.js';
import {
  EMOTIONAL_WEIGHTS,
  type EmotionalWeight,
  TOPIC_TYPES,
  type TopicType,
  WEIGHT_VALUE,
} from './topic-parse.js';

export type SentimentTrend = 'improving' | 'declining' | 'stable';

export interface TopicPattern {
  topic: string;
  count: number;
  sentimentTrend: SentimentTrend;
  averageWeight: EmotionalWeight;
  weightIncreasing: boolean;
  patternNote: string;
  /** Relative times of the first and the latest mention. */
  firstMentioned: string;
  lastMentioned: string;
  /** `DM` / `#channel` labels, in order of first mention. */
  channels: string[];
  dominantType: TopicType;
  lastMentionAt: Date;
}

interface Mention {
  at: Date;
  sentiment: number;
  weight: EmotionalWeight;
  type: TopicType;
  channel: string;
}

const oneOf = <T extends string>(values: readonly T[], value: unknown, fallback: T): T =>
  values.includes(value as T) ? (value as T) : fallback;

function mentionOf(record: MemoryRecord): { topic: string; mention: Mention } | undefined {
  const { topic, sentiment, emotional_weight: weight, topic_type: type } = record.metadata;
  if (typeof topic !== 'string' || !topic) return undefined;
  return {
    topic,
    mention: {
      at: memoryTimestamp(record),
      sentiment: typeof sentiment === 'number' && Number.isFinite(sentiment) ? sentiment : 0,
      weight: oneOf(EMOTIONAL_WEIGHTS, weight, 'moderate'),
      type: oneOf(TOPIC_TYPES, type, 'theme'),
      channel: channelLabel(record),
    },
  };
}

export function sentimentTrend(first: number, last: number): SentimentTrend {
  // Rounded so float noise (0.5 - 0.3 = 0.19999999999999998) does not decide the trend.
  const delta = Math.round((last - first) * 1e9) / 1e9;
  if (delta < -0.2) return 'declining';
  if (delta > 0.2) return 'improving';
  return 'stable';
}

export function averageWeight(weights: readonly EmotionalWeight[]): EmotionalWeight {
  const avg = weights.reduce((sum, w) => sum + WEIGHT_VALUE[w], 0) / Math.max(1, weights.length);
  if (avg >= 2.5) return 'heavy';
  if (avg >= 1.5) return 'moderate';
  return 'light';
}

export function patternNote(
  count: number,
  trend: SentimentTrend,
  weight: EmotionalWeight,
  weightIncreasing: boolean,
): string {
  if (count >= 3 && (trend === 'declining' || weightIncreasing))
    return `brought up ${count} times, getting heavier`;
  if (count >= 3 && weight === 'heavy') return `recurring concern (${count} mentions)`;
  return `mentioned ${count} times recently`;
}

function dominant(types: readonly TopicType[]): TopicType {
  const entities = types.filter((t) => t === 'entity').length;
  return entities > types.length - entities ? 'entity' : 'theme';
}

function patternOf(topic: string, mentions: Mention[], now: Date): TopicPattern {
  const sorted = [...mentions].sort((a, b) => a.at.getTime() - b.at.getTime());
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const trend = sentimentTrend(first.sentiment, last.sentiment);
  const weight = averageWeight(sorted.map((m) => m.weight));
  const increasing = WEIGHT_VALUE[last.weight] > WEIGHT_VALUE[first.weight];
  return {
    topic,
    count: sorted.length,
    sentimentTrend: trend,
    averageWeight: weight,
    weightIncreasing: increasing,
    patternNote: patternNote(sorted.length, trend, weight, increasing),
    firstMentioned: relativeTime(first.at, now),
    lastMentioned: relativeTime(last.at, now),
    channels: [...new Set(sorted.map((m) => m.channel))],
    dominantType: dominant(sorted.map((m) => m.type)),
    lastMentionAt: last.at,
  };
}

/** Topics mentioned at least `minMentions` times, most mentioned first (then most recently mentioned). */
export function topicPatterns(records: readonly MemoryRecord[], now: Date, minMentions = 2): TopicPattern[] {
  const groups = new Map<string, Mention[]>();
  for (const record of records) {
    const parsed = mentionOf(record);
    if (!parsed) continue;
    const group = groups.get(parsed.topic);
    if (group) group.push(parsed.mention);
    else groups.set(parsed.topic, [parsed.mention]);
  }
  return [...groups]
    .filter(([, mentions]) => mentions.length >= minMentions)
    .map(([topic, mentions]) => patternOf(topic, mentions, now))
    .sort((a, b) => b.count - a.count || b.lastMentionAt.getTime() - a.lastMentionAt.getTime());
}

/** Prompt lines `<topic>: <pattern note>` for the first 3 topics, skipping light topics with a stable trend. */
export function renderRecurringTopics(patterns: readonly TopicPattern[], max = 3): string[] {
  return patterns
    .slice(0, max)
    .filter((p) => p.count >= 2 && !(p.sentimentTrend === 'stable' && p.averageWeight === 'light'))
    .map((p) => `${p.topic}: ${p.patternNote}`);
}
