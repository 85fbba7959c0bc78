/**
 * `web_search` through Tavily (spec §4.9, output as §6.2.2): a summary answer, then numbered results with title,
 * URL and the first 300 characters of each. Offered only when `TAVILY_API_KEY` is set.
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../types.js';
import {
  createTavilyClient,
  type TavilyClientOptions,
  TavilyError,
  type TavilySearchResponse,
} from './tavily.js';

export type WebSearchToolOptions = TavilyClientOptions;

/** What the model gets when it calls `web_search` while no key is configured. */
export const WEB_SEARCH_NOT_CONFIGURED =
  'Web search is not set up: the TAVILY_API_KEY environment variable is empty. Tell the person that an admin ' +
  'can enable it by setting TAVILY_API_KEY (a key from https://tavily.com) and restarting Clara.';

const SNIPPET_CHARS = 300;
const DEPTHS = ['basic', 'advanced'] as const;

const schema = z.object({
  query: z
    .string({ error: 'query is required: what to search the web for' })
    .trim()
    .min(1, 'query is required: what to search the web for'),
  max_results: z.number().int().optional().describe('How many results (1-10, default 5).'),
  search_depth: z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(DEPTHS))
    .optional()
    .describe('basic (fast, default) or advanced (slower, more thorough).'),
});

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function formatSearchResults(query: string, response: TavilySearchResponse): string {
  const answer = response.answer?.trim();
  if (response.results.length === 0 && !answer) return `No web results found for '${query}'.`;
  const parts: string[] = [];
  if (answer) parts.push(`**Summary:** ${answer}`);
  if (response.results.length > 0) {
    const lines = response.results.map((r, i) => {
      const title = flat(r.title ?? '') || r.url;
      const snippet = cut(flat(r.content ?? ''), SNIPPET_CHARS);
      return `${i + 1}. **${title}**\n   ${r.url}${snippet ? `\n   ${snippet}` : ''}`;
    });
    parts.push(`**Search Results:**\n${lines.join('\n\n')}`);
  }
  return parts.join('\n\n');
}

export function webSearchTool(options: WebSearchToolOptions): ToolDefinition {
  const client = createTavilyClient(options);
  return defineTool({
    name: 'web_search',
    description:
      'Search the web (Tavily) for current information: news, facts you are unsure of, documentation, prices, ' +
      'anything that may have changed. Returns a short summary answer and the top results with their URLs; ' +
      'cite the URLs you rely on.',
    schema,
    emoji: '🔍',
    status: (args) => `Searching the web for "${cut(args.query, 40)}"`,
    async run(args, context) {
      const maxResults = Math.min(10, Math.max(1, args.max_results ?? 5));
      try {
        const response = await client.search({
          query: args.query,
          maxResults,
          depth: args.search_depth ?? 'basic',
          ...(context.signal ? { signal: context.signal } : {}),
        });
        return formatSearchResults(args.query, {
          ...response,
          results: response.results.slice(0, maxResults),
        });
      } catch (error) {
        if (error instanceof TavilyError)
          return { content: `Error: web search failed: ${error.message}`, isError: true };
        throw error;
      }
    },
  }) as ToolDefinition;
}
