/**
 * Smithery registry client (spec §5.7): search servers and read one server's details. Responses are validated;
 * every request has a time limit. The token (SMITHERY_API_TOKEN or SMITHERY_API_KEY) is sent as a Bearer header and
 * never appears in errors.
 */
import { z } from 'zod';

export const DEFAULT_SMITHERY_REGISTRY_URL = 'https://registry.smithery.ai';
export const DEFAULT_SMITHERY_SERVER_URL = 'https://server.smithery.ai';

const SearchServer = z.object({
  qualifiedName: z.string().min(1),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  iconUrl: z.string().nullish(),
  homepage: z.string().nullish(),
  verified: z.boolean().nullish(),
  useCount: z.number().nullish(),
  remote: z.boolean().nullish(),
  createdAt: z.string().nullish(),
});

const SearchResponse = z.object({
  servers: z.array(SearchServer),
  pagination: z
    .object({
      currentPage: z.number().nullish(),
      pageSize: z.number().nullish(),
      totalPages: z.number().nullish(),
      totalCount: z.number().nullish(),
    })
    .nullish(),
});

const Connection = z.object({
  type: z.string(),
  deploymentUrl: z.string().nullish(),
  configSchema: z.unknown().optional(),
});

const ServerDetail = z.object({
  qualifiedName: z.string().min(1),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  remote: z.boolean().nullish(),
  deploymentUrl: z.string().nullish(),
  connections: z.array(Connection).nullish(),
});

export interface SmitheryServer {
  qualifiedName: string;
  displayName: string;
  description: string;
  iconUrl?: string;
  homepage?: string;
  verified: boolean;
  useCount: number;
  remote: boolean;
  createdAt?: string;
}

export interface SmitherySearchResult {
  servers: SmitheryServer[];
  totalCount: number;
  page: number;
  pageSize: number;
}

export interface SmitheryServerDetail {
  qualifiedName: string;
  displayName: string;
  description: string;
  remote: boolean;
  /** Hosted endpoint (Streamable HTTP) when the registry names one. */
  deploymentUrl?: string;
  connectionTypes: string[];
}

export class SmitheryError extends Error {
  override name = 'SmitheryError';
}

export interface SmitheryClientOptions {
  /** SMITHERY_REGISTRY_URL (default https://registry.smithery.ai). */
  baseUrl?: string;
  token?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface SmitheryClient {
  readonly baseUrl: string;
  search(query: string, options?: { page?: number; pageSize?: number }): Promise<SmitherySearchResult>;
  /** The server's details, or undefined when the registry does not know it. */
  getServer(qualifiedName: string): Promise<SmitheryServerDetail | undefined>;
}

export function createSmitheryClient(options: SmitheryClientOptions = {}): SmitheryClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_SMITHERY_REGISTRY_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  async function request(path: string): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new SmitheryError(
          `The Smithery registry request timed out after ${Math.round(timeoutMs / 1000)} s.`,
        );
      }
      throw new SmitheryError(
        `Could not reach the Smithery registry at ${baseUrl}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    if (response.status === 404) return { status: 404, body: undefined };
    if (!response.ok) {
      const hint =
        response.status === 401 || response.status === 403
          ? ' Set SMITHERY_API_KEY (or SMITHERY_API_TOKEN) to a valid key from smithery.ai.'
          : '';
      throw new SmitheryError(
        `The Smithery registry answered ${response.status}: ${text.slice(0, 200).replace(/\s+/g, ' ')}${hint}`,
      );
    }
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      throw new SmitheryError(`The Smithery registry sent something that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  return {
    baseUrl,
    async search(query, searchOptions = {}) {
      const page = Math.max(1, Math.floor(searchOptions.page ?? 1));
      const pageSize = Math.min(50, Math.max(1, Math.floor(searchOptions.pageSize ?? 10)));
      const params = new URLSearchParams({ q: query, page: String(page), pageSize: String(pageSize) });
      const { status, body } = await request(`/servers?${params}`);
      if (status === 404)
        throw new SmitheryError(`The Smithery registry at ${baseUrl} has no /servers endpoint.`);
      const parsed = SearchResponse.safeParse(body);
      if (!parsed.success) {
        throw new SmitheryError(
          `Unexpected search response from the Smithery registry: ${parsed.error.issues[0]?.message}`,
        );
      }
      const servers = parsed.data.servers.map((s) => ({
        qualifiedName: s.qualifiedName,
        displayName: s.displayName || s.qualifiedName,
        description: s.description ?? '',
        ...(s.iconUrl ? { iconUrl: s.iconUrl } : {}),
        ...(s.homepage ? { homepage: s.homepage } : {}),
        verified: s.verified ?? false,
        useCount: s.useCount ?? 0,
        remote: s.remote ?? false,
        ...(s.createdAt ? { createdAt: s.createdAt } : {}),
      }));
      return {
        servers,
        totalCount: parsed.data.pagination?.totalCount ?? servers.length,
        page: parsed.data.pagination?.currentPage ?? page,
        pageSize: parsed.data.pagination?.pageSize ?? pageSize,
      };
    },
    async getServer(qualifiedName) {
      const path = qualifiedName.split('/').map(encodeURIComponent).join('/').replace(/%40/g, '@');
      const { status, body } = await request(`/servers/${path}`);
      if (status === 404) return undefined;
      const parsed = ServerDetail.safeParse(body);
      if (!parsed.success) {
        throw new SmitheryError(
          `Unexpected server details from the Smithery registry: ${parsed.error.issues[0]?.message}`,
        );
      }
      const d = parsed.data;
      const http = d.connections?.find((c) => c.type === 'http' && c.deploymentUrl);
      const deploymentUrl = http?.deploymentUrl ?? d.deploymentUrl ?? undefined;
      return {
        qualifiedName: d.qualifiedName,
        displayName: d.displayName || d.qualifiedName,
        description: d.description ?? '',
        remote: d.remote ?? Boolean(deploymentUrl),
        ...(deploymentUrl ? { deploymentUrl } : {}),
        connectionTypes: (d.connections ?? []).map((c) => c.type),
      };
    },
  };
}

/** The `smithery_search` tool's text: 10 results, then how to install. */
export function formatSmitherySearch(query: string, result: SmitherySearchResult): string {
  if (result.servers.length === 0) return `No Smithery servers found for "${query}".`;
  const lines = [`Smithery servers for "${query}" (${result.totalCount} found):`, ''];
  for (const server of result.servers.slice(0, 10)) {
    const verified = server.verified ? ' ✓' : '';
    const uses = server.useCount ? ` · ${server.useCount.toLocaleString('en-US')} uses` : '';
    const hosted = server.remote ? ' · hosted' : '';
    const description = server.description.replace(/\s+/g, ' ').slice(0, 80);
    lines.push(
      `• **${server.qualifiedName}**${verified}${uses}${hosted}${description ? ` — ${description}` : ''}`,
    );
  }
  lines.push(
    '',
    'An admin can install one with mcp_install: source "smithery:<name>" runs it locally (stdio); "smithery-hosted:<name>" connects to the hosted server (needs OAuth: mcp_oauth_start).',
  );
  return lines.join('\n');
}
