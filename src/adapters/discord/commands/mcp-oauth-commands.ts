/**
 * `/mcp oauth_*`: authorizing hosted (remote) MCP servers through the real OAuth flow (src/mcp/oauth). The
 * original looked hosted servers up among local configs and always answered "not found"; these use the same
 * server configs as everything else. Starting, completing and setting tokens connect a server for everyone, so
 * they need an admin; the answers are ephemeral and never show a token or code.
 */
import { clip, statusEmbed, successEmbed, warningEmbed } from './embeds.js';
import type { HandlerTable } from './handler.js';

export const mcpOAuthHandlers: HandlerTable = {
  'mcp oauth_start': {
    level: 'admin',
    audited: true,
    async run(ctx, options) {
      const server = options.getString('server', true);
      await ctx.defer(true);
      const started = await ctx.deps.mcp.oauth.start(server);
      const next = started.oob
        ? `2. After approving, copy the code shown and run \`/mcp oauth_complete server:${server} code:<code>\`.`
        : `2. After approving you are sent back to Clara and the server connects by itself. If that page shows a code instead, run \`/mcp oauth_complete server:${server} code:<code>\`.`;
      await ctx.send({
        embeds: [
          statusEmbed(`🔐 Authorize ${server}`, [], {
            description: `1. Open this link and approve access:\n${started.authorizationUrl}\n${next}`,
            footer: `The link is valid until ${started.expiresAt}.`,
          }),
        ],
      });
      return { target: server, message: 'authorization started' };
    },
  },
  'mcp oauth_complete': {
    level: 'admin',
    audited: true,
    async run(ctx, options) {
      const server = options.getString('server', true);
      const code = options.getString('code', true).trim();
      await ctx.defer(true);
      const result = await ctx.deps.mcp.oauth.complete(server, { code });
      if (result.connected) {
        await ctx.send({
          embeds: [successEmbed(`Authorized ${server}`, `Connected with ${result.toolCount ?? 0} tools.`)],
        });
        return { target: server, message: `authorized, ${result.toolCount ?? 0} tools` };
      }
      await ctx.send({
        embeds: [
          warningEmbed(
            `Authorized ${server}, but it did not connect`,
            `The tokens are saved. ${clip(result.connectError ?? '', 500)}\nTry \`/mcp restart server:${server}\`.`,
          ),
        ],
      });
      return {
        target: server,
        result: 'error',
        message: `authorized, not connected: ${result.connectError ?? ''}`,
      };
    },
  },
  'mcp oauth_status': {
    level: 'any',
    async run(ctx, options) {
      const server = options.getString('server', true);
      await ctx.defer(true);
      const status = await ctx.deps.mcp.oauth.status(server);
      await ctx.send({
        embeds: [
          statusEmbed(`🔐 OAuth: ${server}`, [
            { name: 'Type', value: status.sourceType, inline: true },
            { name: 'Status', value: status.status, inline: true },
            { name: 'Authorized', value: status.authorized ? '✅' : '❌', inline: true },
            { name: 'Expires', value: status.expiresAt ?? '—', inline: true },
            {
              name: 'Token',
              value: !status.authorized
                ? '—'
                : status.expired
                  ? status.canRefresh
                    ? 'expired (will refresh)'
                    : 'expired'
                  : 'valid',
              inline: true,
            },
            ...(status.pending
              ? [{ name: 'Pending', value: 'An authorization was started and not finished yet.' }]
              : []),
          ]),
        ],
      });
      return undefined;
    },
  },
  'mcp oauth_set_token': {
    level: 'admin',
    audited: true,
    async run(ctx, options) {
      const server = options.getString('server', true);
      const accessToken = options.getString('access_token', true).trim();
      const refreshToken = options.getString('refresh_token')?.trim() || undefined;
      await ctx.defer(true);
      const result = await ctx.deps.mcp.oauth.setToken(server, accessToken, refreshToken);
      await ctx.send({
        embeds: [
          result.connected
            ? successEmbed(`Token stored for ${server}`, `Connected with ${result.toolCount ?? 0} tools.`)
            : warningEmbed(
                `Token stored for ${server}, but it did not connect`,
                clip(result.connectError ?? '', 500),
              ),
        ],
      });
      return {
        target: server,
        result: result.connected ? 'ok' : 'error',
        message: result.connected
          ? 'token stored, connected'
          : `token stored, not connected: ${result.connectError ?? ''}`,
      };
    },
  },
};
