import { describe, expect, it } from 'vitest';
import { extractJson, normaliseTopic, parseTopics } from './topic-parse.js';

const topic = (name: string, extra: Record<string, unknown> = {}) => ({
  topic: name,
  topic_type: 'entity',
  context_snippet: `about ${name}`,
  emotional_weight: 'light',
  ...extra,
});

describe('extractJson', () => {
  it('reads plain JSON, fenced JSON and JSON inside prose', () => {
    expect(extractJson('{"a":1}')).toEqual({ a: 1 });
    expect(extractJson('Here you go:\n```json\n{"a":2}\n```\nHope it helps')).toEqual({ a: 2 });
    expect(extractJson('Sure! {"a": {"b": 3}} — that is all.')).toEqual({ a: { b: 3 } });
    expect(extractJson('```\n[1, 2]\n```')).toEqual([1, 2]);
  });

  it('returns undefined when there is no JSON', () => {
    expect(extractJson('I could not find any topics.')).toBeUndefined();
    expect(extractJson('{not json}')).toBeUndefined();
  });
});

describe('parseTopics', () => {
  it('parses a well-formed answer', () => {
    const answer = JSON.stringify({
      topics: [topic('sister', { emotional_weight: 'heavy', context_snippet: 'worried about her surgery' })],
    });
    expect(parseTopics(answer)).toEqual([
      { topic: 'sister', topicType: 'entity', snippet: 'worried about her surgery', weight: 'heavy' },
    ]);
  });

  it('accepts a bare array and fenced output with prose', () => {
    const fenced = `Topics:\n\`\`\`json\n${JSON.stringify([topic('marathon')])}\n\`\`\``;
    expect(parseTopics(fenced)?.map((t) => t.topic)).toEqual(['marathon']);
  });

  it('repairs invalid fields: type → theme, weight → moderate, snippet cut to 100 chars', () => {
    const long = 'x'.repeat(150);
    const parsed = parseTopics(
      JSON.stringify({
        topics: [
          {
            topic: '  Job Interview. ',
            topic_type: 'person',
            context_snippet: long,
            emotional_weight: 'huge',
          },
          { topic: 'Exam', topic_type: 'THEME', emotional_weight: 'Heavy' },
        ],
      }),
    );
    expect(parsed).toEqual([
      { topic: 'job interview', topicType: 'theme', snippet: 'x'.repeat(100), weight: 'moderate' },
      { topic: 'exam', topicType: 'theme', snippet: '', weight: 'heavy' },
    ]);
  });

  it('drops items without a usable topic and generic topics', () => {
    const parsed = parseTopics(
      JSON.stringify({ topics: [{ topic: '' }, { topic: 42 }, 'sister', topic('work'), topic('garden')] }),
    );
    expect(parsed?.map((t) => t.topic)).toEqual(['garden']);
  });

  it('de-duplicates by name keeping the heaviest mention, then caps at 3', () => {
    const parsed = parseTopics(
      JSON.stringify({
        topics: [
          topic('sister', { emotional_weight: 'light' }),
          topic('Sister', { emotional_weight: 'heavy', context_snippet: 'the heavy one' }),
          topic('sister', { emotional_weight: 'moderate' }),
          topic('garden'),
          topic('exam'),
          topic('cat'),
        ],
      }),
    );
    expect(parsed).toHaveLength(3);
    expect(parsed?.[0]).toEqual({
      topic: 'sister',
      topicType: 'entity',
      snippet: 'the heavy one',
      weight: 'heavy',
    });
    expect(parsed?.map((t) => t.topic)).toEqual(['sister', 'garden', 'exam']);
  });

  it('returns an empty list for {"topics": []} and undefined for the wrong shape', () => {
    expect(parseTopics('{"topics": []}')).toEqual([]);
    expect(parseTopics('{"subjects": ["a"]}')).toBeUndefined();
    expect(parseTopics('no topics here')).toBeUndefined();
  });
});

describe('normaliseTopic', () => {
  it('lower-cases, collapses spaces and trims quotes and punctuation', () => {
    expect(normaliseTopic('  "Job   Interview"! ')).toBe('job interview');
    expect(normaliseTopic('#Rust')).toBe('rust');
  });
});
