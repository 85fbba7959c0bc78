import { describe, expect, it } from 'vitest';
import { createMemoryLlm, memoryLlmSettings } from './memory-llm.js';

describe('memory LLM settings (MEM0_*)', () => {
  it('defaults to OpenRouter with openai/gpt-4o-mini and the provider key', () => {
    const found = memoryLlmSettings({ OPENROUTER_API_KEY: 'or-key', LLM_PROVIDER: 'anthropic' });
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.settings.name).toBe('openrouter');
    expect(found.settings.apiKey).toBe('or-key');
    expect(found.settings.baseUrl).toBeUndefined();
    expect(found.settings.models).toEqual({
      base: 'openai/gpt-4o-mini',
      high: 'openai/gpt-4o-mini',
      mid: 'openai/gpt-4o-mini',
      low: 'openai/gpt-4o-mini',
    });
  });

  it('MEM0_API_KEY and MEM0_BASE_URL override the provider key and URL; MEM0_MODEL serves every tier', () => {
    const found = memoryLlmSettings({
      MEM0_PROVIDER: 'anthropic',
      MEM0_MODEL: 'claude-haiku-4-5',
      MEM0_API_KEY: 'mem-key',
      MEM0_BASE_URL: 'http://127.0.0.1:9/anthropic',
      ANTHROPIC_API_KEY: 'chat-key',
      ANTHROPIC_BASE_URL: 'https://proxy.example',
    });
    expect(found).toMatchObject({
      ok: true,
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      settings: {
        apiKey: 'mem-key',
        baseUrl: 'http://127.0.0.1:9/anthropic',
        models: { low: 'claude-haiku-4-5' },
      },
    });
  });

  it('openai / openai-custom use CUSTOM_OPENAI_* and fall back to OPENAI_API_KEY', () => {
    expect(
      memoryLlmSettings({
        MEM0_PROVIDER: 'openai-custom',
        CUSTOM_OPENAI_API_KEY: 'custom',
        CUSTOM_OPENAI_BASE_URL: 'http://llm.local/v1',
      }),
    ).toMatchObject({
      ok: true,
      provider: 'openai',
      settings: { apiKey: 'custom', baseUrl: 'http://llm.local/v1' },
    });
    expect(memoryLlmSettings({ MEM0_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-openai' })).toMatchObject({
      ok: true,
      settings: { apiKey: 'sk-openai' },
    });
  });

  it('explains what to set when there is no key or the provider is unknown', () => {
    const noKey = createMemoryLlm({ MEM0_PROVIDER: 'nanogpt' });
    expect(noKey.llm).toBeUndefined();
    if (noKey.llm === undefined) expect(noKey.reason).toMatch(/MEM0_API_KEY or NANOGPT_API_KEY/);
    const unknown = createMemoryLlm({ MEM0_PROVIDER: 'ollama', MEM0_API_KEY: 'x' });
    expect(unknown.llm).toBeUndefined();
    if (unknown.llm === undefined) expect(unknown.reason).toMatch(/MEM0_PROVIDER "ollama"/);
  });

  it('builds an Llm whose every tier is MEM0_MODEL', () => {
    const setup = createMemoryLlm({ MEM0_PROVIDER: 'openai', MEM0_API_KEY: 'k', MEM0_MODEL: 'gpt-4o-mini' });
    expect(setup.llm?.primary).toBe('openai');
    expect(setup.llm?.modelFor('high', 'memory')).toBe('gpt-4o-mini');
    expect(setup.llm?.modelFor(undefined, 'memory')).toBe('gpt-4o-mini');
  });
});
