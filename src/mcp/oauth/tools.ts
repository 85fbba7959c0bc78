/**
 * Model tools for OAuth of hosted MCP servers: start, complete and manual tokens (admins only: authorizing connects
 * the server for everyone, with the token of whoever signed in, as the `/mcp oauth_*` slash commands require), and
 * status (everyone: it reads nothing secret).
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../tools/index.js';
import type { McpOAuth } from './flow.js';

const serverName = z.string().min(1).max(64).describe('Name of the installed remote server.');
const redirectUri = z
  .string()
  .max(500)
  .optional()
  .describe("Redirect URI (default: Clara's callback or out-of-band).");

export function mcpOAuthTools(oauth: McpOAuth): ToolDefinition[] {
  const start = defineTool({
    name: 'mcp_oauth_start',
    description:
      'Admin only: start OAuth authorization of a hosted (remote) MCP server: returns the link the user must open to grant access.',
    adminOnly: true,
    emoji: '🔑',
    schema: z.object({ server_name: serverName, redirect_uri: redirectUri }),
    async run(args, context) {
      const result = await oauth.start(
        args.server_name,
        args.redirect_uri ? { redirectUri: args.redirect_uri } : {},
      );
      context.link?.({ label: `Authorize ${result.server}`, url: result.authorizationUrl });
      const steps = [
        `Authorization of "${result.server}":`,
        `1. Open this link and approve access: ${result.authorizationUrl}`,
        result.oob
          ? '2. Copy the authorization code shown at the end and give it back (mcp_oauth_complete with server_name and code).'
          : '2. After you approve, your browser returns to Clara and the server connects by itself.',
        `3. The link is valid until ${result.expiresAt}.`,
      ];
      return steps.join('\n');
    },
  });

  const complete = defineTool({
    name: 'mcp_oauth_complete',
    description:
      'Admin only: finish OAuth of a hosted MCP server with the authorization code the user pasted (or the whole redirect URL).',
    adminOnly: true,
    emoji: '🔑',
    schema: z.object({
      server_name: serverName,
      code: z.string().min(1).max(4096).describe('The authorization code, or the full redirect URL.'),
      redirect_uri: redirectUri,
    }),
    async run(args) {
      const result = await oauth.complete(args.server_name, {
        code: args.code,
        ...(args.redirect_uri ? { redirectUri: args.redirect_uri } : {}),
      });
      return result.connected
        ? `"${result.server}" is authorized and connected with ${result.toolCount ?? 0} tools.`
        : `"${result.server}" is authorized (tokens saved) but failed to connect${result.connectError ? `: ${result.connectError}` : ''}.`;
    },
  });

  const status = defineTool({
    name: 'mcp_oauth_status',
    description: 'Show the OAuth state of a remote MCP server: authorized or not, token expiry.',
    emoji: '🔑',
    schema: z.object({ server_name: serverName }),
    async run(args) {
      const s = await oauth.status(args.server_name);
      const lines = [
        `**${s.server}** (${s.sourceType})`,
        `URL: ${s.url}`,
        `Status: ${s.status}`,
        `Authorized: ${s.authorized ? '✅' : '❌'}`,
      ];
      if (s.expiresAt) {
        lines.push(
          `Token expires: ${s.expiresAt} (${s.expired ? (s.canRefresh ? 'expired, will auto-refresh' : 'expired, authorize again') : 'valid'})`,
        );
      } else if (s.authorized) lines.push('Token expiry: none given');
      if (s.pending) lines.push(`Authorization in progress: ${s.authorizationUrl ?? ''}`);
      return lines.join('\n');
    },
  });

  const setToken = defineTool({
    name: 'mcp_oauth_set_token',
    description:
      'Store OAuth tokens for a remote MCP server by hand (when the browser flow cannot be used), then connect. Admins only.',
    adminOnly: true,
    emoji: '🔑',
    schema: z.object({
      server_name: serverName,
      access_token: z.string().min(1).max(8192),
      refresh_token: z.string().max(8192).optional(),
    }),
    status: (args) => `Saving a token for ${args.server_name}…`,
    async run(args) {
      const result = await oauth.setToken(args.server_name, args.access_token, args.refresh_token);
      return result.connected
        ? `Token saved; "${result.server}" is connected with ${result.toolCount ?? 0} tools.`
        : `Token saved for "${result.server}", but connecting failed${result.connectError ? `: ${result.connectError}` : ''}.`;
    },
  });
  return [start, complete, status, setToken] as ToolDefinition[];
}
