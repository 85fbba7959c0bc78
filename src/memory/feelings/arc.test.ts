import { describe, expect, it } from 'vitest';
import { emotionalArc, energyLevel, relativeTime, sampleVariance } from './arc.js';

describe('emotionalArc', () => {
  it('is stable with fewer than 3 scores, whatever they are', () => {
    expect(emotionalArc([])).toBe('stable');
    expect(emotionalArc([-0.9, 0.9])).toBe('stable');
  });

  it('is volatile when the sample variance exceeds 0.3', () => {
    // mean 0, squares 0.64 × 4 → 2.56 / 3 = 0.853
    expect(emotionalArc([0.8, -0.8, 0.8, -0.8])).toBe('volatile');
    expect(sampleVariance([0.8, -0.8, 0.8, -0.8])).toBeCloseTo(0.8533, 4);
  });

  it('compares the mean of the last 3 with the first 3 (±0.2)', () => {
    expect(emotionalArc([-0.5, -0.4, -0.3, 0, 0.1, 0.2])).toBe('improving');
    expect(emotionalArc([0.4, 0.3, 0.3, 0, -0.1, -0.1])).toBe('declining');
    expect(emotionalArc([0.1, 0.1, 0.1, 0.2, 0.2, 0.2])).toBe('stable');
  });

  it('treats a shift of exactly 0.2 as stable', () => {
    expect(emotionalArc([0, 0, 0, 0.2, 0.2, 0.2])).toBe('stable');
  });

  it('uses overlapping windows for 3–5 scores', () => {
    // first 3 = last 3 → no shift
    expect(emotionalArc([-0.2, 0, 0.2])).toBe('stable');
    // first 3 mean 0, last 3 mean 0.3
    expect(emotionalArc([0, 0, 0, 0.45, 0.45])).toBe('improving');
  });
});

describe('energyLevel', () => {
  it('reads concern, then positivity, from the last assistant message', () => {
    expect(energyLevel("I'm sorry that happened.")).toBe('concerned');
    expect(energyLevel('That sounds like a real Problem, but great that you asked')).toBe('concerned');
    expect(energyLevel('Glad it worked out!')).toBe('positive');
    expect(energyLevel('Awesome.')).toBe('positive');
    expect(energyLevel('Here is the list you asked for.')).toBe('neutral');
    expect(energyLevel(undefined)).toBe('neutral');
  });

  it('matches word starts only', () => {
    expect(energyLevel('The tissue box')).toBe('neutral');
  });
});

describe('relativeTime', () => {
  const now = new Date('2025-03-10T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const minute = 60_000;
  const hour = 60 * minute;
  const day = 24 * hour;

  it('formats like the original', () => {
    expect(relativeTime(ago(20_000), now)).toBe('just now');
    expect(relativeTime(ago(minute), now)).toBe('1m ago');
    expect(relativeTime(ago(59 * minute), now)).toBe('59m ago');
    expect(relativeTime(ago(hour), now)).toBe('1h ago');
    expect(relativeTime(ago(23 * hour + 59 * minute), now)).toBe('23h ago');
    expect(relativeTime(ago(day), now)).toBe('yesterday');
    expect(relativeTime(ago(2 * day - minute), now)).toBe('yesterday');
    expect(relativeTime(ago(2 * day), now)).toBe('2 days ago');
    expect(relativeTime(ago(13 * day + hour), now)).toBe('13 days ago');
  });

  it('treats future times as just now', () => {
    expect(relativeTime(new Date(now.getTime() + hour), now)).toBe('just now');
  });
});
