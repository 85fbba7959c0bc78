import { describe, expect, it } from 'vitest';
import { parseProfileAnswer, profilePrompt } from './extract.js';

describe('profile answer parsing', () => {
  it('reads namespaces (and their common aliases) from JSON inside prose or code fences', () => {
    const answer = [
      'Here you go:',
      '```json',
      JSON.stringify({
        profile_bio: [{ key: 'name', value: 'Is called Ana.', confidence: 0.9 }],
        creative_portfolio: [{ key: 'project.harbor', value: 'Paints harbours.' }],
        sensitive: [{ key: 'health', value: 'Private.' }],
        unrelated: [{ key: 'x', value: 'ignored' }],
      }),
      '```',
    ].join('\n');
    const parsed = parseProfileAnswer(answer);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.raw.profile_bio).toEqual([{ key: 'name', value: 'Is called Ana.', confidence: 0.9 }]);
    expect(parsed.raw['project_context:creative_portfolio']).toHaveLength(1);
    expect(parsed.raw['restricted:sensitive']).toHaveLength(1);
    expect(parsed.raw.interaction_style).toEqual([]);
  });

  it('says what is wrong when the answer is unusable', () => {
    expect(parseProfileAnswer('I cannot do that.')).toEqual({ ok: false, problem: 'no JSON object found' });
    expect(parseProfileAnswer('[1, 2]')).toMatchObject({ ok: false, problem: /keyed by namespace/ });
    expect(parseProfileAnswer('{"facts": []}')).toMatchObject({
      ok: false,
      problem: /none of the namespaces/,
    });
  });

  it('asks for JSON only, names all five namespaces with their caps, and sends the profile', () => {
    const [system, user] = profilePrompt('I am Ana.');
    expect(system?.content).toMatch(/JSON only/);
    for (const name of ['profile_bio', 'interaction_style', 'project_seed', 'restricted:sensitive']) {
      expect(system?.content).toContain(`"${name}"`);
    }
    expect(system?.content).toContain('"project_context:creative_portfolio" (at most 18)');
    expect(user?.content).toBe('Profile:\nI am Ana.');
  });
});
