/**
 * Emotional context (spec §3.6): when a conversation ends, how it felt — its arc, the closing energy and a short
 * text — is stored as an `emotional_context` memory under the persona's agent id (from the scope, not a fixed
 * `clara` — defect 10). Retrieval filters by kind and date IN the store query, so it still finds them among
 * thousands of other memories (the original listed 6 arbitrary memories and filtered afterwards — defect 9).
 */
import { MEMORY_KINDS, type MemoryEngine, type MemoryRecord, type MemoryScope } from '../types.js';
import {
  ARC_DESCRIPTIONS,
  type EmotionalArc,
  type EnergyLevel,
  emotionalArc,
  energyLevel,
  relativeTime,
} from './arc.js';
import { type ConversationChannel, channelLabel, channelMetadata, memoryTimestamp } from './channel.js';

export const EMOTIONAL_LOOKBACK_DAYS = 7;
export const EMOTIONAL_MAX_ITEMS = 3;

export interface EmotionalSummary {
  arc: EmotionalArc;
  energy: EnergyLevel;
  startingSentiment: number;
  endingSentiment: number;
  text: string;
}

const ENERGY_ENDINGS: Record<EnergyLevel, string> = {
  concerned: 'ended on a concerned note',
  positive: 'ended on a positive note',
  neutral: 'ended on a neutral note',
};

/** `2025-03-04 14:05 UTC`: makes each conversation's text distinct (memories de-duplicate on their text). */
const stamp = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function subject(topics: readonly string[]): string {
  if (topics.length === 0) return 'general things';
  if (topics.length === 1) return topics[0]!;
  return `${topics.slice(0, -1).join(', ')} and ${topics[topics.length - 1]}`;
}

/**
 * Arc from the person's sentiment scores, energy from the assistant's last message, and the memory text
 * ("Conversation about … : they went from tense to more relaxed and it ended on a concerned note.").
 */
export function summariseEmotion(input: {
  sentiments: readonly number[];
  lastAssistantMessage: string | undefined;
  /** Topics extracted from the same conversation (the original always wrote "general conversation"). */
  topics: readonly string[];
  at: Date;
}): EmotionalSummary {
  const arc = emotionalArc(input.sentiments);
  const energy = energyLevel(input.lastAssistantMessage);
  const text =
    `Conversation about ${subject(input.topics)} (${stamp(input.at)}): ` +
    `they ${ARC_DESCRIPTIONS[arc]}, and it ${ENERGY_ENDINGS[energy]}.`;
  return {
    arc,
    energy,
    startingSentiment: input.sentiments[0] ?? 0,
    endingSentiment: input.sentiments[input.sentiments.length - 1] ?? 0,
    text,
  };
}

export async function storeEmotionalContext(
  engine: MemoryEngine,
  scope: MemoryScope,
  summary: EmotionalSummary,
  context: { channel: ConversationChannel; at: Date; sessionId?: string | undefined },
): Promise<MemoryRecord> {
  const change = await engine.add(scope, summary.text, {
    kind: MEMORY_KINDS.emotionalContext,
    at: context.at,
    metadata: {
      timestamp: context.at.toISOString(),
      ...channelMetadata(context.channel),
      starting_sentiment: summary.startingSentiment,
      ending_sentiment: summary.endingSentiment,
      emotional_arc: summary.arc,
      energy_level: summary.energy,
      ...(context.sessionId ? { session_id: context.sessionId } : {}),
    },
  });
  return change.memory;
}

/** Emotional-context memories of the last 7 days, newest first, at most 3. */
export async function recentEmotionalContext(
  engine: MemoryEngine,
  scope: MemoryScope,
  now: Date,
): Promise<MemoryRecord[]> {
  const since = new Date(now.getTime() - EMOTIONAL_LOOKBACK_DAYS * 86_400_000);
  const records = await engine.list(
    scope,
    { kinds: [MEMORY_KINDS.emotionalContext], since },
    { limit: EMOTIONAL_MAX_ITEMS, order: 'newest' },
  );
  return records.sort((a, b) => memoryTimestamp(b).getTime() - memoryTimestamp(a).getTime());
}

const UNREMARKABLE_ENERGY = new Set(['neutral', 'casual']);

/**
 * Prompt lines `[<DM or #channel>, <relative time>] <text>` (the section renders them as `- ` bullets); steady
 * conversations with a neutral or casual ending are left out.
 */
export function renderEmotionalContext(records: readonly MemoryRecord[], now: Date): string[] {
  return records
    .filter(
      (r) =>
        !(r.metadata.emotional_arc === 'stable' && UNREMARKABLE_ENERGY.has(String(r.metadata.energy_level))),
    )
    .map((r) => `[${channelLabel(r)}, ${relativeTime(memoryTimestamp(r), now)}] ${r.text}`);
}
