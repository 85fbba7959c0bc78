import { describe, expect, it } from 'vitest';
import { conversationTranscript, MIN_TRANSCRIPT_CHARS } from './topics.js';
import { conversationEnded, conversationSentiments, ownMessages, type SessionMessage } from './tracker.js';

const channelSession: SessionMessage[] = [
  { role: 'user', content: '[Ana]: I love this so much!' },
  { role: 'assistant', content: 'Happy to hear it' },
  { role: 'user', content: '[Bo]: This is terrible and I hate it.' },
  { role: 'user', content: '[Ana]: The sky is blue.\n[Image: sky.png]' },
  { role: 'user', content: '[Ana]: [Image: only-a-picture.png]' },
];

describe('conversationSentiments', () => {
  it('scores only the speaker’s own messages in a shared channel, without their name prefix', () => {
    expect(conversationSentiments(channelSession, 'Ana')).toEqual([0.6696, 0]);
    expect(conversationSentiments(channelSession, 'Bo')).toEqual([-0.7783]);
  });

  it('scores every user message in a private conversation and never the assistant', () => {
    const dm: SessionMessage[] = [
      { role: 'user', content: 'I love this so much!' },
      { role: 'assistant', content: 'This is terrible and I hate it.' },
      { role: 'user', content: 'I am so stressed about my exam tomorrow' },
    ];
    expect(conversationSentiments(dm)).toEqual([0.6696, -0.4005]);
  });

  it('picks own messages by exact name', () => {
    expect(ownMessages(channelSession, 'An')).toEqual([]);
  });
});

describe('conversationEnded', () => {
  const newest = new Date('2025-03-15T12:00:00Z');
  it('is true once the newest message is more than 30 minutes old', () => {
    expect(conversationEnded(newest, new Date('2025-03-15T12:30:00Z'))).toBe(false);
    expect(conversationEnded(newest, new Date('2025-03-15T12:30:01Z'))).toBe(true);
    expect(conversationEnded(newest, new Date('2025-03-15T12:10:01Z'), 10)).toBe(true);
  });
});

describe('conversationTranscript', () => {
  it('renders the last 20 messages as User/<bot> lines, at most 4000 characters', () => {
    const messages: SessionMessage[] = Array.from({ length: 30 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `message ${i}`,
    }));
    const text = conversationTranscript(messages, 'Nova');
    expect(text.split('\n')).toHaveLength(20);
    expect(text.startsWith('User: message 10\nNova: message 11')).toBe(true);
    const long = conversationTranscript([{ role: 'user', content: 'y'.repeat(5000) }], 'Nova');
    expect(long).toHaveLength(4000);
  });

  it('is short for a greeting (no topic extraction below 50 characters)', () => {
    const text = conversationTranscript(
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'Hello! How are you?' },
      ],
      'Clara',
    );
    expect(text.length).toBeLessThan(MIN_TRANSCRIPT_CHARS);
  });
});
