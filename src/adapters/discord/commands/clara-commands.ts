/** `/clara` help (with the topic menu), info, channel (channel modes of spec §1.5). */
import type { ChannelMode } from '../../../db/index.js';
import type { CommandContext } from './context.js';
import { CommandError } from './context.js';
import { helpEmbed, statusEmbed, successEmbed } from './embeds.js';
import type { HandlerTable } from './handler.js';
import { helpSelectRow, helpTopic, topicEmbed } from './help.js';

export const CHANNEL_MODES: readonly ChannelMode[] = ['active', 'mention', 'off'];

export const MODE_DESCRIPTIONS: Readonly<Record<ChannelMode, string>> = {
  active: 'Clara reads and may answer every message in this channel.',
  mention: 'Clara answers only when mentioned or replied to.',
  off: 'Clara ignores this channel completely.',
};

export const claraHandlers: HandlerTable = {
  'clara help': {
    level: 'any',
    async run(ctx, options) {
      const key = options.getString('topic');
      const topic = key ? helpTopic(key) : undefined;
      if (topic) {
        await ctx.send({ ephemeral: true, embeds: [topicEmbed(topic)] });
        return undefined;
      }
      await ctx.send({ ephemeral: true, embeds: [helpEmbed()], components: [helpSelectRow()] });
      return undefined;
    },
  },
  'clara info': {
    level: 'any',
    async run(ctx) {
      const { settings } = ctx.deps;
      const servers = await ctx.deps.mcp.manager.servers();
      const connected = servers.filter((s) => s.connected);
      await ctx.send({
        embeds: [
          statusEmbed(`🔧 ${settings.botName}`, [
            { name: 'Version', value: settings.version, inline: true },
            {
              name: 'LLM provider',
              value: `${settings.llm.provider}${settings.llm.ready ? '' : ' (no API key)'}`,
              inline: true,
            },
            {
              name: 'MCP servers',
              value: `${connected.length} connected of ${servers.length} (${connected.reduce((n, s) => n + s.tools.length, 0)} tools)`,
              inline: true,
            },
            { name: 'Memory', value: ctx.deps.memory ? 'on' : 'off (MEMORY_ENABLED=false)', inline: true },
            {
              name: 'Email monitoring',
              value: ctx.deps.email.monitoringEnabled ? 'on' : 'off',
              inline: true,
            },
          ]),
        ],
      });
      return undefined;
    },
  },
  'clara channel': {
    level: 'manage',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const mode = options.getString('mode', true);
      const known = CHANNEL_MODES.find((m) => m === mode);
      if (!known) throw new CommandError(`mode "${mode}" must be one of: ${CHANNEL_MODES.join(', ')}.`);
      const { guildId, channelId } = ctx;
      if (!guildId || !channelId) throw new CommandError('Channel modes exist in servers only.');
      await ctx.deps.repos.channelConfigs.set({ channelId, guildId, mode: known, configuredBy: ctx.userId });
      await ctx.send({ embeds: [successEmbed(`Channel mode: ${known}`, MODE_DESCRIPTIONS[known])] });
      return { target: channelId, message: `mode ${known}` };
    },
  },
};

/** A choice in the help menu: the message shows that topic's commands (the menu stays). */
export async function selectHelpTopic(ctx: CommandContext, value: string | undefined): Promise<void> {
  const topic = value ? helpTopic(value) : undefined;
  await ctx.update({
    embeds: [topic ? topicEmbed(topic) : helpEmbed()],
    components: [helpSelectRow()],
  });
}
