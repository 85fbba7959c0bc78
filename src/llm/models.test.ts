import { describe, expect, it } from 'vitest';
import { MODEL_DEFAULTS, modelEnvNames, modelFor, modelTable, modelTableFromEnv } from './models.js';

describe('tier → model table (spec §2.2)', () => {
  it('uses the built-in defaults, mid falling back to the base model', () => {
    expect(modelTable('openrouter')).toEqual({
      base: 'anthropic/claude-sonnet-4',
      high: 'anthropic/claude-opus-4',
      mid: 'anthropic/claude-sonnet-4',
      low: 'anthropic/claude-haiku',
    });
    expect(modelTable('nanogpt')).toEqual({
      base: 'moonshotai/Kimi-K2-Instruct-0905',
      high: 'anthropic/claude-opus-4',
      mid: 'moonshotai/Kimi-K2-Instruct-0905',
      low: 'openai/gpt-4o-mini',
    });
    expect(modelTable('openai')).toEqual({
      base: 'gpt-4o',
      high: 'claude-opus-4',
      mid: 'gpt-4o',
      low: 'gpt-4o-mini',
    });
    expect(modelTable('anthropic')).toEqual({
      base: 'claude-sonnet-4-5',
      high: 'claude-opus-4-5',
      mid: 'claude-sonnet-4-5',
      low: 'claude-haiku-4-5',
    });
  });

  it('a tier override wins; an overridden base model becomes the mid default; blanks count as unset', () => {
    expect(modelTable('openai', { base: 'my-base', low: '  ' })).toEqual({
      base: 'my-base',
      high: 'claude-opus-4',
      mid: 'my-base',
      low: 'gpt-4o-mini',
    });
    expect(modelTable('openai', { base: 'my-base', mid: 'my-mid', high: 'my-high' }).mid).toBe('my-mid');
  });

  it('reads the env-named overrides', () => {
    expect(modelEnvNames('openai')).toEqual({
      base: 'CUSTOM_OPENAI_MODEL',
      high: 'CUSTOM_OPENAI_MODEL_HIGH',
      mid: 'CUSTOM_OPENAI_MODEL_MID',
      low: 'CUSTOM_OPENAI_MODEL_LOW',
    });
    const table = modelTableFromEnv('anthropic', {
      ANTHROPIC_MODEL: 'claude-base',
      ANTHROPIC_MODEL_LOW: 'claude-small',
      OPENROUTER_MODEL_HIGH: 'ignored',
    });
    expect(table).toEqual({
      base: 'claude-base',
      high: 'claude-opus-4-5',
      mid: 'claude-base',
      low: 'claude-small',
    });
    expect(Object.keys(MODEL_DEFAULTS)).toEqual(['openrouter', 'nanogpt', 'openai', 'anthropic']);
  });

  it('no tier → base; tool calls never use low (bumped to base, not mid)', () => {
    const table = { base: 'b', high: 'h', mid: 'm', low: 'l' };
    expect(modelFor(table, undefined)).toBe('b');
    expect(modelFor(table, undefined, 'tools')).toBe('b');
    expect(modelFor(table, 'high')).toBe('h');
    expect(modelFor(table, 'mid', 'tools')).toBe('m');
    expect(modelFor(table, 'low')).toBe('l');
    expect(modelFor(table, 'low', 'auto_tier')).toBe('l');
    expect(modelFor(table, 'low', 'tools')).toBe('b');
  });
});
