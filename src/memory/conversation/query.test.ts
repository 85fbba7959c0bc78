import { describe, expect, it } from 'vitest';
import { processQuery } from './query.js';

describe('processQuery', () => {
  it('keeps the words that carry the question, stemmed where needed', () => {
    expect(processQuery('What did Caroline research?').text).toBe('caroline research');
    expect(processQuery("What kind of movies does Joanna's brother like?").text).toBe(
      'movi joanna brother like',
    );
  });

  it('turns dates into the compact terms turns are indexed with', () => {
    expect(processQuery('What did Nate do for Joanna on 25 May, 2022?').text).toBe('nate joanna d20220525');
  });

  it('resolves relative dates against today and keeps the word (as the turns index it)', () => {
    expect(processQuery('what did we say yesterday', { y: 2024, m: 3, d: 1 }).text).toBe(
      'yesterdai d20240229',
    );
  });

  it('falls back to every word when all are function words', () => {
    expect(processQuery('what did you do?').text).toBe('what did you do');
    expect(processQuery('?!').text).toBe('');
  });

  it('reports the meaningful words unstemmed (for spotting speaker names)', () => {
    expect(processQuery('What movies did Tim recommend?').words).toEqual(['movies', 'tim', 'recommend']);
  });
});
