import { describe, expect, it } from 'vitest';
import type { MemoryRecord } from '../types.js';
import {
  averageWeight,
  patternNote,
  renderRecurringTopics,
  sentimentTrend,
  topicPatterns,
} from './topic-patterns.js';

const NOW = new Date('2025-03-15T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

function mention(topic: string, hours: number, extra: Record<string, unknown> = {}): MemoryRecord {
  const at = hoursAgo(hours);
  return {
    id: `${topic}-${hours}`,
    userId: 'discord-1',
    projectId: null,
    agentId: 'clara',
    text: `Mentioned ${topic}`,
    kind: 'topic_mention',
    isKey: false,
    hash: `${topic}-${hours}`,
    metadata: {
      topic,
      topic_type: 'entity',
      timestamp: at.toISOString(),
      channel_id: 'c1',
      channel_name: 'general',
      is_dm: false,
      sentiment: 0,
      emotional_weight: 'moderate',
      ...extra,
    },
    sourceMessageIds: [],
    createdAt: at,
    updatedAt: at,
    validFrom: at,
    validTo: null,
    supersedes: null,
    supersededBy: null,
  };
}

describe('topic arithmetic', () => {
  it('sentiment trend compares the first and last mention (±0.2)', () => {
    expect(sentimentTrend(0.5, 0.2)).toBe('declining');
    expect(sentimentTrend(0.5, 0.3)).toBe('stable');
    expect(sentimentTrend(-0.5, -0.29)).toBe('improving');
    expect(sentimentTrend(0.1, 0.3)).toBe('stable');
  });

  it('average weight: ≥ 2.5 heavy, ≥ 1.5 moderate, else light', () => {
    expect(averageWeight(['heavy', 'heavy', 'moderate'])).toBe('heavy'); // 2.67
    expect(averageWeight(['heavy', 'moderate', 'moderate'])).toBe('moderate'); // 2.33
    expect(averageWeight(['heavy', 'moderate'])).toBe('heavy'); // 2.5
    expect(averageWeight(['light', 'moderate'])).toBe('moderate'); // 1.5
    expect(averageWeight(['light', 'light', 'moderate'])).toBe('light'); // 1.33
  });

  it('pattern notes in the original order of precedence', () => {
    expect(patternNote(3, 'declining', 'light', false)).toBe('brought up 3 times, getting heavier');
    expect(patternNote(4, 'stable', 'moderate', true)).toBe('brought up 4 times, getting heavier');
    expect(patternNote(3, 'stable', 'heavy', false)).toBe('recurring concern (3 mentions)');
    expect(patternNote(2, 'declining', 'heavy', true)).toBe('mentioned 2 times recently');
  });
});

describe('topicPatterns', () => {
  it('groups by topic, keeps ≥ 2 mentions and sorts by count', () => {
    const patterns = topicPatterns(
      [
        mention('sister', 2),
        mention('garden', 50),
        mention('sister', 30, { is_dm: true }),
        mention('garden', 5),
        mention('sister', 100),
        mention('cat', 1),
      ],
      NOW,
    );
    expect(patterns.map((p) => [p.topic, p.count])).toEqual([
      ['sister', 3],
      ['garden', 2],
    ]);
    const sister = patterns[0]!;
    expect(sister.firstMentioned).toBe('4 days ago');
    expect(sister.lastMentioned).toBe('2h ago');
    expect(sister.channels).toEqual(['#general', 'DM']);
    expect(sister.dominantType).toBe('entity');
  });

  it('orders the mentions by time whatever order the store returned them in', () => {
    const [pattern] = topicPatterns(
      [
        mention('exam', 1, { sentiment: -0.6, emotional_weight: 'heavy' }),
        mention('exam', 48, { sentiment: 0.4, emotional_weight: 'light' }),
        mention('exam', 24, { sentiment: 0, emotional_weight: 'moderate' }),
      ],
      NOW,
    );
    expect(pattern).toMatchObject({
      sentimentTrend: 'declining',
      weightIncreasing: true,
      averageWeight: 'moderate',
      patternNote: 'brought up 3 times, getting heavier',
    });
  });

  it('reads a heavy recurring concern', () => {
    const [pattern] = topicPatterns(
      [0, 10, 20].map((h) => mention('rent', h, { emotional_weight: 'heavy', topic_type: 'theme' })),
      NOW,
    );
    expect(pattern?.patternNote).toBe('recurring concern (3 mentions)');
    expect(pattern?.dominantType).toBe('theme');
  });

  it('ignores records without a topic and repairs odd metadata', () => {
    const odd = mention('tea', 3, { sentiment: 'high', emotional_weight: 'unknown' });
    const patterns = topicPatterns([odd, mention('tea', 4), { ...mention('x', 1), metadata: {} }], NOW);
    expect(patterns).toHaveLength(1);
    expect(patterns[0]?.averageWeight).toBe('moderate');
  });
});

describe('renderRecurringTopics', () => {
  it('renders the first 3 topics and skips stable light ones', () => {
    const patterns = topicPatterns(
      [
        ...[1, 2, 3].map((h) => mention('rent', h, { emotional_weight: 'heavy' })),
        ...[4, 5].map((h) => mention('weather', h, { emotional_weight: 'light' })),
        ...[6, 7].map((h) => mention('garden', h)),
        ...[8, 9].map((h) => mention('chess', h)),
      ],
      NOW,
    );
    expect(patterns.map((p) => p.topic)).toEqual(['rent', 'weather', 'garden', 'chess']);
    expect(renderRecurringTopics(patterns)).toEqual([
      'rent: recurring concern (3 mentions)',
      'garden: mentioned 2 times recently',
    ]);
  });

  it('shows a light topic whose mood changed', () => {
    const patterns = topicPatterns(
      [
        mention('weather', 5, { emotional_weight: 'light', sentiment: 0.6 }),
        mention('weather', 1, { emotional_weight: 'light', sentiment: -0.4 }),
      ],
      NOW,
    );
    expect(renderRecurringTopics(patterns)).toEqual(['weather: mentioned 2 times recently']);
  });
});
