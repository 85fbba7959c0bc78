import { describe, expect, it } from 'vitest';
import { classifySentiment, cleanUserText, sentimentScore } from './sentiment.js';

describe('sentimentScore (VADER compound)', () => {
  it('gives the reference VADER scores', () => {
    expect(sentimentScore('VADER is smart, handsome, and funny.')).toBe(0.8316);
    expect(sentimentScore('I love this so much!')).toBe(0.6696);
    expect(sentimentScore('This is terrible and I hate it.')).toBe(-0.7783);
    expect(sentimentScore('I am so stressed about my exam tomorrow')).toBe(-0.4005);
    expect(sentimentScore('The sky is blue.')).toBe(0);
  });

  it('scores empty or blank text as 0', () => {
    expect(sentimentScore('')).toBe(0);
    expect(sentimentScore('   \n ')).toBe(0);
  });
});

describe('classifySentiment', () => {
  it('uses ±0.3 as the boundaries, inclusive', () => {
    expect(classifySentiment(0.3)).toBe('positive');
    expect(classifySentiment(0.29)).toBe('neutral');
    expect(classifySentiment(-0.29)).toBe('neutral');
    expect(classifySentiment(-0.3)).toBe('negative');
    expect(classifySentiment(0)).toBe('neutral');
  });
});

describe('cleanUserText', () => {
  it('drops the [Name]: prefix of shared channels and image placeholders', () => {
    expect(cleanUserText('[Ana]: I hate mondays')).toBe('I hate mondays');
    expect(cleanUserText('look at this\n[Image: cat.png]')).toBe('look at this');
    expect(cleanUserText('[Bo]: [Image: a.png]')).toBe('');
  });

  it('scores the same with or without the prefix', () => {
    expect(sentimentScore(cleanUserText('[Ana]: I love this so much!'))).toBe(0.6696);
  });
});
