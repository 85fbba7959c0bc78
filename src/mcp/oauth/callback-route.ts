/**
 * `GET /oauth/mcp/callback`: where the authorization server sends the browser back. The `state` names the pending
 * authorization (and is required); the code is exchanged, the server connected, and a small page says what
 * happened. Nothing secret is echoed back.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type McpOAuth, OAUTH_CALLBACK_PATH } from './flow.js';

const Query = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

export function oauthCallbackRoute(oauth: McpOAuth) {
  return (app: FastifyInstance) => {
    app.get(OAUTH_CALLBACK_PATH, async (request, reply) => {
      const parsed = Query.safeParse(request.query);
      const page = (status: number, title: string, text: string) =>
        reply
          .code(status)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          .send(
            `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
              `<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
          );
      if (!parsed.success) return page(400, 'Authorization failed', 'The callback parameters are not valid.');
      const { code, state, error, error_description: description } = parsed.data;
      if (error) {
        return page(
          400,
          'Authorization refused',
          `The authorization server answered "${error}"${description ? `: ${description}` : ''}.`,
        );
      }
      if (!code || !state) {
        return page(400, 'Authorization failed', 'The callback needs both code and state parameters.');
      }
      try {
        const result = await oauth.completeCallback({ code, state });
        const text = result.connected
          ? `The MCP server "${result.server}" is authorized and connected (${result.toolCount ?? 0} tools). You can close this page.`
          : `The MCP server "${result.server}" is authorized, but connecting failed${result.connectError ? `: ${result.connectError}` : ''}. Try mcp_restart.`;
        return page(200, 'Authorized', text);
      } catch (err) {
        request.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'MCP OAuth callback refused',
        );
        return page(400, 'Authorization failed', err instanceof Error ? err.message : String(err));
      }
    });
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
