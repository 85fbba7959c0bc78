/**
 * Dates for conversation search. A turn is indexed with its calendar day in a readable form ("Monday 8 May 2023")
 * and as compact day/month terms (`d20230508`, `m202305`, `md0508`) that a query naming a date is rewritten to, so
 * "What did Nate do on 25 May, 2022?" and "2022-05-25" both reach the turns of that day without matching every
 * "may" and every "25". Relative expressions inside a turn ("yesterday", "last Friday", "next month") are resolved
 * against the turn's own day and indexed as the day or month they mean.
 */

export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;
export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;

/** A calendar day (month 1–12). */
export interface Day {
  y: number;
  m: number;
  d: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const capital = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

/** The calendar day of `date` in `timeZone` (UTC when the zone is unknown). */
export function calendarDay(date: Date, timeZone = 'UTC'): Day {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    }).formatToParts(date);
  } catch {
    return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

export function addDays(day: Day, days: number): Day {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function addMonths(day: Day, months: number): Day {
  const t = new Date(Date.UTC(day.y, day.m - 1 + months, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: 1 };
}

export const weekday = (day: Day): number => new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();

export const dayTerm = (day: Day) => `d${day.y}${pad(day.m)}${pad(day.d)}`;
export const monthTerm = (day: Pick<Day, 'y' | 'm'>) => `m${day.y}${pad(day.m)}`;
export const monthDayTerm = (day: Pick<Day, 'm' | 'd'>) => `md${pad(day.m)}${pad(day.d)}`;

/** "Monday 8 May 2023" */
export function readableDay(day: Day): string {
  return `${capital(WEEKDAYS[weekday(day)] ?? '')} ${day.d} ${capital(MONTHS[day.m - 1] ?? '')} ${day.y}`;
}

/** The date line of an indexed turn: readable form plus the compact terms queries are rewritten to. */
export function dateLine(day: Day): string {
  return `${readableDay(day)} ${dayTerm(day)} ${monthTerm(day)} ${monthDayTerm(day)}`;
}

const MONTH_NAME = `(${MONTHS.join('|')}|${MONTHS.map((m) => m.slice(0, 3)).join('|')}|sept)\\.?`;
const DAY_NUM = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '(\\d{4})';

const monthIndex = (name: string): number => {
  const lower = name.toLowerCase().replace('.', '');
  return MONTHS.findIndex((m) => m === lower || m.slice(0, 3) === lower.slice(0, 3)) + 1;
};

const validDay = (y: number, m: number, d: number) =>
  m >= 1 && m <= 12 && d >= 1 && d <= 31 && y >= 1000 && y <= 9999;

interface DatePattern {
  re: RegExp;
  term: (g: string[]) => string | undefined;
}

/** Most specific first; each match is replaced before the next pattern runs. */
const QUERY_DATE_PATTERNS: DatePattern[] = [
  {
    re: /\b(\d{4})-(\d{2})-(\d{2})\b/g,
    term: ([y, m, d]) => day(Number(y), Number(m), Number(d)),
  },
  {
    re: new RegExp(`\\b${DAY_NUM}\\s+(?:of\\s+)?${MONTH_NAME},?\\s*${YEAR}\\b`, 'gi'),
    term: ([d, mon, y]) => day(Number(y), monthIndex(mon ?? ''), Number(d)),
  },
  {
    re: new RegExp(`\\b${MONTH_NAME}\\s+${DAY_NUM},?\\s*${YEAR}\\b`, 'gi'),
    term: ([mon, d, y]) => day(Number(y), monthIndex(mon ?? ''), Number(d)),
  },
  {
    re: /\b(\d{4})-(\d{2})\b/g,
    term: ([y, m]) =>
      Number(m) >= 1 && Number(m) <= 12 ? monthTerm({ y: Number(y), m: Number(m) }) : undefined,
  },
  {
    re: new RegExp(`\\b${MONTH_NAME},?\\s+(?:of\\s+)?${YEAR}\\b`, 'gi'),
    term: ([mon, y]) => monthTerm({ y: Number(y), m: monthIndex(mon ?? '') }),
  },
  {
    re: new RegExp(`\\b${DAY_NUM}\\s+(?:of\\s+)?${MONTH_NAME}\\b`, 'gi'),
    term: ([d, mon]) => monthDay(monthIndex(mon ?? ''), Number(d)),
  },
  {
    re: new RegExp(`\\b${MONTH_NAME}\\s+${DAY_NUM}\\b(?!\\s*(?:am|pm|%|:))`, 'gi'),
    term: ([mon, d]) => monthDay(monthIndex(mon ?? ''), Number(d)),
  },
];

function day(y: number, m: number, d: number): string | undefined {
  return validDay(y, m, d) ? dayTerm({ y, m, d }) : undefined;
}

function monthDay(m: number, d: number): string | undefined {
  return m >= 1 && m <= 12 && d >= 1 && d <= 31 ? monthDayTerm({ m, d }) : undefined;
}

/**
 * Replaces every absolute date in a query with its compact term ("on 25 May, 2022" → "on d20220525",
 * "in June 2022" → "in m202206", "May 8th" → "md0508"). Returns the rewritten text and the terms found.
 */
export function rewriteQueryDates(query: string): { text: string; terms: string[] } {
  const terms: string[] = [];
  let text = query;
  for (const pattern of QUERY_DATE_PATTERNS) {
    text = text.replace(pattern.re, (whole, ...groups: unknown[]) => {
      const term = pattern.term(groups.slice(0, 3).map((g) => (typeof g === 'string' ? g : '')));
      if (!term) return whole;
      terms.push(term);
      return ` ${term} `;
    });
  }
  return { text, terms };
}

const RELATIVE =
  /\b(yesterday|today|tonight|tomorrow|last night|this (?:morning|afternoon|evening)|(?:last|next|this)\s+(?:week(?:end)?|month|year|sunday|monday|tuesday|wednesday|thursday|friday|saturday)|(?:a|one|two|three|\d)\s+(?:days?|weeks?)\s+ago)\b/gi;

const SAME_DAY = new Set(['today', 'tonight', 'this morning', 'this afternoon', 'this evening']);
const COUNT_WORDS: Record<string, number> = { a: 1, one: 1, two: 2, three: 3 };

/** The day terms (or month terms) that a relative expression in a turn said on `today` refers to. */
function resolveRelative(expression: string, today: Day): string[] {
  const e = expression.toLowerCase().replace(/\s+/g, ' ');
  if (e === 'yesterday' || e === 'last night') return [dayTerm(addDays(today, -1))];
  if (SAME_DAY.has(e)) return [dayTerm(today)];
  if (e === 'tomorrow') return [dayTerm(addDays(today, 1))];
  const ago = /^(\w+) (day|week)s? ago$/.exec(e);
  if (ago) {
    const n = COUNT_WORDS[ago[1] ?? ''] ?? Number(ago[1]);
    return Number.isFinite(n) ? [dayTerm(addDays(today, ago[2] === 'week' ? -7 * n : -n))] : [];
  }
  const [which, unit = ''] = e.split(' ');
  const sign = which === 'last' ? -1 : which === 'next' ? 1 : 0;
  if (unit === 'month') return [monthTerm(addMonths(today, sign))];
  if (unit === 'year') return [`${today.y + sign}`];
  if (unit === 'week' || unit === 'weekend') {
    const offsets = unit === 'weekend' ? [5, 6] : [0, 1, 2, 3, 4, 5, 6];
    const monday = addDays(today, -((weekday(today) + 6) % 7) + 7 * sign);
    return offsets.map((offset) => dayTerm(addDays(monday, offset)));
  }
  const target = WEEKDAYS.indexOf(unit as (typeof WEEKDAYS)[number]);
  if (target < 0) return [];
  const diff = target - weekday(today);
  if (sign < 0) return [dayTerm(addDays(today, diff < 0 ? diff : diff - 7))];
  if (sign > 0) return [dayTerm(addDays(today, diff > 0 ? diff : diff + 7))];
  return [dayTerm(addDays(today, diff))];
}

/** Day/month terms for the relative dates a turn mentions, resolved against the day it was said. */
export function relativeDateTerms(text: string, today: Day): string[] {
  const terms = new Set<string>();
  for (const match of text.matchAll(RELATIVE))
    for (const term of resolveRelative(match[0], today)) terms.add(term);
  return [...terms];
}
