/**
 * `clara mcp oauth-start|oauth-complete|oauth-status <server>`: OAuth of hosted MCP servers from the terminal. The
 * state is on disk, so with CLARA_API_URL a flow started here is completed by the running Clara's callback route.
 */
import type { Command } from 'commander';
import { CliExit } from './load.js';
import { withMcp } from './mcp.js';
import type { WithConfig } from './memory.js';

const fail = (error: unknown) => new CliExit(1, error instanceof Error ? error.message : String(error));

export function registerMcpOAuthCommands(mcp: Command, withConfig: WithConfig): void {
  mcp
    .command('oauth-start')
    .description('start OAuth of a hosted (remote) server: prints the link to open')
    .argument('<server>', 'server name')
    .action(
      withConfig((config, server: string) =>
        withMcp(config, async ({ install }) => {
          const result = await install.oauth.start(server).catch((error) => {
            throw fail(error);
          });
          process.stdout.write(`Open this link and approve access:\n${result.authorizationUrl}\n`);
          process.stdout.write(
            result.oob
              ? `Then run: clara mcp oauth-complete ${server} <code>\n`
              : 'Your browser then returns to Clara, which connects the server (Clara must be running at CLARA_API_URL).\n',
          );
          return 0;
        }),
      ),
    );

  mcp
    .command('oauth-complete')
    .description('finish OAuth with the code shown after approval (or the whole redirect URL)')
    .argument('<server>', 'server name')
    .argument('<code>', 'authorization code or redirect URL')
    .action(
      withConfig((config, server: string, code: string) =>
        withMcp(config, async ({ install }) => {
          const result = await install.oauth.complete(server, { code }).catch((error) => {
            throw fail(error);
          });
          process.stdout.write(
            result.connected
              ? `"${server}" is authorized; the test connection found ${result.toolCount ?? 0} tools. A running Clara picks it up with mcp_refresh.\n`
              : `"${server}" is authorized (tokens saved), but connecting failed: ${result.connectError ?? 'unknown error'}\n`,
          );
          return result.connected ? 0 : 1;
        }),
      ),
    );

  mcp
    .command('oauth-status')
    .description('OAuth state of a remote server: authorized, token expiry')
    .argument('<server>', 'server name')
    .action(
      withConfig((config, server: string) =>
        withMcp(config, async ({ install }) => {
          const s = await install.oauth.status(server).catch((error) => {
            throw fail(error);
          });
          const expiry = s.expiresAt
            ? `${s.expiresAt} (${s.expired ? (s.canRefresh ? 'expired, refreshed on next use' : 'expired') : 'valid'})`
            : 'none given';
          process.stdout.write(
            `${s.server} (${s.sourceType}) ${s.url}\nstatus: ${s.status}\nauthorized: ${s.authorized ? 'yes' : 'no'}\ntoken expiry: ${expiry}\n` +
              (s.pending ? `authorization in progress: ${s.authorizationUrl ?? ''}\n` : ''),
          );
          return 0;
        }),
      ),
    );
}
