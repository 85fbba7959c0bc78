/** The `/email` slash command definition: status, presets, channel, account and rule management (issue 7). */
import { ChannelType, SlashCommandBuilder, type SlashCommandStringOption } from 'discord.js';
import { IMPORTANCE_LEVELS, RULE_PRESETS } from '../../../email/index.js';

const addressOption = (o: SlashCommandStringOption) =>
  o.setName('address').setDescription('The mailbox address').setRequired(true).setMaxLength(254);

export function emailCommand(): SlashCommandBuilder {
  const b = new SlashCommandBuilder()
    .setName('email')
    .setDescription('Mailbox monitoring: accounts, rules, alerts');
  b.addSubcommand((s) => s.setName('status').setDescription('Your connected mailboxes'));
  b.addSubcommand((s) => s.setName('presets').setDescription('Rule presets you can apply'));
  b.addSubcommand((s) =>
    s
      .setName('channel')
      .setDescription('Send your alerts to a server channel, or back to DMs (Administrator)')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Alert channel (omit: DMs)')
          .addChannelTypes(ChannelType.GuildText),
      )
      .addBooleanOption((o) =>
        o.setName('log_channel').setDescription('Use the log channel (DISCORD_LOG_CHANNEL_ID)'),
      )
      .addStringOption((o) =>
        o.setName('address').setDescription('Only this mailbox (default: all)').setMaxLength(254),
      ),
  );
  b.addSubcommandGroup((g) =>
    g
      .setName('account')
      .setDescription('Your mailboxes')
      .addSubcommand((s) =>
        s
          .setName('add')
          .setDescription('Connect a mailbox (the password is asked in a private form)')
          .addStringOption(addressOption)
          .addStringOption((o) =>
            o.setName('server').setDescription('IMAP server (default: guessed)').setMaxLength(253),
          )
          .addIntegerOption((o) =>
            o.setName('port').setDescription('IMAP port (default 993)').setMinValue(1).setMaxValue(65535),
          )
          .addStringOption((o) =>
            o.setName('username').setDescription('Login name when not the address').setMaxLength(254),
          ),
      )
      .addSubcommand((s) =>
        s.setName('remove').setDescription('Disconnect a mailbox').addStringOption(addressOption),
      )
      .addSubcommand((s) =>
        s.setName('pause').setDescription('Stop watching a mailbox').addStringOption(addressOption),
      )
      .addSubcommand((s) =>
        s.setName('resume').setDescription('Watch a paused mailbox again').addStringOption(addressOption),
      )
      .addSubcommand((s) =>
        s.setName('test').setDescription('Test the connection now').addStringOption(addressOption),
      ),
  );
  b.addSubcommandGroup((g) =>
    g
      .setName('rule')
      .setDescription('Which mail deserves an alert')
      .addSubcommand((s) => s.setName('list').setDescription('Your rules'))
      .addSubcommand((s) =>
        s
          .setName('add')
          .setDescription('Add a rule (lists are comma-separated)')
          .addStringOption((o) =>
            o.setName('name').setDescription('Rule name').setRequired(true).setMaxLength(100),
          )
          .addStringOption((o) =>
            o.setName('sender_contains').setDescription('Sender contains any of').setMaxLength(500),
          )
          .addStringOption((o) =>
            o.setName('sender_domain').setDescription('Sender domain is any of').setMaxLength(500),
          )
          .addStringOption((o) =>
            o.setName('subject_contains').setDescription('Subject contains any of').setMaxLength(500),
          )
          .addStringOption((o) =>
            o.setName('subject_regex').setDescription('Subject matches this regex').setMaxLength(300),
          )
          .addStringOption((o) =>
            o.setName('body_contains').setDescription('Text contains any of').setMaxLength(500),
          )
          .addBooleanOption((o) => o.setName('has_attachments').setDescription('Has attachments'))
          .addStringOption((o) =>
            o
              .setName('match_mode')
              .setDescription('any (default) or all conditions')
              .addChoices({ name: 'any', value: 'any' }, { name: 'all', value: 'all' }),
          )
          .addStringOption((o) =>
            o
              .setName('importance')
              .setDescription('Alert importance (default normal)')
              .addChoices(...IMPORTANCE_LEVELS.map((i) => ({ name: i, value: i }))),
          )
          .addStringOption((o) =>
            o.setName('address').setDescription('Only this mailbox (default: all)').setMaxLength(254),
          )
          .addStringOption((o) =>
            o
              .setName('llm_instruction')
              .setDescription('A yes/no question the mail must answer yes to')
              .setMaxLength(1000),
          ),
      )
      .addSubcommand((s) =>
        s
          .setName('remove')
          .setDescription('Remove a rule')
          .addStringOption((o) =>
            o.setName('rule').setDescription('Rule name, id or preset').setRequired(true).setMaxLength(100),
          ),
      )
      .addSubcommand((s) =>
        s
          .setName('preset')
          .setDescription('Apply a rule preset')
          .addStringOption((o) =>
            o
              .setName('preset')
              .setDescription('Which preset')
              .setRequired(true)
              .addChoices(...RULE_PRESETS.map((p) => ({ name: p.name, value: p.key }))),
          )
          .addStringOption((o) =>
            o.setName('address').setDescription('Only this mailbox (default: all)').setMaxLength(254),
          ),
      ),
  );
  return b;
}
