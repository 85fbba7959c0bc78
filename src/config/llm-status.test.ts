import { describe, expect, it } from 'vitest';
import { llmSetupStatus, loadConfig } from './index.js';

const status = (env: Record<string, string>) => llmSetupStatus(loadConfig({ env, envFile: false }));

describe('llmSetupStatus', () => {
  it.each([
    ['openrouter', 'OPENROUTER_API_KEY'],
    ['nanogpt', 'NANOGPT_API_KEY'],
    ['openai', 'CUSTOM_OPENAI_API_KEY'],
    ['anthropic', 'ANTHROPIC_API_KEY'],
  ])('%s without a key names exactly %s', (provider, keyVar) => {
    const result = status({ LLM_PROVIDER: provider });
    expect(result).toMatchObject({ provider, ready: false, missing: [keyVar], fallbacks: [] });
    if (!result.ready) expect(result.fix).toMatch(new RegExp(`^set ${keyVar} to `));
  });

  it('mentions CUSTOM_OPENAI_BASE_URL for the openai provider', () => {
    const result = status({ LLM_PROVIDER: 'openai', CUSTOM_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' });
    expect(result.ready).toBe(false);
    if (!result.ready) expect(result.fix).toContain('CUSTOM_OPENAI_BASE_URL, now http://127.0.0.1:11434/v1');
  });

  it('is ready when the chosen provider has its key', () => {
    expect(status({ LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'sk-ant-xxxxxxxx' })).toEqual({
      provider: 'anthropic',
      ready: true,
      fallbacks: [],
    });
  });

  it('reports each fallback provider and skips the primary if listed again', () => {
    const result = status({
      OPENROUTER_API_KEY: 'sk-or-xxxxxxxx',
      LLM_FALLBACK_PROVIDERS: 'anthropic,openrouter,nanogpt',
      NANOGPT_API_KEY: 'nano-xxxxxxxx',
    });
    expect(result.ready).toBe(true);
    expect(result.fallbacks).toHaveLength(2);
    expect(result.fallbacks[0]).toMatchObject({
      provider: 'anthropic',
      ready: false,
      missing: ['ANTHROPIC_API_KEY'],
    });
    const first = result.fallbacks[0];
    if (first && !first.ready) expect(first.fix).toMatch(/or remove anthropic from LLM_FALLBACK_PROVIDERS/);
    expect(result.fallbacks[1]).toEqual({ provider: 'nanogpt', ready: true });
  });
});
