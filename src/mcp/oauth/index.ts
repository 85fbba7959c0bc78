export { oauthCallbackRoute } from './callback-route.js';
export {
  createMcpOAuth,
  type McpOAuth,
  McpOAuthError,
  type McpOAuthOptions,
  OAUTH_CALLBACK_PATH,
  type OAuthCompleteResult,
  type OAuthStartResult,
  type OAuthStatus,
} from './flow.js';
export { ClaraOAuthProvider, OOB_REDIRECT_URI } from './provider.js';
export {
  createOAuthStateStore,
  type OAuthState,
  OAuthStateError,
  type OAuthStateStore,
} from './state-store.js';
export { mcpOAuthTools } from './tools.js';
