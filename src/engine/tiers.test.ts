import { describe, expect, it } from 'vitest';
import { parseTierAnswer } from './auto-tier.js';
import { describeTier, parseTierPrefix } from './tiers.js';

describe('parseTierPrefix', () => {
  it.each([
    ['!high tell me', 'high', 'tell me'],
    ['!OPUS   deep question', 'high', 'deep question'],
    ['!mid hi', 'mid', 'hi'],
    ['!sonnet hi', 'mid', 'hi'],
    ['!low ok', 'low', 'ok'],
    ['!haiku ok', 'low', 'ok'],
    ['!fast\nok', 'low', 'ok'],
    ['!high', 'high', ''],
  ])('%j → %s', (input, tier, content) => {
    expect(parseTierPrefix(input)).toEqual({ tier, content });
  });

  it('leaves other text alone, including words that merely start like a prefix', () => {
    expect(parseTierPrefix('!highlight this')).toEqual({ tier: undefined, content: '!highlight this' });
    expect(parseTierPrefix('hello !high')).toEqual({ tier: undefined, content: 'hello !high' });
    expect(parseTierPrefix('!lowercase')).toEqual({ tier: undefined, content: '!lowercase' });
  });
});

describe('tier display and router parsing', () => {
  it('describes the tier with the vendor prefix removed', () => {
    expect(describeTier('mid', 'anthropic/claude-sonnet-4', true)).toBe(
      '🟡 Using Mid (Sonnet-class) (auto) (claude-sonnet-4)',
    );
    expect(describeTier('high', 'claude-opus-4-5', false)).toBe(
      '🔴 Using High (Opus-class) (claude-opus-4-5)',
    );
  });

  it.each([
    ['HIGH', 'high'],
    ['low.', 'low'],
    ['Mid', 'mid'],
    ['no idea', 'mid'],
  ])('router answer %j → %s', (answer, tier) => {
    expect(parseTierAnswer(answer)).toBe(tier);
  });
});
