/** Anthropic provider on `@anthropic-ai/sdk` (native Messages API, streamed). */
import Anthropic from '@anthropic-ai/sdk';
import type { Tier } from '../domain/index.js';
import { guardedStream } from './call-guard.js';
import { toAnthropicRequest, toAnthropicTools } from './convert.js';
import { AnthropicStreamState, unifiedEvents } from './convert-stream.js';
import { type ModelTable, modelFor, modelTable } from './models.js';
import {
  API_KEY_ENV,
  cloudflareHeaders,
  DEFAULT_TIMEOUT_MS,
  hostOf,
  PROVIDER_DEFAULT_URLS,
  type ProviderSettings,
} from './settings.js';
import { responsePayloads } from './sse.js';
import type { CallPurpose, LlmProvider, ProviderRequest, StreamEvent } from './types.js';

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

interface Endpoint {
  client: Anthropic;
  host: string;
  keyEnv: string;
  secrets: string[];
}

function makeEndpoint(settings: ProviderSettings, forTools: boolean): Endpoint {
  const customUrl = (forTools && settings.toolBaseUrl) || settings.baseUrl;
  const url = customUrl || PROVIDER_DEFAULT_URLS.anthropic;
  const apiKey = (forTools && settings.toolApiKey) || settings.apiKey;
  const client = new Anthropic({
    apiKey,
    // Always explicit, so ANTHROPIC_BASE_URL in the process environment never redirects a client silently.
    baseURL: url,
    defaultHeaders: {
      ...(customUrl ? { 'User-Agent': 'Clara/1.0' } : {}),
      ...cloudflareHeaders(settings.cfAccess),
      ...settings.headers,
    },
    maxRetries: 0,
    timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    logLevel: 'off',
    openTelemetry: false,
  });
  return {
    client,
    host: hostOf(url),
    keyEnv: forTools && settings.toolApiKey ? 'TOOL_API_KEY' : API_KEY_ENV.anthropic,
    secrets: [apiKey, settings.cfAccess?.clientSecret ?? ''].filter(Boolean),
  };
}

class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic' as const;
  private readonly models: ModelTable;
  private readonly timeoutMs: number;
  private readonly chat: Endpoint;
  private toolEndpoint: Endpoint | undefined;

  constructor(private readonly settings: ProviderSettings) {
    this.models = modelTable('anthropic', settings.models);
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.chat = makeEndpoint(settings, false);
  }

  modelFor(tier: Tier | undefined, purpose?: CallPurpose): string {
    return modelFor(this.models, tier, purpose);
  }

  private endpointFor(hasTools: boolean): Endpoint {
    if (!hasTools || (!this.settings.toolApiKey && !this.settings.toolBaseUrl)) return this.chat;
    this.toolEndpoint ??= makeEndpoint(this.settings, true);
    return this.toolEndpoint;
  }

  stream(request: ProviderRequest): AsyncIterable<StreamEvent> {
    const hasTools = (request.tools?.length ?? 0) > 0;
    const endpoint = this.endpointFor(hasTools);
    const context = {
      provider: this.name,
      host: endpoint.host,
      model: request.model,
      keyEnv: endpoint.keyEnv,
      secrets: endpoint.secrets,
    };
    const { system, messages } = toAnthropicRequest(request.messages, { toolsAvailable: hasTools });
    const body: Anthropic.MessageCreateParamsStreaming = {
      model: request.model,
      max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages,
      stream: true,
      ...(system !== undefined ? { system } : {}),
      ...(hasTools && request.tools ? { tools: toAnthropicTools(request.tools) } : {}),
    };
    return guardedStream(context, this.timeoutMs, request.signal, async function* (guard) {
      const response = await endpoint.client.messages
        .create(body, { signal: guard.signal, timeout: guard.timeoutMs })
        .asResponse();
      guard.arm();
      yield* unifiedEvents(
        responsePayloads(response, () => guard.arm()),
        new AnthropicStreamState(),
        { model: request.model, provider: 'anthropic' },
      );
    });
  }
}

export function createAnthropicProvider(settings: ProviderSettings): LlmProvider {
  return new AnthropicProvider(settings);
}
