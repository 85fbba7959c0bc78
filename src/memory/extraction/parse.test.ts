import { describe, expect, it } from 'vitest';
import { findJson, parseExtraction, stripTrailingCommas } from './parse.js';

const decisions = (text: string) => {
  const result = parseExtraction(text);
  if (!result.ok) throw new Error(`expected valid output, got: ${result.problem}`);
  return result.decisions;
};

describe('parseExtraction', () => {
  it('reads the plain JSON answer', () => {
    expect(
      decisions(
        '{"memories":[{"text":"Lives in Munich","is_key":true,"event":"UPDATE","target":2},{"text":"Likes tea","is_key":false,"event":"ADD"}]}',
      ),
    ).toEqual([
      { event: 'UPDATE', text: 'Lives in Munich', isKey: true, target: 2 },
      { event: 'ADD', text: 'Likes tea', isKey: false },
    ]);
  });

  it('reads JSON inside a code fence with prose around it', () => {
    const answer =
      'Sure! Here is what I found:\n```json\n{"memories": [{"text": "Has a dog named Rex", "is_key": true, "event": "ADD"}]}\n```\nLet me know {if} you need more.';
    expect(decisions(answer)).toEqual([{ event: 'ADD', text: 'Has a dog named Rex', isKey: true }]);
  });

  it('reads JSON after prose that contains brackets, without a fence', () => {
    const answer = 'Facts [two of them] follow: {"memories":[{"text":"Is vegan","event":"add"}]} Done.';
    expect(decisions(answer)).toEqual([{ event: 'ADD', text: 'Is vegan' }]);
  });

  it('tolerates trailing commas, lower-case events, string numbers and "true" strings', () => {
    const answer = `{
      "memories": [
        {"text": "Works as a nurse", "is_key": "true", "event": "update", "target": "3",},
        {"event": "DELETE", "target": "[1]", "text": null},
      ],
    }`;
    expect(decisions(answer)).toEqual([
      { event: 'UPDATE', text: 'Works as a nurse', isKey: true, target: 3 },
      { event: 'DELETE', text: '', target: 1 },
    ]);
  });

  it('keeps braces and commas that are inside strings', () => {
    expect(decisions('{"memories":[{"text":"Says \\"hi, }\\" a lot,]","event":"ADD"}]}')).toEqual([
      { event: 'ADD', text: 'Says "hi, }" a lot,]' },
    ]);
  });

  it('accepts a bare array, plain-string facts and a "facts" key', () => {
    expect(decisions('[{"text":"Is 34","event":"ADD"}]')).toEqual([{ event: 'ADD', text: 'Is 34' }]);
    expect(decisions('{"memories":["Lives in Oslo"]}')).toEqual([{ event: 'ADD', text: 'Lives in Oslo' }]);
    expect(decisions('{"facts":[{"text":"Plays chess","is_key":false}]}')).toEqual([
      { event: 'ADD', text: 'Plays chess', isKey: false },
    ]);
  });

  it('returns an empty list for {"memories":[]}', () => {
    expect(decisions('{"memories": []}')).toEqual([]);
  });

  it('rejects answers without JSON, with unknown events, or with UPDATE/DELETE lacking a target', () => {
    const problem = (text: string) => {
      const result = parseExtraction(text);
      return result.ok ? 'ok' : result.problem;
    };
    expect(problem('I could not find any facts.')).toBe('no JSON object found');
    expect(problem('{"memories":[{"text":"x","event":"MERGE"}]}')).toMatch(/memories\.0\.event/);
    expect(problem('{"memories":[{"text":"Lives in Rome","event":"UPDATE"}]}')).toMatch(/target/);
    expect(problem('{"memories":[{"event":"ADD","text":"  "}]}')).toMatch(/needs a text/);
    expect(problem('{"memories": [{"text": "cut off')).toBe('no JSON object found');
    expect(problem('{"result": "nothing"}')).toMatch(/memories/);
  });
});

describe('JSON helpers', () => {
  it('strips only trailing commas outside strings', () => {
    expect(stripTrailingCommas('{"a":[1,2,],"b":"x,]",}')).toBe('{"a":[1,2],"b":"x,]"}');
  });

  it('finds the first parseable JSON value', () => {
    expect(findJson('noise {not json} then {"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});
