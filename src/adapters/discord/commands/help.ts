/** `/clara help`: the overview with a topic select menu, and one command table per topic (spec §1.17). */
import {
  ActionRowBuilder,
  type EmbedBuilder,
  type MessageActionRowComponentBuilder,
  StringSelectMenuBuilder,
} from 'discord.js';
import { HELP_SELECT_ID } from './custom-ids.js';
import { helpEmbed } from './embeds.js';

export interface HelpTopic {
  key: string;
  label: string;
  emoji: string;
  lines: string[];
}

const A = ' *(Administrator)*';
const M = ' *(Manage Channels)*';

export const HELP_TOPICS: readonly HelpTopic[] = [
  {
    key: 'mcp',
    label: 'MCP servers',
    emoji: '🔌',
    lines: [
      '`/mcp list` — servers with state and tool count',
      '`/mcp status [server]` — overall counts, or one server in detail',
      '`/mcp tools [server]` — tools per server, or one server’s tools',
      '`/mcp search <query>` — search the Smithery registry',
      `\`/mcp install <source> [name]\` — npm, GitHub, docker:, local path, smithery:${A}`,
      `\`/mcp uninstall <server>\` — with confirmation${A}`,
      `\`/mcp enable|disable|restart <server>\`${M}`,
      `\`/mcp refresh\` — reload every config${A}`,
      `\`/mcp oauth_start|oauth_complete|oauth_set_token <server>\` — authorize hosted servers${A}`,
      '`/mcp oauth_status <server>` — authorization state',
    ],
  },
  {
    key: 'model',
    label: 'Model',
    emoji: '🤖',
    lines: [
      '`/model status` — provider, default tier, auto-tier',
      `\`/model tier <high|mid|low|default>\` — this server’s default tier${A}`,
      `\`/model auto <on|off>\` — pick the tier per message${A}`,
      'Start a message with `!high`, `!mid` or `!low` to choose for one message.',
    ],
  },
  {
    key: 'ors',
    label: 'Proactive messages',
    emoji: '💬',
    lines: [
      '`/ors status` — settings of this server',
      `\`/ors enable|disable\`${A}`,
      `\`/ors channel <#channel>\`${A}`,
      `\`/ors quiet <HH:MM> <HH:MM>\` — quiet hours${A}`,
      'Proactive messages are not available in this build yet; the settings are kept for them.',
    ],
  },
  {
    key: 'sandbox',
    label: 'Sandbox',
    emoji: '📦',
    lines: ['`/sandbox status` — availability and mode', `\`/sandbox mode <local|remote|auto>\`${A}`],
  },
  {
    key: 'memory',
    label: 'Memory',
    emoji: '🧠',
    lines: [
      '`/memory status` — how many memories Clara has about you',
      '`/memory search <query>` — find them',
      '`/memory clear` — delete them all (with confirmation)',
    ],
  },
  {
    key: 'email',
    label: 'Email',
    emoji: '📧',
    lines: [
      '`/email status` — your mailboxes',
      '`/email account add <address> [server] [port] [username]` — the password is asked in a private form',
      '`/email account remove|pause|resume|test <address>`',
      '`/email rule list` · `/email rule add <name> …` · `/email rule remove <rule>`',
      '`/email presets` · `/email rule preset <preset> [address]`',
      `\`/email channel [#channel] [address]\` — where your alerts go${A}`,
    ],
  },
  {
    key: 'backup',
    label: 'Backups',
    emoji: '💾',
    lines: [
      `\`/backup now [database]\`${A}`,
      `\`/backup status\` — destination, databases, last backup${A}`,
      `\`/backup list [database] [limit]\`${A}`,
    ],
  },
  {
    key: 'clara',
    label: 'Clara',
    emoji: '🔧',
    lines: [
      '`/clara help [topic]` — this help',
      '`/clara info` — version, provider, MCP servers',
      `\`/clara channel <active|mention|off>\` — when Clara answers here${M}`,
      `Text form: \`@Clara channel set|status|list\`${M}`,
    ],
  },
];

export function helpTopic(key: string): HelpTopic | undefined {
  return HELP_TOPICS.find((t) => t.key === key);
}

export function topicEmbed(topic: HelpTopic): EmbedBuilder {
  return helpEmbed(`📚 Help: ${topic.emoji} ${topic.label}`, topic.lines.join('\n'));
}

export function helpSelectRow(): ActionRowBuilder<MessageActionRowComponentBuilder> {
  const menu = new StringSelectMenuBuilder()
    .setCustomId(HELP_SELECT_ID)
    .setPlaceholder('Pick a topic')
    .addOptions(HELP_TOPICS.map((t) => ({ label: t.label, value: t.key, emoji: t.emoji })));
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(menu);
}
