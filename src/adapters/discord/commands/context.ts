/**
 * One interaction being answered: who asked and where, replying (first answer or edit of a deferred one),
 * permission checks with the Permission denied answer, and audit records.
 */
import {
  type ActionRowBuilder,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type EmbedBuilder,
  GuildMember,
  type MessageActionRowComponentBuilder,
  MessageFlags,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import { discordUserId } from '../../../domain/index.js';
import { type AuditEntry, recordAudit } from './audit.js';
import { CONFIRM_TIMEOUT_MS, confirmRow } from './confirm-view.js';
import type { ConfirmAction } from './custom-ids.js';
import type { SlashCommandDeps } from './deps.js';
import { errorEmbed, infoEmbed, permissionDeniedEmbed } from './embeds.js';
import { describeLevel, hasLevel, type PermissionLevel } from './permissions.js';

export type HandledInteraction =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | StringSelectMenuInteraction
  | ModalSubmitInteraction;

export interface ReplyPayload {
  embeds: EmbedBuilder[];
  components?: ActionRowBuilder<MessageActionRowComponentBuilder>[];
  /** Only for a first answer (a deferred answer keeps the visibility chosen when deferring). */
  ephemeral?: boolean;
}

/** An error whose message is meant for the person (bad input, missing setup): shown as is. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly title = 'Could not do that',
  ) {
    super(message);
  }
}

/** Discord said the interaction token is gone (answered too late): nothing more can be sent. */
export function isExpiredInteraction(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.code === 10062 || error.code === 10015);
}

/** Runs `task` after `ms` unless Clara stops first (owned by SlashCommands). */
export type Scheduler = (ms: number, task: () => Promise<void>) => void;

export class CommandContext {
  constructor(
    readonly interaction: HandledInteraction,
    readonly deps: SlashCommandDeps,
    /** What is running, for logs and the audit log: `/mcp install`, `/mcp uninstall (confirm)`. */
    readonly action: string,
    private readonly schedule?: Scheduler,
  ) {}

  get rawUserId(): string {
    return this.interaction.user.id;
  }

  /** The memory / email user id: `discord-<id>`. */
  get userId(): string {
    return discordUserId(this.interaction.user.id);
  }

  get guildId(): string | null {
    return this.interaction.guildId;
  }

  get channelId(): string | null {
    return this.interaction.channelId;
  }

  get actorName(): string {
    const member = this.interaction.member;
    if (member instanceof GuildMember) return member.displayName;
    if (member && 'nick' in member && member.nick) return member.nick;
    return this.interaction.user.globalName ?? this.interaction.user.username;
  }

  get now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  hasLevel(level: PermissionLevel): boolean {
    const { interaction } = this;
    return hasLevel(
      {
        guild: interaction.guild,
        guildId: interaction.guildId,
        member: interaction.member,
        permissions: interaction.memberPermissions,
      },
      level,
      this.deps.settings.adminRoleName,
    );
  }

  /**
   * True when the person may run this; otherwise answers with an ephemeral Permission denied embed naming what is
   * needed, writes a `denied` audit record, and returns false.
   */
  async ensureLevel(level: PermissionLevel, details?: Record<string, unknown>): Promise<boolean> {
    if (this.hasLevel(level)) return true;
    const needed = this.guildId
      ? describeLevel(level, this.deps.settings.adminRoleName)
      : `${describeLevel(level, this.deps.settings.adminRoleName)} in a server (admin commands do not work in DMs)`;
    await this.audit({
      action: this.action,
      result: 'denied',
      message: `needs ${needed.replaceAll('*', '')}`,
      ...(details ? { details } : {}),
    });
    await this.send({ embeds: [permissionDeniedEmbed(needed)], ephemeral: true });
    return false;
  }

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(
      this.deps.repos,
      this.deps.logger,
      {
        guildId: this.guildId,
        channelId: this.channelId,
        actorId: this.userId,
        actorName: this.actorName,
      },
      entry,
    );
  }

  async defer(ephemeral = false): Promise<void> {
    const { interaction } = this;
    if (interaction.deferred || interaction.replied) return;
    if (interaction.isButton() || interaction.isStringSelectMenu()) {
      await interaction.deferUpdate();
      return;
    }
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  }

  /** First answer, or an edit of the deferred / earlier answer. */
  async send(payload: ReplyPayload): Promise<void> {
    const { interaction } = this;
    const body = { embeds: payload.embeds, components: payload.components ?? [] };
    if (interaction.deferred || interaction.replied) {
      await interaction.editReply(body);
      return;
    }
    await interaction.reply({ ...body, ...(payload.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  }

  /** For buttons and selects: replaces the message the component is on. */
  async update(payload: ReplyPayload): Promise<void> {
    const { interaction } = this;
    const body = { embeds: payload.embeds, components: payload.components ?? [] };
    if (interaction.isButton() || interaction.isStringSelectMenu()) {
      if (interaction.deferred || interaction.replied) await interaction.editReply(body);
      else await interaction.update(body);
      return;
    }
    await this.send(payload);
  }

  /**
   * ConfirmView: an ephemeral question with Confirm / Cancel for this person, valid `confirmTimeoutMs` (60 s).
   * When nobody answered in time the buttons are removed (best effort; an old button still answers "expired").
   */
  async askToConfirm(action: ConfirmAction, target: string, question: EmbedBuilder): Promise<void> {
    const timeoutMs = this.deps.confirmTimeoutMs ?? CONFIRM_TIMEOUT_MS;
    await this.send({
      ephemeral: true,
      embeds: [question],
      components: [confirmRow(action, target, this.rawUserId, this.now, timeoutMs)],
    });
    this.schedule?.(timeoutMs, async () => {
      const reply = await this.interaction.fetchReply();
      if (!JSON.stringify(reply.components.map((row) => row.toJSON())).includes('clara:cf:')) return;
      await this.interaction.editReply({
        embeds: [
          infoEmbed(
            'Confirmation timed out',
            'Nothing was changed; run the command again if you still want to.',
          ),
        ],
        components: [],
      });
    });
  }

  /** An error embed with a short message; never a stack trace. */
  async fail(error: unknown): Promise<void> {
    const known = error instanceof CommandError;
    const message = error instanceof Error ? error.message : String(error);
    const shown = message.length > 600 ? `${message.slice(0, 599)}…` : message;
    await this.send({
      embeds: [errorEmbed(known ? (error as CommandError).title : 'Something went wrong', shown)],
      ephemeral: true,
    });
  }
}
