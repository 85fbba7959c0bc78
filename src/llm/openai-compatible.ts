/**
 * OpenAI Chat Completions providers: openrouter, nanogpt and openai (any compatible endpoint), on the
 * `openai` SDK. Streams always; tolerates proxies that omit usage, send odd chunks or ignore `stream: true`.
 */
import OpenAI from 'openai';
import type { Tier } from '../domain/index.js';
import { guardedStream } from './call-guard.js';
import { toOpenAIMessages, toOpenAITools } from './convert.js';
import { OpenAIStreamState, unifiedEvents } from './convert-stream.js';
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

interface Endpoint {
  client: OpenAI;
  host: string;
  keyEnv: string;
  secrets: string[];
}

function openRouterHeaders(settings: ProviderSettings): Record<string, string> {
  return {
    'HTTP-Referer': settings.openRouterSite || 'http://localhost:3000',
    'X-Title': settings.openRouterTitle || 'MyPalClara',
  };
}

/** Headers for one endpoint: OpenRouter attribution for OpenRouter, Cloudflare Access for everything else. */
function headersFor(
  settings: ProviderSettings,
  url: string,
  isToolEndpoint: boolean,
): Record<string, string> {
  const isOpenRouter = isToolEndpoint ? url.includes('openrouter.ai') : settings.name === 'openrouter';
  const cf = isToolEndpoint || settings.name === 'openai' ? cloudflareHeaders(settings.cfAccess) : {};
  return { ...(isOpenRouter ? openRouterHeaders(settings) : cf), ...settings.headers };
}

function makeEndpoint(settings: ProviderSettings, forTools: boolean): Endpoint {
  const mainUrl = settings.baseUrl || PROVIDER_DEFAULT_URLS[settings.name];
  const url = (forTools && settings.toolBaseUrl) || mainUrl;
  const apiKey = (forTools && settings.toolApiKey) || settings.apiKey;
  const timeout = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new OpenAI({
    apiKey,
    baseURL: url,
    organization: null,
    project: null,
    defaultHeaders: headersFor(settings, url, forTools && Boolean(settings.toolBaseUrl)),
    maxRetries: 0,
    timeout,
    logLevel: 'off',
  });
  return {
    client,
    host: hostOf(url),
    keyEnv: forTools && settings.toolApiKey ? 'TOOL_API_KEY' : API_KEY_ENV[settings.name],
    secrets: [apiKey, settings.cfAccess?.clientSecret ?? ''].filter(Boolean),
  };
}

class OpenAICompatibleProvider implements LlmProvider {
  readonly name: ProviderSettings['name'];
  private readonly models: ModelTable;
  private readonly timeoutMs: number;
  private readonly chat: Endpoint;
  private toolEndpoint: Endpoint | undefined;

  constructor(private readonly settings: ProviderSettings) {
    if (settings.name === 'anthropic')
      throw new Error('Use createAnthropicProvider for the anthropic provider.');
    this.name = settings.name;
    this.models = modelTable(settings.name, settings.models);
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.chat = makeEndpoint(settings, false);
  }

  modelFor(tier: Tier | undefined, purpose?: CallPurpose): string {
    return modelFor(this.models, tier, purpose);
  }

  private endpointFor(request: ProviderRequest): Endpoint {
    const hasTools = (request.tools?.length ?? 0) > 0;
    if (!hasTools || (!this.settings.toolApiKey && !this.settings.toolBaseUrl)) return this.chat;
    this.toolEndpoint ??= makeEndpoint(this.settings, true);
    return this.toolEndpoint;
  }

  stream(request: ProviderRequest): AsyncIterable<StreamEvent> {
    const endpoint = this.endpointFor(request);
    const context = {
      provider: this.name,
      host: endpoint.host,
      model: request.model,
      keyEnv: endpoint.keyEnv,
      secrets: endpoint.secrets,
    };
    const body = {
      model: request.model,
      messages: toOpenAIMessages(request.messages),
      stream: true as const,
      stream_options: { include_usage: true },
      ...(request.tools && request.tools.length > 0 ? { tools: toOpenAITools(request.tools) } : {}),
      ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
      // OpenRouter usage accounting: the final chunk then reports `usage.cost`.
      ...(this.name === 'openrouter' ? { usage: { include: true } } : {}),
    };
    const provider = this.name;
    return guardedStream(context, this.timeoutMs, request.signal, async function* (guard) {
      const response = await endpoint.client.chat.completions
        .create(body, { signal: guard.signal, timeout: guard.timeoutMs })
        .asResponse();
      guard.arm();
      yield* unifiedEvents(
        responsePayloads(response, () => guard.arm()),
        new OpenAIStreamState(),
        { model: request.model, provider: provider },
      );
    });
  }
}

export function createOpenAICompatibleProvider(settings: ProviderSettings): LlmProvider {
  return new OpenAICompatibleProvider(settings);
}
