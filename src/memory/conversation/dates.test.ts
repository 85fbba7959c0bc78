import { describe, expect, it } from 'vitest';
import { calendarDay, dateLine, relativeDateTerms, rewriteQueryDates } from './dates.js';

describe('query dates', () => {
  it.each([
    ['What did Nate do on 25 May, 2022?', 'd20220525'],
    ['on October 25, 2022', 'd20221025'],
    ['the book he finished on 8th December, 2023', 'd20231208'],
    ['the picture shared on December 1,2023', 'd20231201'],
    ['what happened on 2023-05-08', 'd20230508'],
    ['in June 2022', 'm202206'],
    ['plans for March of 2024', 'm202403'],
    ['on May 8th', 'md0508'],
    ['on the 3rd of Sept.', 'md0903'],
  ])('%s → %s', (query, term) => {
    const { text, terms } = rewriteQueryDates(query);
    expect(terms).toEqual([term]);
    expect(text).toContain(term);
  });

  it('leaves other numbers and lone month names alone', () => {
    expect(rewriteQueryDates('I may have 3 cats since 2019, in December').terms).toEqual([]);
  });
});

describe('turn dates', () => {
  const monday = { y: 2023, m: 5, d: 8 };

  it('renders a day readably and as compact terms', () => {
    expect(dateLine(monday)).toBe('Monday 8 May 2023 d20230508 m202305 md0508');
  });

  it('computes the calendar day in a time zone', () => {
    const lateEvening = new Date('2023-05-09T02:30:00Z');
    expect(calendarDay(lateEvening, 'America/New_York')).toEqual(monday);
    expect(calendarDay(lateEvening, 'UTC')).toEqual({ y: 2023, m: 5, d: 9 });
    expect(calendarDay(lateEvening, 'Not/AZone')).toEqual({ y: 2023, m: 5, d: 9 });
  });

  it.each([
    ['I went yesterday', ['d20230507']],
    ['we watched it last night', ['d20230507']],
    ['two days ago', ['d20230506']],
    ['last Friday was fun', ['d20230505']],
    ['next Friday then', ['d20230512']],
    ['last weekend', ['d20230506', 'd20230507']],
    ['next month', ['m202306']],
    ['since last year', ['2022']],
    ['see you tomorrow, or this evening', ['d20230509', 'd20230508']],
  ])('%s → %j', (text, terms) => {
    expect(relativeDateTerms(text, monday)).toEqual(terms);
  });

  it('resolves "last week" to the seven days of the previous week', () => {
    const days = relativeDateTerms('last week', monday);
    expect(days).toHaveLength(7);
    expect(days[0]).toBe('d20230501');
    expect(days[6]).toBe('d20230507');
  });
});
