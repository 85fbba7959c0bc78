import { describe, expect, it } from 'vitest';
import { extraStems, porterStem, searchStem } from './porter.js';

describe('porterStem', () => {
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['motoring', 'motor'],
    ['hopping', 'hop'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['digitizer', 'digit'],
    ['hopefulness', 'hope'],
    ['sensibiliti', 'sensibl'],
    ['electrical', 'electr'],
    ['adjustment', 'adjust'],
    ['adoption', 'adopt'],
    ['generalizations', 'gener'],
    ['controll', 'control'],
    ['movies', 'movi'],
    ['movie', 'movi'],
  ])('%s → %s', (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });

  it('leaves short words, digits and other scripts alone', () => {
    for (const word of ['is', 'd20230508', 'über', '東京']) expect(porterStem(word)).toBe(word);
  });
});

describe('search stems', () => {
  it("uses the Porter stem only where the store's light stem falls short", () => {
    expect(searchStem('movies')).toBe('movi'); // light stem: "movy"
    expect(searchStem('running')).toBe('running'); // light stem "run" already matches
    expect(searchStem('adoption')).toBe('adopt');
  });

  it('lists the extra stems of a text once each', () => {
    expect(extraStems('Movies and more movies about adoption')).toEqual(['movi', 'adopt']);
  });
});
