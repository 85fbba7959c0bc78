import { describe, expect, it } from 'vitest';
import { detectDeparture } from './departure.js';
import { createTimeFormatter, timeAgo } from './time-format.js';

describe('time formatting', () => {
  const at = new Date('2026-11-23T22:05:00Z');

  it('renders the full date and time in the configured zone', () => {
    const f = createTimeFormatter('America/New_York');
    expect(f.valid).toBe(true);
    expect(f.full(at)).toBe('Monday, November 23, 2026, 5:05 PM EST');
    expect(f.clock(at)).toBe('5:05 PM');
    expect(f.clockWithZone(at)).toBe('5:05 PM EST');
  });

  it('falls back to UTC 24-hour for an invalid zone', () => {
    const f = createTimeFormatter('Mars/Olympus');
    expect(f.valid).toBe(false);
    expect(f.full(at)).toBe('2026-11-23 22:05 UTC');
    expect(f.clock(at)).toBe('22:05');
  });

  it('says how long ago something happened', () => {
    const base = new Date('2026-01-01T00:00:00Z');
    const later = (ms: number) => new Date(base.getTime() + ms);
    expect(timeAgo(base, later(30_000))).toBeUndefined();
    expect(timeAgo(base, later(60_000))).toBe('1 minute ago');
    expect(timeAgo(base, later(5 * 3_600_000))).toBe('5 hours ago');
    expect(timeAgo(base, later(49 * 3_600_000))).toBe('2 days ago');
  });
});

describe('detectDeparture', () => {
  it.each([
    ['ok brb, shower', 'shower'],
    ["I'm going to the gym. See you", 'the gym'],
    ['stepping out for groceries!', 'groceries'],
    ['gotta walk the dog', 'walk the dog'],
    ['be right back - coffee', 'coffee'],
  ])('%j → %j', (text, activity) => {
    expect(detectDeparture(text)).toBe(activity);
  });

  it('finds nothing in ordinary messages and caps the length', () => {
    expect(detectDeparture('what a lovely day')).toBeUndefined();
    expect(detectDeparture(`about to ${'x'.repeat(300)}`)).toHaveLength(100);
  });
});
