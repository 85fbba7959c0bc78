/**
 * The text form of the channel mode command (spec §1.16): `@Clara channel set active|mention|off`,
 * `channel status`, `channel list`. Only Administrator, Manage Channels or a role named CLARA_ADMIN_ROLE may use
 * it; changes are audited. The intake pipeline calls `handleChannelCommand` before anything else; in a DM it
 * answers that channel commands work in servers only.
 */
import type { Message } from 'discord.js';
import type { ChannelMode, Repositories } from '../../../db/index.js';
import { discordUserId } from '../../../domain/index.js';
import { recordAudit } from './audit.js';
import { CHANNEL_MODES, MODE_DESCRIPTIONS } from './clara-commands.js';
import type { CommandLogger } from './deps.js';
import { clip } from './embeds.js';
import { hasLevel } from './permissions.js';

export type ChannelCommand =
  | { kind: 'set'; mode: ChannelMode }
  | { kind: 'invalid-mode'; given: string }
  | { kind: 'status' }
  | { kind: 'list' }
  | { kind: 'usage' };

const MENTION = /<@!?\d+>/g;

/** The command in `text`, or undefined when the text is not a channel command (then it is ordinary chat). */
export function parseChannelCommand(text: string): ChannelCommand | undefined {
  const cleaned = text.replace(MENTION, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
  if (!cleaned.startsWith('channel ')) return undefined;
  const [, verb = '', arg = ''] = cleaned.split(' ');
  if (verb === 'set') {
    const mode = CHANNEL_MODES.find((m) => m === arg);
    return mode ? { kind: 'set', mode } : { kind: 'invalid-mode', given: arg };
  }
  if (verb === 'status') return { kind: 'status' };
  if (verb === 'list') return { kind: 'list' };
  return { kind: 'usage' };
}

export interface ChannelCommandDeps {
  repos: Pick<Repositories, 'channelConfigs' | 'adminAudit'>;
  /** CLARA_ADMIN_ROLE */
  adminRoleName: string;
  logger: CommandLogger;
}

const USAGE = [
  'Channel commands:',
  '• `@Clara channel set active|mention|off` — when Clara answers here',
  '• `@Clara channel status` — this channel’s mode',
  '• `@Clara channel list` — every configured channel of this server',
].join('\n');

async function say(message: Message, content: string): Promise<void> {
  await message.reply({ content: clip(content, 1_900), allowedMentions: { repliedUser: false, parse: [] } });
}

/** True when the message was a channel command (answered here); false = ordinary chat. */
export async function handleChannelCommand(message: Message, deps: ChannelCommandDeps): Promise<boolean> {
  const command = parseChannelCommand(message.content);
  if (!command) return false;
  if (!message.guildId) {
    await say(message, 'Channel commands only work in servers.');
    return true;
  }
  const guildId = message.guildId;
  const actor = {
    guildId,
    channelId: message.channelId,
    actorId: discordUserId(message.author.id),
    actorName: message.member?.displayName ?? message.author.globalName ?? message.author.username,
  };
  const action = command.kind === 'set' ? 'channel set' : `channel ${command.kind}`;
  const allowed = hasLevel(
    {
      guild: message.guild,
      guildId,
      member: message.member,
      permissions: message.member?.permissions ?? null,
    },
    'manage',
    deps.adminRoleName,
  );
  if (!allowed) {
    if (command.kind === 'set' || command.kind === 'invalid-mode') {
      await recordAudit(deps.repos, deps.logger, actor, {
        action,
        target: message.channelId,
        details: command.kind === 'set' ? { mode: command.mode } : { mode: command.given },
        result: 'denied',
        message: 'needs Administrator, Manage Channels or the admin role',
      });
    }
    await say(
      message,
      `You need the Administrator or Manage Channels permission, or the **${deps.adminRoleName}** role, to change how Clara behaves here.`,
    );
    return true;
  }
  switch (command.kind) {
    case 'set': {
      try {
        await deps.repos.channelConfigs.set({
          channelId: message.channelId,
          guildId,
          mode: command.mode,
          configuredBy: actor.actorId,
        });
      } catch (error) {
        await recordAudit(deps.repos, deps.logger, actor, {
          action,
          target: message.channelId,
          details: { mode: command.mode },
          result: 'error',
          message: String((error as Error).message),
        });
        throw error;
      }
      await recordAudit(deps.repos, deps.logger, actor, {
        action,
        target: message.channelId,
        details: { mode: command.mode },
        result: 'ok',
        message: `mode ${command.mode}`,
      });
      await say(message, `Channel mode set to **${command.mode}**: ${MODE_DESCRIPTIONS[command.mode]}`);
      return true;
    }
    case 'invalid-mode':
      await say(
        message,
        `"${command.given || '(nothing)'}" is not a mode. Valid modes: ${CHANNEL_MODES.map((m) => `\`${m}\``).join(', ')}.`,
      );
      return true;
    case 'status': {
      const config = await deps.repos.channelConfigs.get(message.channelId);
      const mode = config?.mode ?? 'mention';
      await say(
        message,
        `This channel is **${mode}**${config ? '' : ' (default)'}: ${MODE_DESCRIPTIONS[mode]}`,
      );
      return true;
    }
    case 'list': {
      const configs = await deps.repos.channelConfigs.listByGuild(guildId);
      await say(
        message,
        configs.length
          ? configs.map((c) => `<#${c.channelId}>: ${c.mode}`).join('\n')
          : 'No channels configured; the default is **mention**.',
      );
      return true;
    }
    default:
      await say(message, USAGE);
      return true;
  }
}
