import { describe, expect, it } from 'vitest';
import { categoryOf } from './apply.js';
import {
  clampConfidence,
  consolidateFacts,
  consolidateProfile,
  DEFAULT_CONFIDENCE,
  MAX_VALUE_CHARS,
  normaliseKey,
  validateFacts,
} from './consolidate.js';
import { NAMESPACE_TOP_K } from './namespaces.js';

describe('profile fact validation (spec §3.9)', () => {
  it('normalises keys: lower case, other characters to dots, dots collapsed and trimmed', () => {
    expect(normaliseKey('Family / Sister Name')).toBe('family.sister.name');
    expect(normaliseKey('..Career..Current_Role!!')).toBe('career.current_role');
    expect(normaliseKey('  ***  ')).toBe('');
  });

  it('clamps confidence to 0–1 and defaults to 0.85 when missing or not a number', () => {
    expect(clampConfidence(1.4)).toBe(1);
    expect(clampConfidence(-2)).toBe(0);
    expect(clampConfidence('0.6')).toBe(0.6);
    expect(clampConfidence(undefined)).toBe(DEFAULT_CONFIDENCE);
    expect(clampConfidence('very')).toBe(DEFAULT_CONFIDENCE);
  });

  it('drops empty and duplicate keys and empty values, cuts long values', () => {
    const facts = validateFacts([
      { key: 'Name', value: 'Is called Ana.' },
      { key: 'name', value: 'A second name fact' },
      { key: '!!!', value: 'no usable key' },
      { key: 'hobby', value: '   ' },
      { key: 'bio.long', value: 'x'.repeat(400), confidence: 0.5 },
      { key: 3, value: 'not a string key' },
    ]);
    expect(facts.map((f) => f.key)).toEqual(['name', 'bio.long']);
    expect(facts[0]).toEqual({ key: 'name', value: 'Is called Ana.', confidence: DEFAULT_CONFIDENCE });
    expect(facts[1]?.value).toHaveLength(MAX_VALUE_CHARS);
  });
});

describe('profile consolidation', () => {
  it('drops near-duplicates (one contained in the other) keeping the more confident, then caps by confidence', () => {
    const facts = consolidateFacts(
      [
        { key: 'a', value: 'Lives in Lisbon with her partner', confidence: 0.6 },
        { key: 'b', value: 'lives in lisbon with her partner Rui since 2019', confidence: 0.9 },
        { key: 'c', value: 'Short', confidence: 0.5 },
        { key: 'd', value: 'Shorter', confidence: 0.4 },
        { key: 'e', value: 'Works as a marine biologist', confidence: 0.7 },
      ],
      3,
    );
    expect(facts.map((f) => f.key)).toEqual(['b', 'e', 'c']);
  });

  it('short values are never treated as near-duplicates', () => {
    const facts = consolidateFacts(
      [
        { key: 'x', value: 'Likes tea', confidence: 0.8 },
        { key: 'y', value: 'Likes tea a lot', confidence: 0.8 },
      ],
      10,
    );
    expect(facts).toHaveLength(2);
  });

  it('applies each namespace its own cap', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      key: `k${i}`,
      value: `distinct fact number ${i}`,
      confidence: i / 30,
    }));
    const facts = consolidateProfile({
      profile_bio: many,
      interaction_style: many,
      project_seed: [],
      'project_context:creative_portfolio': many,
      'restricted:sensitive': many,
    });
    expect(facts.profile_bio).toHaveLength(NAMESPACE_TOP_K.profile_bio);
    expect(facts.interaction_style).toHaveLength(10);
    expect(facts['project_context:creative_portfolio']).toHaveLength(18);
    expect(facts['restricted:sensitive']).toHaveLength(6);
    expect(facts.profile_bio[0]?.key).toBe('k29');
  });

  it('groups facts the way the original grouped its pseudo-conversations', () => {
    expect(categoryOf('profile_bio', 'family.sister.name')).toBe('identity_family');
    expect(categoryOf('profile_bio', 'career.role')).toBe('career_skills');
    expect(categoryOf('profile_bio', 'hobbies.running')).toBe('biography');
    expect(categoryOf('project_context:creative_portfolio', 'project.harbor.medium')).toBe('project.harbor');
    expect(categoryOf('project_context:creative_portfolio', 'aesthetic.palette')).toBe(
      'creative_preferences',
    );
    expect(categoryOf('restricted:sensitive', 'health.anxiety')).toBe('sensitive');
  });
});
