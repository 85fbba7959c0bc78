/**
 * OAuth test doubles on 127.0.0.1, speaking the real protocols so the MCP SDK's OAuth client runs end to end:
 *
 * - `startFakeAuthServer()`: an OAuth 2.1 authorization server — RFC 8414 metadata, RFC 7591 dynamic client
 *   registration, `/authorize` (auto-approves: redirects to the client's redirect URI with code + state, or shows
 *   the code for the out-of-band URI), `/token` with PKCE S256 verification, and refresh tokens. `expireAccessTokens()`
 *   makes every issued access token invalid (as if its lifetime had passed) without waiting.
 * - `startFakeHostedMcp()`: a Streamable HTTP MCP server (the SDK's own server pieces) that requires a Bearer token
 *   the auth server issued, answers 401 with RFC 9728 protected-resource metadata otherwise.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface FakeAuthServer {
  readonly url: string;
  /** Every request: method, path and (for POST) the form/JSON body. */
  readonly requests: Array<{ method: string; path: string; body: Record<string, unknown> }>;
  readonly clients: Map<string, { redirect_uris: string[] }>;
  /** Lifetime given to new access tokens (expires_in). */
  accessTokenSeconds: number;
  isValidAccessToken(token: string): boolean;
  expireAccessTokens(): void;
  /** Counts of grants served. */
  grants: { authorization_code: number; refresh_token: number };
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(text);
  return Object.fromEntries(new URLSearchParams(text));
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startFakeAuthServer(): Promise<FakeAuthServer> {
  const requests: FakeAuthServer['requests'] = [];
  const clients = new Map<string, { redirect_uris: string[] }>();
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string }>();
  const accessTokens = new Set<string>();
  const refreshTokens = new Map<string, string>();
  let base = '';
  const state = {
    accessTokenSeconds: 3600,
    grants: { authorization_code: 0, refresh_token: 0 },
  };
  const issue = (clientId: string) => {
    const access = `at-${randomBytes(12).toString('hex')}`;
    const refresh = `rt-${randomBytes(12).toString('hex')}`;
    accessTokens.add(access);
    refreshTokens.set(refresh, clientId);
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: state.accessTokenSeconds,
      refresh_token: refresh,
    };
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const body = req.method === 'POST' ? await readBody(req) : {};
    requests.push({ method: req.method ?? 'GET', path: url.pathname, body });
    if (url.pathname === '/.well-known/oauth-authorization-server') {
      return json(res, 200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        registration_endpoint: `${base}/register`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      });
    }
    if (url.pathname === '/register' && req.method === 'POST') {
      const redirects = body.redirect_uris;
      if (!Array.isArray(redirects) || redirects.length === 0) {
        return json(res, 400, { error: 'invalid_redirect_uri', error_description: 'redirect_uris required' });
      }
      const clientId = `client-${randomBytes(6).toString('hex')}`;
      clients.set(clientId, { redirect_uris: redirects as string[] });
      return json(res, 201, {
        ...body,
        client_id: clientId,
        client_id_issued_at: Math.floor(Date.now() / 1000),
      });
    }
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      const client = clients.get(p.get('client_id') ?? '');
      const redirectUri = p.get('redirect_uri') ?? '';
      if (!client?.redirect_uris.includes(redirectUri)) {
        return json(res, 400, {
          error: 'invalid_request',
          error_description: 'unknown client or redirect_uri',
        });
      }
      if (
        p.get('response_type') !== 'code' ||
        p.get('code_challenge_method') !== 'S256' ||
        !p.get('code_challenge')
      ) {
        return json(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 required' });
      }
      const code = `code-${randomBytes(8).toString('hex')}`;
      codes.set(code, { clientId: p.get('client_id')!, redirectUri, challenge: p.get('code_challenge')! });
      if (redirectUri === 'urn:ietf:wg:oauth:2.0:oob') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(`<p>Your code: <code id="code">${code}</code></p>`);
      }
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      if (p.get('state')) target.searchParams.set('state', p.get('state')!);
      res.writeHead(302, { location: target.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      if (body.grant_type === 'authorization_code') {
        const entry = codes.get(String(body.code));
        codes.delete(String(body.code));
        const verifier = String(body.code_verifier ?? '');
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (
          !entry ||
          entry.clientId !== body.client_id ||
          entry.redirectUri !== body.redirect_uri ||
          entry.challenge !== challenge
        ) {
          return json(res, 400, {
            error: 'invalid_grant',
            error_description: 'bad code, client, redirect or verifier',
          });
        }
        state.grants.authorization_code++;
        return json(res, 200, issue(entry.clientId));
      }
      if (body.grant_type === 'refresh_token') {
        const clientId = refreshTokens.get(String(body.refresh_token));
        if (!clientId || clientId !== body.client_id) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
        }
        refreshTokens.delete(String(body.refresh_token));
        state.grants.refresh_token++;
        return json(res, 200, issue(clientId));
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    clients,
    get accessTokenSeconds() {
      return state.accessTokenSeconds;
    },
    set accessTokenSeconds(value: number) {
      state.accessTokenSeconds = value;
    },
    grants: state.grants,
    isValidAccessToken: (token) => accessTokens.has(token),
    expireAccessTokens: () => accessTokens.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface FakeHostedMcp {
  /** The MCP endpoint, e.g. http://127.0.0.1:N/mcp */
  readonly url: string;
  /** Authorization headers of MCP requests ('' when none). */
  readonly authHeaders: string[];
  close(): Promise<void>;
}

export async function startFakeHostedMcp(options: {
  auth?: FakeAuthServer;
  /** A static token accepted besides the auth server's (e.g. SMITHERY_ACCESS_TOKEN tests). */
  staticToken?: string;
}): Promise<FakeHostedMcp> {
  const authHeaders: string[] = [];
  let base = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname.startsWith('/.well-known/oauth-protected-resource')) {
      return json(res, 200, {
        resource: `${base}/mcp`,
        authorization_servers: options.auth ? [options.auth.url] : [],
        bearer_methods_supported: ['header'],
      });
    }
    if (url.pathname !== '/mcp') return json(res, 404, { error: 'not_found' });
    const header = req.headers.authorization ?? '';
    authHeaders.push(header);
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const valid =
      (options.staticToken && token === options.staticToken) || options.auth?.isValidAccessToken(token);
    if (!valid) {
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer error="invalid_token", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
      });
      return res.end(JSON.stringify({ error: 'invalid_token' }));
    }
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    const mcp = new McpServer({ name: 'fake-hosted', version: '1.0.0' });
    mcp.registerTool(
      'weather',
      { description: 'Tells the weather of a city', inputSchema: { city: z.string() } },
      async ({ city }) => ({ content: [{ type: 'text', text: `Sunny in ${city}` }] }),
    );
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/mcp`,
    authHeaders,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
