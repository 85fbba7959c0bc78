import { describe, expect, it } from 'vitest';
import {
  fromDbBool,
  fromDbJsonObject,
  fromDbTime,
  fromDbTimeOrNull,
  parseNaiveUtc,
  toDbBool,
  toDbJson,
  toDbTime,
} from './codec.js';

describe('timestamps', () => {
  it('writes naive UTC in SQLAlchemy format with microseconds', () => {
    expect(toDbTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)))).toBe('2024-01-02 03:04:05.678000');
    expect(toDbTime(new Date(0))).toBe('1970-01-01 00:00:00.000000');
  });

  it('refuses an invalid Date', () => {
    expect(() => toDbTime(new Date('nope'))).toThrow('Cannot store an invalid Date in the database');
  });

  it('reads the formats the original and PostgreSQL produce', () => {
    const expected = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    expect(parseNaiveUtc('2024-01-02 03:04:05.678901').getTime()).toBe(expected);
    expect(parseNaiveUtc('2024-01-02 03:04:05.678').getTime()).toBe(expected);
    expect(parseNaiveUtc('2024-01-02T03:04:05.678').getTime()).toBe(expected);
    expect(parseNaiveUtc('2024-01-02 03:04:05.6').getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 600));
    expect(parseNaiveUtc('2024-01-02 03:04:05').getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseNaiveUtc('2024-01-02 03:04').getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4));
    expect(parseNaiveUtc('2024-01-02').getTime()).toBe(Date.UTC(2024, 0, 2));
    expect(parseNaiveUtc('0050-06-01 00:00:00').getUTCFullYear()).toBe(50);
  });

  it('honours an explicit offset', () => {
    expect(parseNaiveUtc('2024-01-02 03:04:05Z').getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseNaiveUtc('2024-01-02 03:04:05+02:00').getTime()).toBe(Date.UTC(2024, 0, 2, 1, 4, 5));
    expect(parseNaiveUtc('2024-01-02 03:04:05-0530').getTime()).toBe(Date.UTC(2024, 0, 2, 8, 34, 5));
    expect(parseNaiveUtc('2024-01-02 03:04:05+01').getTime()).toBe(Date.UTC(2024, 0, 2, 2, 4, 5));
  });

  it('round-trips through text', () => {
    const date = new Date(Date.UTC(2031, 11, 31, 23, 59, 59, 999));
    expect(fromDbTime(toDbTime(date))).toEqual(date);
  });

  it('passes Dates through and names unreadable text', () => {
    const date = new Date();
    expect(fromDbTime(date)).toBe(date);
    expect(fromDbTimeOrNull(null)).toBeNull();
    expect(fromDbTimeOrNull(undefined)).toBeNull();
    expect(Number.isNaN(parseNaiveUtc('yesterday').getTime())).toBe(true);
    expect(() => fromDbTime('yesterday')).toThrow('Unreadable timestamp in the database: "yesterday"');
  });
});

describe('booleans', () => {
  it('are the strings "true" and "false"', () => {
    expect(toDbBool(true)).toBe('true');
    expect(toDbBool(false)).toBe('false');
    expect(fromDbBool('true')).toBe(true);
    expect(fromDbBool(' TRUE ')).toBe(true);
    expect(fromDbBool('false')).toBe(false);
    expect(fromDbBool(null)).toBe(false);
  });
});

describe('JSON text', () => {
  it('serialises objects and reads them back', () => {
    expect(toDbJson({ a: 1 })).toBe('{"a":1}');
    expect(toDbJson(null)).toBeNull();
    expect(toDbJson(undefined)).toBeNull();
    expect(fromDbJsonObject('{"a":[1,"b"]}')).toEqual({ a: [1, 'b'] });
  });

  it('keeps old values that are not JSON objects instead of failing', () => {
    expect(fromDbJsonObject(null)).toBeNull();
    expect(fromDbJsonObject('')).toBeNull();
    expect(fromDbJsonObject('null')).toBeNull();
    expect(fromDbJsonObject('[1,2]')).toEqual({ value: [1, 2] });
    expect(fromDbJsonObject('42')).toEqual({ value: 42 });
    expect(fromDbJsonObject("{'python': 'repr'}")).toEqual({ raw: "{'python': 'repr'}" });
  });
});
