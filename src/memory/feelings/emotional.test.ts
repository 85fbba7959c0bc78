import { describe, expect, it } from 'vitest';
import type { MemoryRecord } from '../types.js';
import { channelFromEnvironment } from './channel.js';
import { renderEmotionalContext, summariseEmotion } from './emotional.js';

const NOW = new Date('2025-03-15T12:00:00Z');

function emotional(
  hoursAgo: number,
  metadata: Record<string, unknown>,
  text = 'A conversation',
): MemoryRecord {
  const at = new Date(NOW.getTime() - hoursAgo * 3_600_000);
  return {
    id: `e-${hoursAgo}`,
    userId: 'discord-1',
    projectId: null,
    agentId: 'clara',
    text,
    kind: 'emotional_context',
    isKey: false,
    hash: `e-${hoursAgo}`,
    metadata: { timestamp: at.toISOString(), ...metadata },
    sourceMessageIds: [],
    createdAt: at,
    updatedAt: at,
    validFrom: at,
    validTo: null,
    supersedes: null,
    supersededBy: null,
  };
}

describe('summariseEmotion', () => {
  const at = new Date('2025-03-04T14:05:30Z');

  it('writes the arc, energy, first/last scores and a dated text naming the topics', () => {
    const summary = summariseEmotion({
      sentiments: [-0.6, -0.4, -0.3, 0.1, 0.3, 0.4],
      lastAssistantMessage: "Glad you're feeling better!",
      topics: ['exam', 'sister'],
      at,
    });
    expect(summary).toEqual({
      arc: 'improving',
      energy: 'positive',
      startingSentiment: -0.6,
      endingSentiment: 0.4,
      text:
        'Conversation about exam and sister (2025-03-04 14:05 UTC): they went from tense to more relaxed, ' +
        'and it ended on a positive note.',
    });
  });

  it('falls back to "general things" without topics', () => {
    const summary = summariseEmotion({ sentiments: [0.1], lastAssistantMessage: undefined, topics: [], at });
    expect(summary.text).toBe(
      'Conversation about general things (2025-03-04 14:05 UTC): they kept a steady mood, and it ended on a ' +
        'neutral note.',
    );
    expect(summary.startingSentiment).toBe(0.1);
    expect(summary.endingSentiment).toBe(0.1);
  });

  it('joins three topics with commas', () => {
    const summary = summariseEmotion({
      sentiments: [],
      lastAssistantMessage: '',
      topics: ['a', 'b', 'c'],
      at,
    });
    expect(summary.text.startsWith('Conversation about a, b and c (')).toBe(true);
  });
});

describe('renderEmotionalContext', () => {
  it('labels the place and relative time, and skips steady neutral or casual conversations', () => {
    const lines = renderEmotionalContext(
      [
        emotional(2, { is_dm: true, emotional_arc: 'declining', energy_level: 'concerned' }, 'Rough day'),
        emotional(5, {
          is_dm: false,
          channel_name: 'general',
          emotional_arc: 'stable',
          energy_level: 'neutral',
        }),
        emotional(30, {
          is_dm: false,
          channel_name: 'general',
          emotional_arc: 'stable',
          energy_level: 'casual',
        }),
        emotional(
          80,
          { is_dm: false, channel_name: 'gaming', emotional_arc: 'stable', energy_level: 'positive' },
          'Fun',
        ),
      ],
      NOW,
    );
    expect(lines).toEqual(['[DM, 2h ago] Rough day', '[#gaming, 3 days ago] Fun']);
  });
});

describe('channelFromEnvironment', () => {
  it('treats DMs, the web and the terminal as private', () => {
    expect(channelFromEnvironment({ kind: 'dm' }, 'discord-dm-1')).toEqual({
      id: 'discord-dm-1',
      name: 'DM',
      isDm: true,
    });
    expect(channelFromEnvironment({ kind: 'terminal' }, 'cli-me')).toEqual({
      id: 'cli-me',
      name: 'terminal',
      isDm: true,
    });
    expect(
      channelFromEnvironment(
        { kind: 'channel', channelId: '42', channelName: 'general' },
        'discord-channel-42',
      ),
    ).toEqual({ id: '42', name: 'general', isDm: false });
  });
});
