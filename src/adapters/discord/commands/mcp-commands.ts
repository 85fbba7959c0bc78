/** `/mcp` list, status, tools, search, install, uninstall (with confirmation), enable, disable, restart, refresh. */
import { type McpServerInfo, statusEmoji } from '../../../mcp/index.js';
import { type CommandContext, CommandError } from './context.js';
import { clip, infoEmbed, listEmbed, statusEmbed, successEmbed, warningEmbed } from './embeds.js';
import type { HandlerOutcome, HandlerTable } from './handler.js';

async function requireServer(ctx: CommandContext, name: string): Promise<McpServerInfo> {
  const info = await ctx.deps.mcp.manager.server(name);
  if (info) return info;
  const known = (await ctx.deps.mcp.manager.servers()).map((s) => s.name);
  throw new CommandError(
    known.length
      ? `There is no MCP server named "${name}". Servers: ${known.join(', ')}.`
      : `There is no MCP server named "${name}": none are installed yet (an admin can use /mcp install).`,
    'Unknown MCP server',
  );
}

function serverLine(info: McpServerInfo): string {
  return (
    `${statusEmoji(info.status)} **${info.name}** — ${info.type} (${info.sourceType}), ` +
    `${info.enabled ? 'enabled' : 'disabled'}, ${info.tools.length} tools`
  );
}

function serverStatusEmbed(info: McpServerInfo) {
  const tools = info.tools.slice(0, 10).map((t) => `\`${t.name}\``);
  if (info.tools.length > 10) tools.push(`… and ${info.tools.length - 10} more`);
  return statusEmbed(`${statusEmoji(info.status)} MCP server ${info.name}`, [
    { name: 'Status', value: info.status, inline: true },
    { name: 'Connected', value: info.connected ? 'yes' : 'no', inline: true },
    { name: 'Enabled', value: info.enabled ? 'yes' : 'no', inline: true },
    {
      name: 'Transport',
      value: info.type === 'local' ? 'stdio (local)' : `${info.transport ?? 'streamable-http'} (remote)`,
      inline: true,
    },
    { name: 'Tools', value: String(info.tools.length), inline: true },
    { name: 'Source', value: info.sourceType, inline: true },
    ...(info.lastError ? [{ name: 'Last Error', value: clip(info.lastError, 100) }] : []),
    ...(tools.length ? [{ name: 'Tool names', value: tools.join(', ') }] : []),
  ]);
}

/** Runs a state change and answers with the server's state afterwards. */
async function changeState(
  ctx: CommandContext,
  name: string,
  verb: string,
  change: (name: string) => Promise<McpServerInfo>,
  wantRunning: boolean,
): Promise<HandlerOutcome> {
  await ctx.defer(true);
  await requireServer(ctx, name);
  const info = await change(name);
  const ok = wantRunning ? info.status === 'running' : true;
  const detail = `${statusEmoji(info.status)} ${info.status}, ${info.tools.length} tools${info.lastError && !ok ? `\nLast error: ${clip(info.lastError, 300)}` : ''}`;
  await ctx.send({
    embeds: [
      ok
        ? successEmbed(`${verb} ${name}`, detail)
        : warningEmbed(`${verb} ${name}, but it is not running`, detail),
    ],
  });
  return {
    target: name,
    result: ok ? 'ok' : 'error',
    message: ok ? `${verb}: ${info.status}` : (info.lastError ?? info.status),
  };
}

export const mcpHandlers: HandlerTable = {
  'mcp list': {
    level: 'any',
    async run(ctx) {
      const servers = await ctx.deps.mcp.manager.servers();
      if (servers.length === 0) {
        await ctx.send({
          embeds: [
            infoEmbed(
              '🔌 MCP servers',
              'No MCP servers are installed. An admin can add one with `/mcp install`.',
            ),
          ],
        });
        return undefined;
      }
      await ctx.send({ embeds: [listEmbed(`🔌 MCP servers (${servers.length})`, servers.map(serverLine))] });
      return undefined;
    },
  },
  'mcp status': {
    level: 'any',
    async run(ctx, options) {
      const name = options.getString('server');
      if (name) {
        await ctx.send({ embeds: [serverStatusEmbed(await requireServer(ctx, name))] });
        return undefined;
      }
      const servers = await ctx.deps.mcp.manager.servers();
      const connected = servers.filter((s) => s.connected);
      await ctx.send({
        embeds: [
          statusEmbed('🔌 MCP status', [
            { name: 'Servers', value: String(servers.length), inline: true },
            { name: 'Enabled', value: String(servers.filter((s) => s.enabled).length), inline: true },
            { name: 'Connected', value: String(connected.length), inline: true },
            {
              name: 'Tools available',
              value: String(connected.reduce((n, s) => n + s.tools.length, 0)),
              inline: true,
            },
          ]),
        ],
      });
      return undefined;
    },
  },
  'mcp tools': {
    level: 'any',
    async run(ctx, options) {
      const name = options.getString('server');
      if (!name) {
        const connected = (await ctx.deps.mcp.manager.servers()).filter((s) => s.connected);
        await ctx.send({
          embeds: [
            listEmbed(
              '🧰 MCP tools',
              connected.map((s) => `**${s.name}**: ${s.tools.length} tools`),
              {
                empty: 'No MCP server is connected.',
                footer: 'One server’s tools: /mcp tools server:<name>',
              },
            ),
          ],
        });
        return undefined;
      }
      await ctx.defer();
      await requireServer(ctx, name);
      const tools = await ctx.deps.mcp.manager.listTools(name);
      await ctx.send({
        embeds: [
          listEmbed(
            `🧰 Tools of ${name} (${tools.length})`,
            tools.map(
              (t) =>
                `\`${t.name}\`${t.description ? ` — ${clip(t.description.replace(/\s+/g, ' '), 60)}` : ''}`,
            ),
            { empty: 'This server offers no tools.', footer: `The model calls them as ${name}__<tool>.` },
          ),
        ],
      });
      return undefined;
    },
  },
  'mcp search': {
    level: 'any',
    async run(ctx, options) {
      const query = options.getString('query', true);
      await ctx.defer();
      const result = await ctx.deps.mcp.smithery.search(query, { pageSize: 10 });
      const items = result.servers.map(
        (s) =>
          `**${s.qualifiedName}**${s.verified ? ' ✓' : ''} · ${s.useCount} uses${s.remote ? ' · hosted' : ''}` +
          `${s.description ? ` — ${clip(s.description.replace(/\s+/g, ' '), 60)}` : ''}`,
      );
      await ctx.send({
        embeds: [
          listEmbed(`🔎 Smithery: ${clip(query, 100)}`, items, {
            empty: 'No servers found.',
            footer: `${result.totalCount} servers in total · install with /mcp install source:smithery:<name> (hosted: smithery-hosted:<name>)`,
          }),
        ],
      });
      return undefined;
    },
  },
  'mcp install': {
    level: 'admin',
    audited: true,
    async run(ctx, options) {
      const source = options.getString('source', true).trim();
      const name = options.getString('name')?.trim() || undefined;
      await ctx.defer(true);
      const steps: string[] = [];
      let edits: Promise<void> = Promise.resolve();
      const outcome = await ctx.deps.mcp.installer.install({
        source,
        ...(name ? { name } : {}),
        installedBy: ctx.userId,
        ...(ctx.deps.installCwd ? { cwd: ctx.deps.installCwd } : {}),
        onProgress: (event) => {
          if (event.kind !== 'step') return;
          steps.push(event.message);
          const text = steps.slice(-8).join('\n');
          edits = edits
            .then(() => ctx.send({ embeds: [infoEmbed(`📦 Installing ${clip(source, 200)}…`, text)] }))
            .catch((error: unknown) =>
              ctx.deps.logger.warn({ err: String(error), source }, 'Could not show install progress'),
            );
        },
      });
      await edits;
      const { config } = outcome;
      if (outcome.pendingAuth) {
        await ctx.send({
          embeds: [
            warningEmbed(
              `Installed ${config.name}: authorization needed`,
              `It is a hosted server. Run \`/mcp oauth_start server:${config.name}\` to authorize it.`,
            ),
          ],
        });
        return { target: config.name, message: 'installed, pending authorization' };
      }
      const info = await ctx.deps.mcp.manager.startServer(config.name);
      const fields = [
        { name: 'Name', value: config.name, inline: true },
        { name: 'Source', value: config.sourceType, inline: true },
        { name: 'Tools', value: String(info.tools.length || outcome.tools.length), inline: true },
      ];
      if (info.status !== 'running') {
        await ctx.send({
          embeds: [
            statusEmbed(`⚠️ Installed ${config.name}, but it is ${info.status}`, [
              ...fields,
              { name: 'Last Error', value: clip(info.lastError ?? 'unknown', 300) },
            ]),
          ],
        });
        return {
          target: config.name,
          result: 'error',
          message: `installed but ${info.status}: ${info.lastError ?? ''}`,
        };
      }
      await ctx.send({
        embeds: [
          statusEmbed(`✅ Installed ${config.name}`, fields, {
            color: 0x57f287,
            footer: `Its tools are available to Clara as ${config.name}__<tool>.`,
          }),
        ],
      });
      return { target: config.name, message: `installed, running with ${info.tools.length} tools` };
    },
  },
  'mcp uninstall': {
    level: 'admin',
    async run(ctx, options) {
      const name = options.getString('server', true);
      await requireServer(ctx, name);
      await ctx.askToConfirm(
        'mcp-uninstall',
        name,
        warningEmbed(
          `Uninstall ${name}?`,
          'This stops the server and deletes its folder and tokens. The buttons work for 60 seconds.',
        ),
      );
      return undefined;
    },
  },
  'mcp enable': {
    level: 'manage',
    audited: true,
    run: (ctx, options) =>
      changeState(
        ctx,
        options.getString('server', true),
        'Enabled',
        (n) => ctx.deps.mcp.manager.enable(n),
        true,
      ),
  },
  'mcp disable': {
    level: 'manage',
    audited: true,
    run: (ctx, options) =>
      changeState(
        ctx,
        options.getString('server', true),
        'Disabled',
        (n) => ctx.deps.mcp.manager.disable(n),
        false,
      ),
  },
  'mcp restart': {
    level: 'manage',
    audited: true,
    run: (ctx, options) =>
      changeState(
        ctx,
        options.getString('server', true),
        'Restarted',
        (n) => ctx.deps.mcp.manager.restart(n),
        true,
      ),
  },
  'mcp refresh': {
    level: 'admin',
    audited: true,
    async run(ctx) {
      await ctx.defer(true);
      const results = Object.entries(await ctx.deps.mcp.manager.refresh());
      await ctx.send({
        embeds: [
          listEmbed(
            '🔄 MCP configs reloaded',
            results.map(([name, connected]) => `${connected ? '✅' : '❌'} ${name}`),
            { empty: 'No enabled servers.' },
          ),
        ],
      });
      const failed = results.filter(([, connected]) => !connected).map(([name]) => name);
      return {
        message: failed.length ? `not connected: ${failed.join(', ')}` : `${results.length} connected`,
      };
    },
  },
};

/** The Confirm button of `/mcp uninstall`. */
export async function confirmMcpUninstall(ctx: CommandContext, name: string): Promise<void> {
  if (!(await ctx.ensureLevel('admin', { server: name }))) return;
  await ctx.defer();
  try {
    const removed = await ctx.deps.mcp.manager.remove(name);
    await ctx.update({
      embeds: [
        removed
          ? successEmbed(`Uninstalled ${name}`)
          : warningEmbed(`${name} was already gone`, 'Nothing to uninstall.'),
      ],
    });
    await ctx.audit({
      action: ctx.action,
      target: name,
      result: 'ok',
      message: removed ? 'removed' : 'not found',
    });
  } catch (error) {
    await ctx.audit({
      action: ctx.action,
      target: name,
      result: 'error',
      message: String((error as Error).message),
    });
    throw error;
  }
}
