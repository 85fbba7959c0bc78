import { describe, expect, it } from 'vitest';
import { buildMatchExpression, indexColumns, lightStem, userKey, words } from './sqlite-text-index.js';

describe('lightStem', () => {
  it.each([
    ['running', 'run'],
    ['runs', 'run'],
    ['run', 'run'],
    ['stopped', 'stop'],
    ['hiking', 'hik'],
    ['hikes', 'hik'],
    ['hike', 'hik'],
    ['stories', 'story'],
    ['watches', 'watch'],
    ['boxes', 'box'],
    ['class', 'class'],
    ['falling', 'fall'],
    ['status', 'status'],
    ['über', 'über'],
    ['naïve', 'naïve'],
    ['東京', '東京'],
  ])('%s → %s', (word, stem) => {
    expect(lightStem(word)).toBe(stem);
  });
});

describe('index terms', () => {
  it('splits on anything but letters, marks and digits, lower-cased', () => {
    expect(words('Hello, WORLD! "quoted" NEAR(x) café-au-lait 42')).toEqual([
      'hello',
      'world',
      'quoted',
      'near',
      'x',
      'café',
      'au',
      'lait',
      '42',
    ]);
  });

  it('prefixes every term with the user key; stems of English words and CJK bigrams go to `stems`', () => {
    const k = userKey('discord-1');
    expect(indexColumns('discord-1', 'She runs, runs!')).toEqual({
      body: `${k}_she ${k}_runs ${k}_runs`,
      stems: `${k}_run`,
    });
    expect(indexColumns('discord-1', '東京都').stems).toBe(`${k}_東京 ${k}_京都`);
    expect(indexColumns('discord-1', 'São Paulo')).toEqual({ body: `${k}_são ${k}_paulo`, stems: '' });
  });
});

describe('buildMatchExpression', () => {
  it('quotes every term, prefixes it with the user key and ORs the alternatives', () => {
    const k = userKey('discord-1');
    expect(buildMatchExpression('discord-1', 'Running "fast" OR -slow*')).toBe(
      [`"${k}_running"`, `"${k}_run"`, `"${k}_fast"`, `"${k}_or"`, `"${k}_slow"`].join(' OR '),
    );
  });

  it('returns undefined when there is no word to search for', () => {
    expect(buildMatchExpression('u', ' "*" -- () ^ ')).toBeUndefined();
  });

  it('keeps at most 64 distinct words', () => {
    const query = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const expression = buildMatchExpression('u', query) ?? '';
    expect(expression).toContain('_w63"');
    expect(expression).not.toContain('_w64"');
  });

  it('gives each user a different single-token key', () => {
    expect(userKey('a')).not.toBe(userKey('b'));
    expect(userKey('discord-dm-123 x')).toMatch(/^u[0-9a-f]{16}$/);
  });
});
