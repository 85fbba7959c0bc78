/**
 * A small Tavily search client: POST `<base>/search` with the key as a Bearer token, a time limit, and the
 * response checked with zod. Every failure becomes a `TavilyError` whose message says what to do; the key never
 * appears in it.
 */
import { z } from 'zod';

export const TAVILY_DEFAULT_BASE_URL = 'https://api.tavily.com';
export const TAVILY_DEFAULT_TIMEOUT_MS = 30_000;

export interface TavilyClientOptions {
  apiKey: string;
  /** `TAVILY_BASE_URL` (default https://api.tavily.com). */
  baseUrl?: string;
  /** Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface TavilySearchRequest {
  query: string;
  maxResults: number;
  depth: 'basic' | 'advanced';
  signal?: AbortSignal;
}

const resultSchema = z.object({
  title: z.string().nullish(),
  url: z.string(),
  content: z.string().nullish(),
  score: z.number().nullish(),
});

const responseSchema = z.object({
  query: z.string().optional(),
  answer: z.string().nullish(),
  results: z.array(resultSchema),
});

export type TavilySearchResponse = z.infer<typeof responseSchema>;

export class TavilyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TavilyError';
  }
}

/** The `detail` text of a Tavily error body (`{"detail": {"error": "…"}}` or `{"detail": "…"}`), cut short. */
function errorDetail(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown; error?: unknown; message?: unknown };
    const detail = parsed.detail;
    const text =
      typeof detail === 'string'
        ? detail
        : typeof detail === 'object' &&
            detail !== null &&
            typeof (detail as { error?: unknown }).error === 'string'
          ? (detail as { error: string }).error
          : typeof parsed.error === 'string'
            ? parsed.error
            : typeof parsed.message === 'string'
              ? parsed.message
              : undefined;
    return text?.slice(0, 200);
  } catch {
    return undefined;
  }
}

function statusMessage(status: number, detail: string | undefined): string {
  const said = detail ? ` Tavily said: ${detail}` : '';
  if (status === 401 || status === 403) {
    return `Tavily rejected the API key (HTTP ${status}): check TAVILY_API_KEY.${said}`;
  }
  if (status === 429) return `Tavily's rate limit was reached (HTTP 429); try again in a minute.${said}`;
  if (status === 432 || status === 433) {
    return `The Tavily plan's usage limit is reached (HTTP ${status}); check the Tavily account.${said}`;
  }
  if (status === 400 || status === 422) return `Tavily refused the search request (HTTP ${status}).${said}`;
  if (status >= 500) return `Tavily is having trouble (HTTP ${status}); try again later.${said}`;
  return `Tavily answered HTTP ${status}.${said}`;
}

export function createTavilyClient(options: TavilyClientOptions) {
  const base = (options.baseUrl ?? TAVILY_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const endpoint = `${base}/search`;
  const timeoutMs = options.timeoutMs ?? TAVILY_DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;

  return {
    endpoint,
    async search(request: TavilySearchRequest): Promise<TavilySearchResponse> {
      const timer = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timer]) : timer;
      let response: Response;
      let body: string;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            authorization: `Bearer ${options.apiKey}`,
          },
          body: JSON.stringify({
            query: request.query,
            search_depth: request.depth,
            max_results: request.maxResults,
            include_answer: true,
          }),
          signal,
        });
        body = await response.text();
      } catch (error) {
        if (timer.aborted) {
          throw new TavilyError(`Tavily did not answer within ${Math.round(timeoutMs / 100) / 10} seconds.`);
        }
        if (request.signal?.aborted) throw new TavilyError('The web search was cancelled.');
        const cause =
          error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
        throw new TavilyError(`Could not reach Tavily at ${base}: ${cause || String(error)}`);
      }
      if (!response.ok)
        throw new TavilyError(statusMessage(response.status, errorDetail(body)), response.status);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new TavilyError('Tavily sent a response that is not JSON.');
      }
      const parsed = responseSchema.safeParse(json);
      if (!parsed.success) {
        const where = parsed.error.issues[0]?.path.join('.') || 'the body';
        throw new TavilyError(`Tavily sent an unexpected response (problem at ${where}).`);
      }
      return parsed.data;
    },
  };
}

export type TavilyClient = ReturnType<typeof createTavilyClient>;
