import { describe, expect, it } from 'vitest';
import { providerSettingsFromEnv } from './settings.js';

describe('providerSettingsFromEnv', () => {
  it('reads key, models, OpenRouter headers, Cloudflare Access and the tool overrides', () => {
    const settings = providerSettingsFromEnv(
      'openrouter',
      {
        OPENROUTER_API_KEY: 'or-key',
        OPENROUTER_MODEL_HIGH: 'big',
        OPENROUTER_SITE: 'https://me.example',
        CF_ACCESS_CLIENT_ID: 'id',
        CF_ACCESS_CLIENT_SECRET: 'secret',
        TOOL_API_KEY: 'tool-key',
      },
      { timeoutMs: 1234 },
    );
    expect(settings).toMatchObject({
      name: 'openrouter',
      apiKey: 'or-key',
      baseUrl: undefined,
      timeoutMs: 1234,
      toolApiKey: 'tool-key',
      openRouterSite: 'https://me.example',
      cfAccess: { clientId: 'id', clientSecret: 'secret' },
    });
    expect(settings.models).toMatchObject({ base: 'anthropic/claude-sonnet-4', high: 'big' });
  });

  it('takes the custom base URLs; Cloudflare Access needs both values', () => {
    const openai = providerSettingsFromEnv('openai', {
      CUSTOM_OPENAI_API_KEY: 'k',
      CUSTOM_OPENAI_BASE_URL: 'https://llm.internal/v1',
      CF_ACCESS_CLIENT_ID: 'only-id',
    });
    expect(openai.baseUrl).toBe('https://llm.internal/v1');
    expect(openai.cfAccess).toBeUndefined();
    const anthropic = providerSettingsFromEnv('anthropic', {
      ANTHROPIC_API_KEY: 'k',
      ANTHROPIC_BASE_URL: 'http://clewdr:8484',
    });
    expect(anthropic.baseUrl).toBe('http://clewdr:8484');
  });

  it('explains a missing key by its env var name', () => {
    expect(() => providerSettingsFromEnv('nanogpt', { NANOGPT_API_KEY: ' ' })).toThrow(/NANOGPT_API_KEY/);
  });
});
