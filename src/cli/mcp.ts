/**
 * `clara mcp …`: list, status, enable, disable, remove, tools, call — on the configs under MCP_SERVERS_DIR.
 * (`clara mcp install` is added to the same group by the installer's command file.) Changes to enabled/disabled
 * servers reach a running Clara on its next `mcp_refresh` or restart.
 */
import type { Command } from 'commander';
import { buildMcp, type McpSetup, packageVersion } from '../app/index.js';
import type { Config } from '../config/index.js';
import {
  formatServerList,
  formatServerStatus,
  formatServerTools,
  formatTotals,
  type McpServerInfo,
} from '../mcp/index.js';
import { CliExit } from './load.js';
import type { WithConfig } from './memory.js';
import { registerToolsCommands } from './tools.js';

/** Warnings (e.g. a server that fails to start, an unreadable config) go to stderr; stdout keeps the result. */
export const cliLogger = {
  info: () => undefined,
  warn: (_obj: object, msg: string) => void process.stderr.write(`warning: ${msg}\n`),
};

/** Markdown bold is for chat; the terminal gets plain text. */
export const plain = (text: string) => text.replace(/\*\*(.+?)\*\*/g, '$1');

export async function withMcp(config: Config, task: (mcp: McpSetup) => Promise<number>): Promise<number> {
  const mcp = buildMcp({ config, logger: cliLogger, version: packageVersion(), persistStatus: false });
  try {
    return await task(mcp);
  } finally {
    await mcp.manager.stop();
  }
}

async function requireServer(mcp: McpSetup, name: string): Promise<McpServerInfo> {
  const info = await mcp.manager.server(name);
  if (!info)
    throw new CliExit(
      1,
      `There is no MCP server named "${name}". See the installed ones with: clara mcp list`,
    );
  return info;
}

function parseJsonArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliExit(
      2,
      `The tool arguments are not valid JSON (${(error as Error).message}). Example: '{"message": "hi"}'`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliExit(2, `The tool arguments must be one JSON object, e.g. '{"message": "hi"}'.`);
  }
  return value as Record<string, unknown>;
}

/** Registers `clara mcp` and `clara tools`; returns the `mcp` group so the installer can add `install`. */
export function registerMcpCommands(program: Command, withConfig: WithConfig): Command {
  const mcp = program
    .command('mcp')
    .description('MCP servers (plugins): list, status, enable, disable, remove, tools, call');

  mcp
    .command('list')
    .description('the installed MCP servers with their last known status')
    .option('--json', 'print JSON')
    .action(
      withConfig((config, options: { json?: boolean }) =>
        withMcp(config, async ({ manager }) => {
          const servers = await manager.servers();
          if (options.json) process.stdout.write(`${JSON.stringify(servers, null, 2)}\n`);
          else process.stdout.write(`${plain(formatServerList(servers))}\n`);
          return 0;
        }),
      ),
    );

  mcp
    .command('status')
    .description('totals, or the details of one server (last known status, last error, tools)')
    .argument('[name]', 'server name')
    .action(
      withConfig((config, name: string | undefined) =>
        withMcp(config, async (setup) => {
          const text = name
            ? formatServerStatus(await requireServer(setup, name))
            : formatTotals(await setup.manager.servers());
          process.stdout.write(`${plain(text)}\n`);
          return 0;
        }),
      ),
    );

  for (const [command, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    mcp
      .command(command)
      .description(`${command} a server (a running Clara applies it on mcp_refresh or restart)`)
      .argument('<name>', 'server name')
      .action(
        withConfig((config, name: string) =>
          withMcp(config, async (setup) => {
            await requireServer(setup, name);
            await setup.store.update(name, { enabled });
            process.stdout.write(`${enabled ? 'Enabled' : 'Disabled'} "${name}".\n`);
            return 0;
          }),
        ),
      );
  }

  mcp
    .command('remove')
    .alias('uninstall')
    .description('uninstall a server: deletes its configuration and folder')
    .argument('<name>', 'server name')
    .action(
      withConfig((config, name: string) =>
        withMcp(config, async (setup) => {
          await requireServer(setup, name);
          await setup.manager.remove(name);
          process.stdout.write(`Removed "${name}".\n`);
          return 0;
        }),
      ),
    );

  mcp
    .command('tools')
    .description('start a server and list its tools (with --cached: the tools saved at its last start)')
    .argument('<server>', 'server name')
    .option('--cached', 'do not start the server')
    .action(
      withConfig((config, name: string, options: { cached?: boolean }) =>
        withMcp(config, async (setup) => {
          const info = await requireServer(setup, name);
          let tools = info.tools;
          if (!options.cached) {
            try {
              tools = await setup.manager.listTools(name);
            } catch (error) {
              throw new CliExit(1, (error as Error).message);
            }
          }
          process.stdout.write(`${formatServerTools(name, tools)}\n`);
          return 0;
        }),
      ),
    );

  mcp
    .command('call')
    .description(
      'call one tool of a server and print its text result, e.g. clara mcp call everything echo \'{"message":"hi"}\'',
    )
    .argument('<server>', 'server name')
    .argument('<tool>', "the tool's own name (without the server__ prefix)")
    .argument('[json]', 'arguments as one JSON object', '{}')
    .action(
      withConfig((config, server: string, tool: string, json: string) =>
        withMcp(config, async (setup) => {
          const args = parseJsonArgs(json);
          await requireServer(setup, server);
          const result = await setup.manager.callTool(server, tool, args);
          if (result.isError) {
            process.stderr.write(`${result.content}\n`);
            return 1;
          }
          process.stdout.write(`${result.content}\n`);
          return 0;
        }),
      ),
    );

  registerToolsCommands(program, withConfig, parseJsonArgs);
  return mcp;
}
