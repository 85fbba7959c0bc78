/**
 * `clara tools list` and `clara tools call <tool> '<json>' [--user ID]`: any registered tool (built-in or MCP),
 * run through the registry exactly as the model would (validation, time limit, result cap, recording), as an admin
 * on the `cli` platform.
 */
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { type App, buildApp } from '../app/index.js';
import type { Config } from '../config/index.js';
import type { ToolScope } from '../engine/index.js';
import type { WithConfig } from './memory.js';

/** Builds the app; MCP servers start in the background (`clara tools list` waits for them). */
async function withApp(config: Config, task: (app: App) => Promise<number>): Promise<number> {
  const verbose = ['debug', 'trace'].includes(config.LOG_LEVEL);
  const app = await buildApp({
    config,
    logDestination: verbose ? process.stderr : new Writable({ write: (_chunk, _encoding, done) => done() }),
    prettyLogs: process.stderr.isTTY === true,
  });
  try {
    return await task(app);
  } finally {
    await app.stop({ timeoutMs: 5_000 });
  }
}

function scopeFor(config: Config, user: string | undefined, platform: string): ToolScope {
  const userId = user ?? config.USER_ID;
  return {
    userId,
    conversationId: `${platform}-${userId}`,
    sessionId: '',
    platform,
    isAdmin: true,
  };
}

export function registerToolsCommands(
  program: Command,
  withConfig: WithConfig,
  parseJsonArgs: (text: string | undefined) => Record<string, unknown>,
): void {
  const tools = program
    .command('tools')
    .description('the tools the model can call: list them, or call one yourself');

  tools
    .command('list')
    .description('every tool offered to an admin on this platform (built-in and MCP)')
    .option('--platform <name>', 'as offered on this platform', 'cli')
    .option('--json', 'print JSON (name, description, parameters)')
    .action(
      withConfig((config, options: { platform: string; json?: boolean }) =>
        withApp(config, async (app) => {
          await app.mcp.manager.start();
          const specs = app.tools.specs(scopeFor(config, undefined, options.platform));
          if (options.json) {
            process.stdout.write(`${JSON.stringify(specs, null, 2)}\n`);
            return 0;
          }
          const width = Math.max(0, ...specs.map((s) => s.name.length));
          for (const spec of specs) {
            const description = spec.description.replace(/\s+/g, ' ');
            process.stdout.write(
              `${spec.name.padEnd(width)}  ${description.length > 100 ? `${description.slice(0, 99)}…` : description}\n`,
            );
          }
          return 0;
        }),
      ),
    );

  tools
    .command('call')
    .description(
      'run one tool as the model would and print its result, e.g. clara tools call everything__echo \'{"message":"hi"}\'',
    )
    .argument('<tool>', 'tool name as the model sees it (MCP tools: server__tool)')
    .argument('[json]', 'arguments as one JSON object', '{}')
    .option('--user <id>', 'run as this user id (default: USER_ID)')
    .option('--platform <name>', 'platform of the call', 'cli')
    .action(
      withConfig((config, name: string, json: string, options: { user?: string; platform: string }) =>
        withApp(config, async (app) => {
          parseJsonArgs(json);
          // An MCP tool that was never cached is known once its server has started.
          if (name.includes('__') && !app.tools.names().includes(name)) await app.mcp.manager.start();
          const result = await app.tools.execute(
            { name, arguments: json },
            scopeFor(config, options.user, options.platform),
          );
          if (result.isError) {
            process.stderr.write(`${result.content}\n`);
            return 1;
          }
          process.stdout.write(`${result.content}\n`);
          return 0;
        }),
      ),
    );
}
