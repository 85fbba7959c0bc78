/**
 * OAuth for remote MCP servers (spec §5.6), on the SDK's `auth()`: start (discovery, dynamic registration, PKCE,
 * a `state` remembered for 15 minutes), complete (state checked, code exchanged, server connected), status,
 * manual tokens, and refresh of expired tokens before connecting. The redirect is
 * `<CLARA_API_URL>/oauth/mcp/callback` when CLARA_API_URL is set, else out-of-band (the user pastes the code).
 */
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpConfigStore, RemoteMcpServerConfig } from '../config/index.js';
import { ClaraOAuthProvider, OOB_REDIRECT_URI, REFRESH_MARGIN_MS } from './provider.js';
import type { OAuthStateStore } from './state-store.js';

export const OAUTH_CALLBACK_PATH = '/oauth/mcp/callback';

export class McpOAuthError extends Error {
  override name = 'McpOAuthError';
}

export interface McpOAuthOptions {
  states: OAuthStateStore;
  configs: McpConfigStore;
  /** CLARA_API_URL: public base of our web server; unset = out-of-band codes. */
  apiBaseUrl?: string;
  /** Connects (starts) a server after authorization; resolves with its tool count. Wired to the MCP manager. */
  connect?: (server: string) => Promise<number>;
  fetch?: FetchLike;
  now?: () => Date;
}

export interface OAuthStartResult {
  server: string;
  authorizationUrl: string;
  redirectUri: string;
  oob: boolean;
  expiresAt: string;
}

export interface OAuthCompleteResult {
  server: string;
  connected: boolean;
  toolCount?: number;
  /** Why connecting after authorization failed (the tokens are saved anyway). */
  connectError?: string;
}

export interface OAuthStatus {
  server: string;
  sourceType: string;
  url: string;
  status: string;
  authorized: boolean;
  expiresAt?: string;
  expired: boolean;
  canRefresh: boolean;
  pending: boolean;
  authorizationUrl?: string;
}

export interface McpOAuth {
  readonly defaultRedirectUri: string;
  start(server: string, options?: { redirectUri?: string }): Promise<OAuthStartResult>;
  /** `code` may be the bare code or the whole redirect URL / query string (then its state is checked too). */
  complete(
    server: string,
    options: { code: string; state?: string; redirectUri?: string },
  ): Promise<OAuthCompleteResult>;
  /** The callback route: the state (required) names the server. */
  completeCallback(params: { code: string; state: string }): Promise<OAuthCompleteResult>;
  status(server: string): Promise<OAuthStatus>;
  setToken(server: string, accessToken: string, refreshToken?: string): Promise<OAuthCompleteResult>;
  /** The provider a live connection uses (may refresh, never starts an authorization). */
  authProvider(server: string, serverUrl: string): ClaraOAuthProvider;
  /** Refreshes the tokens first when they are (about to be) expired and a refresh token exists. */
  refreshIfExpired(server: string, serverUrl: string): Promise<boolean>;
  /** Whether stored tokens exist for the server. */
  hasTokens(server: string): Promise<boolean>;
  /** Deletes the server's OAuth state (client registration, tokens); for uninstall. */
  forget(server: string): Promise<void>;
}

export function createMcpOAuth(options: McpOAuthOptions): McpOAuth {
  const { states, configs } = options;
  const now = options.now ?? (() => new Date());
  const defaultRedirectUri = options.apiBaseUrl
    ? `${options.apiBaseUrl.replace(/\/+$/, '')}${OAUTH_CALLBACK_PATH}`
    : OOB_REDIRECT_URI;

  async function remoteConfig(server: string): Promise<RemoteMcpServerConfig> {
    const config = await configs.get(server);
    if (!config) throw new McpOAuthError(`There is no MCP server named "${server}" (see mcp_list).`);
    if (config.type !== 'remote') {
      throw new McpOAuthError(
        `"${server}" is a local (stdio) server; OAuth is only for remote (hosted) servers.`,
      );
    }
    return config;
  }

  function checkRedirect(uri: string): string {
    if (uri === OOB_REDIRECT_URI) return uri;
    try {
      const url = new URL(uri);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.toString();
    } catch {
      // fall through
    }
    throw new McpOAuthError(`redirect_uri "${uri}" must be an http(s) URL or ${OOB_REDIRECT_URI}.`);
  }

  async function connectAfterAuth(server: string): Promise<OAuthCompleteResult> {
    await configs.update(server, {
      status: 'stopped',
      lastError: undefined,
      lastErrorAt: undefined,
      oauthRequired: true,
    });
    if (!options.connect) return { server, connected: false };
    try {
      const toolCount = await options.connect(server);
      return { server, connected: true, toolCount };
    } catch (error) {
      return {
        server,
        connected: false,
        connectError: error instanceof Error ? error.message : String(error),
      };
    }
  }

  async function exchange(
    server: string,
    code: string,
    givenState: string | undefined,
    redirectUri?: string,
  ) {
    const config = await remoteConfig(server);
    const state = await states.get(server);
    if (!state?.pendingState || !state.codeVerifier) {
      throw new McpOAuthError(
        `No authorization is in progress for "${server}". Start one with mcp_oauth_start.`,
      );
    }
    if (state.pendingExpiresAt && Date.parse(state.pendingExpiresAt) < now().getTime()) {
      throw new McpOAuthError(
        `The authorization for "${server}" expired (15 minutes). Start again with mcp_oauth_start.`,
      );
    }
    if (givenState !== undefined && givenState !== state.pendingState) {
      throw new McpOAuthError(
        `The OAuth state does not match the authorization started for "${server}"; the code was refused. Start again with mcp_oauth_start.`,
      );
    }
    const redirect = checkRedirect(redirectUri ?? state.redirectUri ?? defaultRedirectUri);
    const provider = new ClaraOAuthProvider({
      store: states,
      server,
      serverUrl: config.url,
      redirectUri: redirect,
      mode: 'authorize',
      now,
      fetch: options.fetch,
    });
    try {
      await auth(provider, { serverUrl: config.url, authorizationCode: code, fetchFn: options.fetch });
    } catch (error) {
      throw new McpOAuthError(`The code exchange for "${server}" failed: ${describe(error)}`);
    }
    return connectAfterAuth(server);
  }

  return {
    defaultRedirectUri,

    async start(server, startOptions = {}) {
      const config = await remoteConfig(server);
      const redirectUri = checkRedirect(startOptions.redirectUri ?? defaultRedirectUri);
      await states.update(server, config.url, (s) => {
        const next = { ...s, serverUrl: config.url, redirectUri };
        // A client registered for another redirect URI (or another server URL) cannot be reused.
        if (s.redirectUri !== redirectUri || s.serverUrl !== config.url) delete next.clientInformation;
        if (s.serverUrl !== config.url) delete next.discovery;
        delete next.tokens;
        delete next.expiresAt;
        delete next.codeVerifier;
        return next;
      });
      const provider = new ClaraOAuthProvider({
        store: states,
        server,
        serverUrl: config.url,
        redirectUri,
        mode: 'authorize',
        now,
        fetch: options.fetch,
      });
      let result: string;
      try {
        result = await auth(provider, { serverUrl: config.url, fetchFn: options.fetch });
      } catch (error) {
        throw new McpOAuthError(`OAuth could not start for "${server}" (${config.url}): ${describe(error)}`);
      }
      if (result === 'AUTHORIZED' || !provider.authorizationUrl) {
        throw new McpOAuthError(
          `The authorization server of "${server}" did not ask for a browser authorization.`,
        );
      }
      const saved = await states.get(server);
      await configs.update(server, {
        status: 'pending_auth',
        oauthRequired: true,
        lastError: 'Waiting for OAuth authorization (mcp_oauth_complete, or the browser callback).',
        lastErrorAt: now().toISOString(),
      });
      return {
        server,
        authorizationUrl: provider.authorizationUrl.toString(),
        redirectUri,
        oob: redirectUri === OOB_REDIRECT_URI,
        expiresAt: saved?.pendingExpiresAt ?? '',
      };
    },

    async complete(server, completeOptions) {
      const { code, state } = splitPastedCode(completeOptions.code);
      const givenState = completeOptions.state ?? state;
      if (!code)
        throw new McpOAuthError(
          'code is empty: paste the authorization code shown after you approved access.',
        );
      return exchange(server, code, givenState, completeOptions.redirectUri);
    },

    async completeCallback(params) {
      if (!params.state)
        throw new McpOAuthError('The callback has no state parameter; the request was refused.');
      const server = await states.findByPendingState(params.state);
      if (!server) {
        throw new McpOAuthError(
          'Unknown or expired OAuth state; start the authorization again with mcp_oauth_start.',
        );
      }
      return exchange(server, params.code, params.state);
    },

    async status(server) {
      const config = await remoteConfig(server);
      const state = await states.get(server);
      const tokens = state?.tokens as { access_token?: string; refresh_token?: string } | undefined;
      const expired = state?.expiresAt ? Date.parse(state.expiresAt) <= now().getTime() : false;
      const pending = Boolean(
        state?.pendingState &&
          (!state.pendingExpiresAt || Date.parse(state.pendingExpiresAt) > now().getTime()),
      );
      return {
        server,
        sourceType: config.sourceType,
        url: config.url,
        status: config.status,
        authorized: Boolean(tokens?.access_token),
        ...(state?.expiresAt ? { expiresAt: state.expiresAt } : {}),
        expired,
        canRefresh: Boolean(tokens?.refresh_token),
        pending,
        ...(pending && state?.authorizationUrl ? { authorizationUrl: state.authorizationUrl } : {}),
      };
    },

    async setToken(server, accessToken, refreshToken) {
      const config = await remoteConfig(server);
      if (!accessToken.trim()) throw new McpOAuthError('access_token is empty.');
      await states.update(server, config.url, (s) => {
        const next = {
          ...s,
          tokens: {
            access_token: accessToken.trim(),
            token_type: 'Bearer',
            ...(refreshToken?.trim() ? { refresh_token: refreshToken.trim() } : {}),
          },
        };
        delete next.expiresAt;
        delete next.pendingState;
        delete next.pendingExpiresAt;
        delete next.codeVerifier;
        delete next.authorizationUrl;
        return next;
      });
      return connectAfterAuth(server);
    },

    authProvider(server, serverUrl) {
      return new ClaraOAuthProvider({
        store: states,
        server,
        serverUrl,
        redirectUri: defaultRedirectUri,
        mode: 'connect',
        now,
        fetch: options.fetch,
      });
    },

    async refreshIfExpired(server, serverUrl) {
      const before = await states.get(server);
      if (!before?.expiresAt || Date.parse(before.expiresAt) - REFRESH_MARGIN_MS > now().getTime())
        return false;
      await this.authProvider(server, serverUrl).tokens();
      const after = await states.get(server);
      return after?.expiresAt !== before.expiresAt;
    },

    forget(server) {
      return states.remove(server);
    },

    async hasTokens(server) {
      const state = await states.get(server).catch(() => undefined);
      return Boolean((state?.tokens as { access_token?: string } | undefined)?.access_token);
    },
  };
}

/** Accepts a bare code, a query string (`code=…&state=…`) or a whole redirect URL. */
function splitPastedCode(text: string): { code: string; state?: string } {
  const trimmed = text.trim();
  const query = trimmed.includes('?') ? trimmed.slice(trimmed.indexOf('?') + 1) : trimmed;
  if (/(^|&)code=/.test(query)) {
    const params = new URLSearchParams(query.split('#')[0]);
    const state = params.get('state') ?? undefined;
    return { code: params.get('code') ?? '', ...(state ? { state } : {}) };
  }
  return { code: trimmed };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { errorCode?: string }).errorCode;
  return code ? `${code}: ${error.message}` : error.message;
}
