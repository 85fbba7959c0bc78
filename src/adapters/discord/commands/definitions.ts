/**
 * The slash commands as Discord registers them (spec §1.15 plus mailbox management, issue 7).
 * Discord hides whole top-level commands only (`default_member_permissions`): `/backup` is admin-only as a whole;
 * the other commands mix read-only and admin subcommands, which are checked at run time (permissions.ts).
 */
import {
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
  type SlashCommandStringOption,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import { emailCommand } from './definitions-email.js';
import { HELP_TOPICS } from './help.js';

type Sub = SlashCommandSubcommandBuilder;

const serverOption = (required: boolean) => (o: SlashCommandStringOption) =>
  o
    .setName('server')
    .setDescription('MCP server name (see /mcp list)')
    .setRequired(required)
    .setMaxLength(64);

function mcpCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder().setName('mcp').setDescription('MCP servers: the tools Clara can use');
  b.addSubcommand((s: Sub) => s.setName('list').setDescription('List MCP servers and their state'));
  b.addSubcommand((s: Sub) =>
    s
      .setName('status')
      .setDescription('Overall MCP status, or one server')
      .addStringOption(serverOption(false)),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('tools')
      .setDescription('Tools per server, or the tools of one server')
      .addStringOption(serverOption(false)),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('search')
      .setDescription('Search the Smithery registry')
      .addStringOption((o) =>
        o.setName('query').setDescription('What the server should do').setRequired(true).setMaxLength(200),
      ),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('install')
      .setDescription('Install and start an MCP server (Administrator)')
      .addStringOption((o) =>
        o
          .setName('source')
          .setDescription(
            'npm package, owner/repo, docker:<image>, local path, smithery:<name>, smithery-hosted:<name>',
          )
          .setRequired(true)
          .setMaxLength(500),
      )
      .addStringOption((o) =>
        o.setName('name').setDescription('Server name (default from the source)').setMaxLength(64),
      ),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('uninstall')
      .setDescription('Stop and remove a server (Administrator)')
      .addStringOption(serverOption(true)),
  );
  for (const [name, description] of [
    ['enable', 'Enable and start a server (Manage Channels)'],
    ['disable', 'Stop and disable a server (Manage Channels)'],
    ['restart', 'Restart a server (Manage Channels)'],
  ] as const) {
    b.addSubcommand((s: Sub) =>
      s.setName(name).setDescription(description).addStringOption(serverOption(true)),
    );
  }
  b.addSubcommand((s: Sub) =>
    s.setName('refresh').setDescription('Reload every server config (Administrator)'),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('oauth_start')
      .setDescription('Start authorizing a hosted server (Administrator)')
      .addStringOption(serverOption(true)),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('oauth_complete')
      .setDescription('Finish authorization with the code you got (Administrator)')
      .addStringOption(serverOption(true))
      .addStringOption((o) =>
        o
          .setName('code')
          .setDescription('The code, or the whole redirect URL')
          .setRequired(true)
          .setMaxLength(2000),
      ),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('oauth_status')
      .setDescription('Authorization state of a hosted server')
      .addStringOption(serverOption(true)),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('oauth_set_token')
      .setDescription('Store tokens for a hosted server by hand (Administrator)')
      .addStringOption(serverOption(true))
      .addStringOption((o) =>
        o.setName('access_token').setDescription('Access token').setRequired(true).setMaxLength(4000),
      )
      .addStringOption((o) => o.setName('refresh_token').setDescription('Refresh token').setMaxLength(4000)),
  );
  return b;
}

function modelCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder()
    .setName('model')
    .setDescription('Which model tier Clara uses in this server');
  b.addSubcommand((s: Sub) => s.setName('status').setDescription('Provider, default tier and auto-tier'));
  b.addSubcommand((s: Sub) =>
    s
      .setName('tier')
      .setDescription("Set this server's default tier (Administrator)")
      .addStringOption((o) =>
        o
          .setName('tier')
          .setDescription('high, mid, low, or default (back to MODEL_TIER)')
          .setRequired(true)
          .addChoices(...['high', 'mid', 'low', 'default'].map((t) => ({ name: t, value: t }))),
      ),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('auto')
      .setDescription('Let Clara pick the tier per message (Administrator)')
      .addStringOption((o) =>
        o
          .setName('enabled')
          .setDescription('on or off')
          .setRequired(true)
          .addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' }),
      ),
  );
  return b;
}

function orsCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder()
    .setName('ors')
    .setDescription('Proactive messages (Organic Response System)');
  b.addSubcommand((s: Sub) => s.setName('status').setDescription('Proactive settings of this server'));
  b.addSubcommand((s: Sub) =>
    s.setName('enable').setDescription('Allow proactive messages here (Administrator)'),
  );
  b.addSubcommand((s: Sub) =>
    s.setName('disable').setDescription('No proactive messages here (Administrator)'),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('channel')
      .setDescription('Channel for proactive messages (Administrator)')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('A text channel')
          .setRequired(true)
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      ),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('quiet')
      .setDescription('Quiet hours, HH:MM 24 h (Administrator)')
      .addStringOption((o) =>
        o.setName('start').setDescription('e.g. 22:00').setRequired(true).setMaxLength(5),
      )
      .addStringOption((o) =>
        o.setName('end').setDescription('e.g. 07:30').setRequired(true).setMaxLength(5),
      ),
  );
  return b;
}

function sandboxCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder().setName('sandbox').setDescription('Code sandbox');
  b.addSubcommand((s: Sub) => s.setName('status').setDescription('Sandbox availability and mode'));
  b.addSubcommand((s: Sub) =>
    s
      .setName('mode')
      .setDescription('Sandbox mode of this server (Administrator)')
      .addStringOption((o) =>
        o
          .setName('mode')
          .setDescription('local, remote or auto')
          .setRequired(true)
          .addChoices(...['local', 'remote', 'auto'].map((m) => ({ name: m, value: m }))),
      ),
  );
  return b;
}

function memoryCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder().setName('memory').setDescription('What Clara remembers about you');
  b.addSubcommand((s: Sub) => s.setName('status').setDescription('How many memories Clara has about you'));
  b.addSubcommand((s: Sub) =>
    s
      .setName('search')
      .setDescription('Search your memories')
      .addStringOption((o) =>
        o.setName('query').setDescription('What to look for').setRequired(true).setMaxLength(300),
      ),
  );
  b.addSubcommand((s: Sub) => s.setName('clear').setDescription('Delete every memory Clara has about you'));
  return b;
}

function backupCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder()
    .setName('backup')
    .setDescription('Database backups (Administrator)')
    .setDefaultMemberPermissions(PermissionFlagsBits.Administrator)
    .setContexts(InteractionContextType.Guild);
  const database = (o: SlashCommandStringOption) =>
    o
      .setName('database')
      .setDescription('clara (main) or mem0 (memory); default: all')
      .addChoices({ name: 'clara', value: 'clara' }, { name: 'mem0', value: 'mem0' });
  b.addSubcommand((s: Sub) => s.setName('now').setDescription('Back up now').addStringOption(database));
  b.addSubcommand((s: Sub) =>
    s.setName('status').setDescription('Backup destination, databases, last backup'),
  );
  b.addSubcommand((s: Sub) =>
    s
      .setName('list')
      .setDescription('Newest backups')
      .addStringOption(database)
      .addIntegerOption((o) =>
        o.setName('limit').setDescription('How many (1-50, default 10)').setMinValue(1).setMaxValue(50),
      ),
  );
  return b;
}

function claraCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder().setName('clara').setDescription('Clara: help, info, channel mode');
  b.addSubcommand((s: Sub) =>
    s
      .setName('help')
      .setDescription('Commands, by topic')
      .addStringOption((o) =>
        o
          .setName('topic')
          .setDescription('A command group')
          .addChoices(...HELP_TOPICS.map((t) => ({ name: t.key, value: t.key }))),
      ),
  );
  b.addSubcommand((s: Sub) => s.setName('info').setDescription('Version, model provider, MCP servers'));
  b.addSubcommand((s: Sub) =>
    s
      .setName('channel')
      .setDescription('When Clara answers in this channel (Manage Channels)')
      .addStringOption((o) =>
        o
          .setName('mode')
          .setDescription('active: every message; mention: when mentioned; off: never')
          .setRequired(true)
          .addChoices(...['active', 'mention', 'off'].map((m) => ({ name: m, value: m }))),
      ),
  );
  return b;
}

/** The JSON bodies for `client.application.commands.set(...)`. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    mcpCommand(),
    modelCommand(),
    orsCommand(),
    sandboxCommand(),
    memoryCommand(),
    emailCommand(),
    backupCommand(),
    claraCommand(),
  ].map((b) => b.toJSON());
}
