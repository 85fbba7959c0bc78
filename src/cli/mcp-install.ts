/**
 * `clara mcp install <source> [--name NAME] [--arg A]… [--env KEY=VALUE]… [--verbose]`: installs an MCP server with
 * progress on stderr and the result on stdout. The server is tested (start, list tools, stop) before it is saved;
 * a running Clara picks it up with `mcp_refresh` or on restart.
 */
import type { Command } from 'commander';
import { InstallSourceError } from '../mcp/install/index.js';
import { CliExit } from './load.js';
import { withMcp } from './mcp.js';
import { registerMcpOAuthCommands } from './mcp-oauth.js';
import type { WithConfig } from './memory.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new CliExit(
        2,
        `--env expects KEY=VALUE with a variable name as KEY (got "${pair.split('=')[0]}").`,
      );
    }
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

/** Adds `install` and the `oauth-*` commands to the `clara mcp` group. */
export function registerMcpInstallCommand(mcp: Command, withConfig: WithConfig): void {
  mcp
    .command('install')
    .description(
      'install an MCP server: npm package, GitHub owner/repo or URL, git+<url> / file:// repository, docker:<image>, local path, smithery:<name> or smithery-hosted:<name>',
    )
    .argument('<source>', 'what to install')
    .option('--name <name>', 'server name (lowercase letters, digits, - and _; default from the source)')
    .option('--arg <value>', 'extra argument for the server command (repeatable)', collect)
    .option(
      '--env <KEY=VALUE>',
      'environment variable for the server, stored encrypted (repeatable)',
      collect,
    )
    .option('--verbose', 'show the output of npm, git and builds')
    .action(
      withConfig(
        (
          config,
          source: string,
          options: { name?: string; arg?: string[]; env?: string[]; verbose?: boolean },
        ) =>
          withMcp(config, async ({ install }) => {
            const env = parseEnv(options.env ?? []);
            try {
              const outcome = await install.installer.install({
                source,
                ...(options.name ? { name: options.name } : {}),
                ...(options.arg?.length ? { args: options.arg } : {}),
                ...(Object.keys(env).length ? { env } : {}),
                installedBy: config.USER_ID,
                onProgress: (event) => {
                  if (event.kind === 'step') process.stderr.write(`→ ${event.message}\n`);
                  else if (options.verbose) process.stderr.write(`  ${event.message}\n`);
                },
              });
              const { config: server, tools } = outcome;
              if (outcome.pendingAuth) {
                process.stdout.write(
                  `Installed "${server.name}" (${server.sourceType}). It needs authorization: run clara mcp oauth-start ${server.name} (or, as an admin, ask Clara to run mcp_oauth_start), or set SMITHERY_ACCESS_TOKEN and reinstall.\n`,
                );
              } else {
                const names = tools.map((t) => t.name);
                const shown =
                  names.slice(0, 15).join(', ') +
                  (names.length > 15 ? `, …and ${names.length - 15} more` : '');
                process.stdout.write(
                  `Installed "${server.name}" (${server.sourceType}) with ${tools.length} tools${names.length ? `: ${shown}` : ''}.\n` +
                    'A running Clara picks it up with mcp_refresh (or on restart).\n',
                );
              }
              return 0;
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              throw new CliExit(
                error instanceof InstallSourceError ? 2 : 1,
                `Installation failed: ${message}`,
              );
            }
          }),
      ),
    );
  registerMcpOAuthCommands(mcp, withConfig);
}
