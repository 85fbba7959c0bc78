/**
 * The SDK's `OAuthClientProvider` for one remote server, backed by the encrypted state store: the SDK does
 * discovery, dynamic client registration, PKCE, the code exchange and refresh; this class keeps what it produces,
 * generates the `state`, and records when tokens expire.
 */
import { randomBytes } from 'node:crypto';
import {
  auth,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  UnauthorizedError,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { OAuthState, OAuthStateStore } from './state-store.js';

export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';
export const CLIENT_NAME = 'Clara AI Assistant';
export const CLIENT_URI = 'https://github.com/BangRocket/mypalclara';
/** How long a started authorization may take before its state is refused. */
export const PENDING_TTL_MS = 15 * 60_000;
/** Tokens this close to expiry are refreshed before use. */
export const REFRESH_MARGIN_MS = 60_000;

export class ClaraOAuthProvider implements OAuthClientProvider {
  /** Set when the SDK asks to send the user to the authorization server. */
  authorizationUrl: URL | undefined;

  private readonly store: OAuthStateStore;
  private readonly server: string;
  private readonly serverUrl: string;
  private readonly redirectUri: string | undefined;
  private readonly mode: 'connect' | 'authorize';
  private readonly now: () => Date;
  private readonly fetchFn: FetchLike | undefined;
  private refreshing = false;

  constructor(options: {
    store: OAuthStateStore;
    server: string;
    serverUrl: string;
    redirectUri: string | undefined;
    /** `connect`: used by live connections, which may refresh tokens but never start a new authorization. */
    mode: 'connect' | 'authorize';
    now?: () => Date;
    fetch?: FetchLike;
  }) {
    this.store = options.store;
    this.server = options.server;
    this.serverUrl = options.serverUrl;
    this.redirectUri = options.redirectUri;
    this.mode = options.mode;
    this.now = options.now ?? (() => new Date());
    this.fetchFn = options.fetch;
  }

  get redirectUrl(): string | undefined {
    return this.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: CLIENT_NAME,
      client_uri: CLIENT_URI,
      redirect_uris: this.redirectUri ? [this.redirectUri] : [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  private get(): Promise<OAuthState | undefined> {
    return this.store.get(this.server);
  }

  private update(change: (state: OAuthState) => OAuthState): Promise<OAuthState> {
    return this.store.update(this.server, this.serverUrl, change);
  }

  async state(): Promise<string> {
    if (this.mode === 'connect') throw this.needsAuthorization();
    const state = randomBytes(16).toString('base64url');
    await this.update((s) => ({
      ...s,
      pendingState: state,
      pendingExpiresAt: new Date(this.now().getTime() + PENDING_TTL_MS).toISOString(),
    }));
    return state;
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const info = (await this.get())?.clientInformation;
    // A live connection never registers a client as a side effect: that belongs to mcp_oauth_start.
    if (!info && this.mode === 'connect') throw this.needsAuthorization();
    return info as OAuthClientInformationMixed | undefined;
  }

  private needsAuthorization(): UnauthorizedError {
    return new UnauthorizedError(
      `The MCP server "${this.server}" needs authorization (401): an admin should run mcp_oauth_start for it.`,
    );
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    await this.update((s) => ({ ...s, clientInformation: { ...info } }));
  }

  /** In connect mode, tokens at (or near) expiry are refreshed first, so the request carries a valid one. */
  async tokens(): Promise<OAuthTokens | undefined> {
    const state = await this.get();
    const tokens = state?.tokens as OAuthTokens | undefined;
    if (this.mode !== 'connect' || this.refreshing || !tokens?.refresh_token || !state?.expiresAt)
      return tokens;
    if (Date.parse(state.expiresAt) - REFRESH_MARGIN_MS > this.now().getTime()) return tokens;
    this.refreshing = true;
    try {
      await auth(this, { serverUrl: this.serverUrl, fetchFn: this.fetchFn });
    } catch {
      // The stored token is sent as is; a 401 then takes the SDK's own refresh path or marks pending_auth.
    } finally {
      this.refreshing = false;
    }
    return (await this.get())?.tokens as OAuthTokens | undefined;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    const at = this.now().getTime();
    await this.update((s) => {
      const previous = s.tokens as OAuthTokens | undefined;
      // A refresh response without a new refresh token keeps the old one.
      const merged: OAuthTokens = {
        ...tokens,
        ...(tokens.refresh_token || !previous?.refresh_token
          ? {}
          : { refresh_token: previous.refresh_token }),
      };
      const {
        codeVerifier: _verifier,
        pendingState: _state,
        pendingExpiresAt: _exp,
        authorizationUrl: _url,
        ...rest
      } = s;
      return {
        ...rest,
        tokens: { ...merged },
        ...(typeof tokens.expires_in === 'number'
          ? { expiresAt: new Date(at + tokens.expires_in * 1000).toISOString() }
          : { expiresAt: undefined }),
      };
    });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (this.mode === 'connect') return;
    this.authorizationUrl = authorizationUrl;
    await this.update((s) => ({ ...s, authorizationUrl: authorizationUrl.toString() }));
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    if (this.mode === 'connect') return;
    await this.update((s) => ({ ...s, codeVerifier }));
  }

  async codeVerifier(): Promise<string> {
    const verifier = (await this.get())?.codeVerifier;
    if (!verifier)
      throw new Error('No authorization is in progress for this server (start it with mcp_oauth_start).');
    return verifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    await this.update((s) => {
      const next = { ...s };
      if (scope === 'all' || scope === 'client') delete next.clientInformation;
      if (scope === 'all' || scope === 'tokens') {
        delete next.tokens;
        delete next.expiresAt;
      }
      if (scope === 'all' || scope === 'verifier') delete next.codeVerifier;
      if (scope === 'all' || scope === 'discovery') delete next.discovery;
      return next;
    });
  }

  async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    await this.update((s) => ({
      ...s,
      discovery: JSON.parse(JSON.stringify(state)) as Record<string, unknown>,
    }));
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.get())?.discovery as OAuthDiscoveryState | undefined;
  }
}
