/**
 * Registers Clara's slash commands and answers every interaction they produce: chat-input commands, the confirm
 * buttons, the help menu and the mailbox form. Unknown commands get a clear ephemeral answer; errors become a
 * short error embed (never a stack trace) and a log line with context; admin commands are permission-checked
 * and audited.
 */
import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  CommandInteractionOption,
  Interaction,
  Message,
} from 'discord.js';
import type { Tier } from '../../../domain/index.js';
import { backupHandlers } from './backup-commands.js';
import { handleChannelCommand } from './channel-text-command.js';
import { claraHandlers, selectHelpTopic } from './clara-commands.js';
import {
  CommandContext,
  CommandError,
  type HandledInteraction,
  isExpiredInteraction,
  type Scheduler,
} from './context.js';
import { EMAIL_ADD_MODAL_ID, HELP_SELECT_ID, PREFIX, parseConfirmId } from './custom-ids.js';
import { commandDefinitions } from './definitions.js';
import type { SlashCommandDeps } from './deps.js';
import { emailHandlers, submitEmailAdd } from './email-commands.js';
import { emailRuleHandlers } from './email-rule-commands.js';
import { errorEmbed, infoEmbed, warningEmbed } from './embeds.js';
import { guildSettingsHandlers, guildTierPreference } from './guild-settings-commands.js';
import type { HandlerTable, SubcommandHandler } from './handler.js';
import { confirmMcpUninstall, mcpHandlers } from './mcp-commands.js';
import { mcpOAuthHandlers } from './mcp-oauth-commands.js';
import { confirmMemoryClear, memoryHandlers } from './memory-commands.js';

const HANDLERS: HandlerTable = {
  ...mcpHandlers,
  ...mcpOAuthHandlers,
  ...guildSettingsHandlers,
  ...memoryHandlers,
  ...emailHandlers,
  ...emailRuleHandlers,
  ...backupHandlers,
  ...claraHandlers,
};

/** `mcp install`, `email account add`. */
export function commandPath(interaction: ChatInputCommandInteraction): string {
  const group = interaction.options.getSubcommandGroup(false);
  const sub = interaction.options.getSubcommand(false);
  return [interaction.commandName, group, sub].filter(Boolean).join(' ');
}

/** The leaf options as a plain record (for the audit log; secrets are removed there). */
function optionValues(options: readonly CommandInteractionOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const option of options) {
    if (option.options) Object.assign(out, optionValues(option.options));
    else if (option.value !== undefined) out[option.name] = option.value;
  }
  return out;
}

export class SlashCommands {
  /** Pending "remove the expired confirm buttons" edits; cleared by close(). */
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: SlashCommandDeps) {}

  /** Stops pending timers (the buttons of a stopped Clara still answer "expired" after a restart). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private readonly schedule: Scheduler = (ms, task) => {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task().catch((error: unknown) =>
        this.deps.logger.warn({ err: String(error) }, 'Could not remove expired confirm buttons'),
      );
    }, ms);
    timer.unref();
    this.timers.add(timer);
  };

  private context(interaction: HandledInteraction, action: string): CommandContext {
    return new CommandContext(interaction, this.deps, action, this.schedule);
  }

  /** Replaces the global commands with Clara's; returns how many are registered. */
  async register(client: Client<true>): Promise<number> {
    const registered = await client.application.commands.set(commandDefinitions());
    this.deps.logger.info({ count: registered.size }, 'Slash commands registered');
    return registered.size;
  }

  /** The text channel command (`@Clara channel set active`); true when the message was one (and is answered). */
  handleText(message: Message): Promise<boolean> {
    return handleChannelCommand(message, {
      repos: this.deps.repos,
      adminRoleName: this.deps.settings.adminRoleName,
      logger: this.deps.logger,
    });
  }

  /** The server's `/model` choice for the message pipeline (see guildTierPreference). */
  tierPreference(guildId: string): Promise<Tier | 'auto' | undefined> {
    return guildTierPreference(this.deps.repos, guildId);
  }

  /** Answers one interaction; ignores components and modals that are not Clara's. */
  async handle(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      await this.command(interaction);
      return;
    }
    if (interaction.isButton() && interaction.customId.startsWith(PREFIX)) {
      await this.guard(this.context(interaction, 'button'), () => this.button(interaction));
      return;
    }
    if (interaction.isStringSelectMenu() && interaction.customId === HELP_SELECT_ID) {
      const ctx = this.context(interaction, '/clara help (topic)');
      await this.guard(ctx, () => selectHelpTopic(ctx, interaction.values[0]));
      return;
    }
    if (interaction.isModalSubmit() && interaction.customId === EMAIL_ADD_MODAL_ID) {
      const ctx = this.context(interaction, '/email account add');
      await this.guard(ctx, () => submitEmailAdd(ctx));
    }
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const path = commandPath(interaction);
    const ctx = this.context(interaction, `/${path}`);
    const handler = HANDLERS[path];
    if (!handler) {
      this.deps.logger.warn({ command: path, user: interaction.user.id }, 'Unknown slash command');
      await this.guard(ctx, () =>
        ctx.send({
          ephemeral: true,
          embeds: [
            warningEmbed(
              'Unknown command',
              `\`/${path}\` is not a command this version of Clara knows (the command list may be out of date; it is refreshed when Clara starts). See \`/clara help\`.`,
            ),
          ],
        }),
      );
      return;
    }
    await this.guard(ctx, () => this.run(ctx, interaction, handler));
  }

  private async run(
    ctx: CommandContext,
    interaction: ChatInputCommandInteraction,
    handler: SubcommandHandler,
  ): Promise<void> {
    const details = optionValues(interaction.options.data);
    if (handler.guildOnly && !ctx.guildId) {
      await ctx.send({
        ephemeral: true,
        embeds: [
          infoEmbed('Servers only', `\`${ctx.action}\` changes a server setting; run it inside a server.`),
        ],
      });
      return;
    }
    if (!(await ctx.ensureLevel(handler.level, details))) return;
    if (!handler.audited) {
      await handler.run(ctx, interaction.options);
      return;
    }
    try {
      const outcome = await handler.run(ctx, interaction.options);
      await ctx.audit({
        action: ctx.action,
        target: outcome?.target ?? null,
        details,
        result: outcome?.result ?? 'ok',
        message: outcome?.message ?? null,
      });
    } catch (error) {
      await ctx.audit({
        action: ctx.action,
        details,
        result: 'error',
        message: (error as Error)?.message ?? String(error),
      });
      throw error;
    }
  }

  private async button(interaction: ButtonInteraction): Promise<void> {
    const confirm = parseConfirmId(interaction.customId);
    const label = confirm?.action === 'mcp-uninstall' ? '/mcp uninstall' : '/memory clear';
    const ctx = this.context(interaction, `${label} (confirm)`);
    if (!confirm) {
      await ctx.send({
        ephemeral: true,
        embeds: [
          warningEmbed('Unknown button', 'This button belongs to an older Clara; run the command again.'),
        ],
      });
      return;
    }
    if (confirm.userId !== interaction.user.id) {
      await ctx.send({
        ephemeral: true,
        embeds: [errorEmbed('Not your button', 'Only the person who ran the command can answer it.')],
      });
      return;
    }
    if (confirm.answer === 'no') {
      await ctx.update({ embeds: [infoEmbed('Cancelled', 'Nothing was changed.')] });
      return;
    }
    if (ctx.now.getTime() > confirm.expiresAt.getTime()) {
      await ctx.update({
        embeds: [
          warningEmbed('Confirmation expired', `The buttons work for 60 seconds; run \`${label}\` again.`),
        ],
      });
      return;
    }
    if (confirm.action === 'mcp-uninstall') await confirmMcpUninstall(ctx, confirm.target);
    else await confirmMemoryClear(ctx);
  }

  /** Runs `work`; failures become an error embed and a log line with context. */
  private async guard(ctx: CommandContext, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const interaction: HandledInteraction = ctx.interaction;
      const context = {
        action: ctx.action,
        user: interaction.user.id,
        guild: interaction.guildId,
        channel: interaction.channelId,
      };
      if (isExpiredInteraction(error)) {
        this.deps.logger.warn(
          { ...context, err: String(error) },
          'Interaction expired before Clara answered',
        );
        return;
      }
      if (error instanceof CommandError)
        this.deps.logger.info({ ...context, reason: error.message }, 'Command refused');
      else
        this.deps.logger.error(
          { ...context, err: error instanceof Error ? error.message : String(error) },
          'Command failed',
        );
      try {
        await ctx.fail(error);
      } catch (sendError) {
        this.deps.logger.warn({ ...context, err: String(sendError) }, 'Could not send the error answer');
      }
    }
  }
}
