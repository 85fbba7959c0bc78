/**
 * `/email` status, presets, channel and the mailbox accounts (issue 7): each person manages their own mailboxes
 * under `discord-<id>`. The password is asked in a modal (never a slash option, which Discord shows in the
 * channel), is never echoed, and answers are ephemeral.
 */
import {
  ActionRowBuilder,
  type ModalActionRowComponentBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import {
  accountState,
  describeAccount,
  EmailCredentialError,
  EmailInputError,
} from '../../../email/index.js';
import { type CommandContext, CommandError } from './context.js';
import { EMAIL_ADD_MODAL_ID } from './custom-ids.js';
import { clip, listEmbed, statusEmbed, successEmbed, warningEmbed } from './embeds.js';
import type { HandlerOutcome, HandlerTable } from './handler.js';

const STATE_EMOJI: Record<string, string> = {
  watching: '✅',
  waiting: '⏳',
  paused: '⚫',
  disabled: '⚫',
  error: '❌',
  unsupported: '⚠️',
};

/** The service's input errors are meant for the person: show them as they are. */
export async function asInput<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof EmailInputError || error instanceof EmailCredentialError)
      throw new CommandError((error as Error).message, 'Email');
    throw error;
  }
}

function monitoringNote(ctx: CommandContext): string {
  return ctx.deps.email.monitoringEnabled
    ? ''
    : '\n⚠️ Monitoring is off on this Clara (EMAIL_MONITORING_ENABLED=false): nothing is watched until an admin turns it on.';
}

export const FIELD = {
  address: 'address',
  password: 'password',
  server: 'server',
  port: 'port',
  username: 'username',
} as const;

function input(id: string, label: string, style: TextInputStyle, required: boolean, value?: string | null) {
  const field = new TextInputBuilder().setCustomId(id).setLabel(label).setStyle(style).setRequired(required);
  if (value) field.setValue(value);
  return new ActionRowBuilder<ModalActionRowComponentBuilder>().addComponents(field);
}

/** The private form of `/email account add`, prefilled with the options given. */
export function emailAddModal(prefill: {
  address?: string | null;
  server?: string | null;
  port?: number | null;
  username?: string | null;
}) {
  return new ModalBuilder()
    .setCustomId(EMAIL_ADD_MODAL_ID)
    .setTitle('Connect a mailbox')
    .addComponents(
      input(FIELD.address, 'Email address', TextInputStyle.Short, true, prefill.address),
      input(FIELD.password, 'Password (an app password for Gmail/iCloud)', TextInputStyle.Short, true),
      input(
        FIELD.server,
        'IMAP server (empty: guessed from the address)',
        TextInputStyle.Short,
        false,
        prefill.server,
      ),
      input(FIELD.port, 'IMAP port (993 = TLS)', TextInputStyle.Short, false, String(prefill.port ?? 993)),
      input(FIELD.username, 'Login name (empty: the address)', TextInputStyle.Short, false, prefill.username),
    );
}

/** The submitted form: test the connection, store the account (password encrypted), answer privately. */
export async function submitEmailAdd(ctx: CommandContext): Promise<void> {
  const { interaction } = ctx;
  if (!interaction.isModalSubmit()) return;
  const field = (id: string) => interaction.fields.getTextInputValue(id).trim();
  const address = field(FIELD.address);
  const server = field(FIELD.server);
  const portText = field(FIELD.port);
  const username = field(FIELD.username);
  const details = {
    address,
    server: server || undefined,
    port: portText || undefined,
    username: username || undefined,
  };
  await ctx.defer(true);
  try {
    const port = portText ? Number(portText) : 993;
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new CommandError(`IMAP port "${portText}" is not a port number (1-65535).`, 'Email');
    const { account, probe } = await asInput(
      ctx.deps.email.addAccount(ctx.userId, {
        emailAddress: address,
        password: interaction.fields.getTextInputValue(FIELD.password),
        imapServer: server || undefined,
        imapPort: port,
        username: username || undefined,
      }),
    );
    await ctx.send({
      embeds: [
        successEmbed(
          `Connected ${account.emailAddress}`,
          `${account.imapServer}:${account.imapPort}${probe ? ` · INBOX has ${probe.messages} message(s)` : ''}. ` +
            `Only mail arriving from now on can alert you. Add rules with \`/email rule preset\` or \`/email rule add\`.${monitoringNote(ctx)}`,
        ),
      ],
    });
    await ctx.audit({
      action: ctx.action,
      target: account.emailAddress,
      details,
      result: 'ok',
      message: 'connected',
    });
  } catch (error) {
    await ctx.audit({
      action: ctx.action,
      target: address,
      details,
      result: 'error',
      message: (error as Error).message,
    });
    throw error;
  }
}

async function accountChange(
  ctx: CommandContext,
  address: string,
  work: () => Promise<string>,
): Promise<HandlerOutcome> {
  await ctx.defer(true);
  const message = await asInput(work());
  await ctx.send({ embeds: [successEmbed(message)] });
  return { target: address, message };
}

export const emailHandlers: HandlerTable = {
  'email status': {
    level: 'any',
    async run(ctx) {
      await ctx.defer(true);
      const accounts = await ctx.deps.email.listAccounts(ctx.userId);
      const now = ctx.now;
      await ctx.send({
        embeds: [
          listEmbed(
            '📧 Your mailboxes',
            accounts.map(
              (a) =>
                `${STATE_EMOJI[accountState(a)] ?? '❓'} ${clip(describeAccount(a, now, { monitoring: ctx.deps.email.monitoringEnabled }), 300)}`,
            ),
            {
              empty: 'No mailbox connected. Connect one with `/email account add`.',
              footer: monitoringNote(ctx).trim() || undefined,
            },
          ),
        ],
      });
      return undefined;
    },
  },
  'email presets': {
    level: 'any',
    async run(ctx) {
      const presets = ctx.deps.email.presets();
      await ctx.send({
        ephemeral: true,
        embeds: [
          statusEmbed(
            '📧 Rule presets',
            presets.map((p) => ({ name: `${p.name} (\`${p.key}\`, ${p.importance})`, value: p.description })),
            { footer: 'Apply one with /email rule preset' },
          ),
        ],
      });
      return undefined;
    },
  },
  'email channel': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const picked = options.getChannel('channel');
      const address = options.getString('address') ?? undefined;
      const log = options.getBoolean('log_channel') === true;
      const logChannel = ctx.deps.email.logChannelId;
      if (log && picked) throw new CommandError('Give either a channel or log_channel, not both.', 'Email');
      if (log && !logChannel) {
        throw new CommandError(
          'There is no log channel: DISCORD_LOG_CHANNEL_ID is not set. Pick a channel instead.',
          'Email',
        );
      }
      const channelId = picked?.id ?? (log ? (logChannel as string) : null);
      await ctx.defer(true);
      const updated = await asInput(
        ctx.deps.email.configure(ctx.userId, address, { alertChannelId: channelId }),
      );
      const where = channelId
        ? `<#${channelId}>${log ? ' (the log channel)' : ''}, mentioning you`
        : 'your DMs';
      await ctx.send({
        embeds: [
          successEmbed(
            'Alert channel set',
            `Alerts for ${updated.map((a) => a.emailAddress).join(', ')} now go to ${where}.`,
          ),
        ],
      });
      return {
        target: channelId ?? 'dm',
        message: `alerts to ${channelId ?? 'DM'} for ${updated.length} account(s)`,
      };
    },
  },
  'email account add': {
    level: 'any',
    async run(ctx, options) {
      const { interaction } = ctx;
      if (!interaction.isChatInputCommand()) return undefined;
      await interaction.showModal(
        emailAddModal({
          address: options.getString('address'),
          server: options.getString('server'),
          port: options.getInteger('port'),
          username: options.getString('username'),
        }),
      );
      return undefined;
    },
  },
  'email account remove': {
    level: 'any',
    audited: true,
    run: (ctx, options) => {
      const address = options.getString('address', true);
      return accountChange(
        ctx,
        address,
        async () => `Removed ${(await ctx.deps.email.removeAccount(ctx.userId, address)).emailAddress}`,
      );
    },
  },
  'email account pause': {
    level: 'any',
    audited: true,
    run: (ctx, options) => {
      const address = options.getString('address', true);
      return accountChange(
        ctx,
        address,
        async () => `Paused ${(await ctx.deps.email.setEnabled(ctx.userId, address, false)).emailAddress}`,
      );
    },
  },
  'email account resume': {
    level: 'any',
    audited: true,
    run: (ctx, options) => {
      const address = options.getString('address', true);
      return accountChange(
        ctx,
        address,
        async () => `Resumed ${(await ctx.deps.email.setEnabled(ctx.userId, address, true)).emailAddress}`,
      );
    },
  },
  'email account test': {
    level: 'any',
    async run(ctx, options) {
      const address = options.getString('address', true);
      await ctx.defer(true);
      const result = await asInput(ctx.deps.email.testAccount(ctx.userId, address));
      await ctx.send({
        embeds: [
          result.ok
            ? successEmbed(`${result.account.emailAddress} works`, result.message)
            : warningEmbed(`${result.account.emailAddress} does not connect`, clip(result.message, 1000)),
        ],
      });
      return undefined;
    },
  },
};
