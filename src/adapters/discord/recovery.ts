/**
 * After a restart: Discord messages that were stored (so the person's words are safe) but never answered — the
 * process died mid-turn — are fetched again so the bot can answer them. A reply that was cut off is found (the
 * bot's message replying to it) so it is edited into the full answer instead of answering twice.
 */
import type { Client, Message } from 'discord.js';
import type { Logger } from 'pino';
import type { Repositories } from '../../db/index.js';

export interface Unanswered {
  message: Message;
  /** The cut-off reply from before the restart, if one was already visible. */
  resumeInto?: Message;
}

const CHANNEL_OWNER = /^discord-channel-(\d+)$/;
const DM_OWNER = /^discord-dm-(\d+)$/;

export async function findUnanswered(
  client: Client<true>,
  repos: Repositories,
  options: { since: Date; logger: Logger; limit?: number },
): Promise<Unanswered[]> {
  const rows = await repos.messages.unanswered({
    ownerPrefix: 'discord-',
    since: options.since,
    limit: options.limit ?? 50,
  });
  const out: Unanswered[] = [];
  for (const row of rows) {
    if (!row.platformMessageId) continue;
    try {
      const message = await fetchMessage(client, row.userId, row.platformMessageId);
      if (!message) continue;
      out.push({ message, resumeInto: await cutReply(client, message) });
    } catch (error) {
      options.logger.warn(
        { err: error, messageId: row.platformMessageId },
        'a message left unanswered before the restart could not be fetched; skipping it',
      );
    }
  }
  return out;
}

async function fetchMessage(
  client: Client<true>,
  owner: string,
  messageId: string,
): Promise<Message | undefined> {
  const channelId = CHANNEL_OWNER.exec(owner)?.[1];
  if (channelId) {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased()) return undefined;
    return channel.messages.fetch(messageId);
  }
  const userId = DM_OWNER.exec(owner)?.[1];
  if (!userId) return undefined;
  const dm = await client.users.createDM(userId);
  return dm.messages.fetch(messageId);
}

async function cutReply(client: Client<true>, message: Message): Promise<Message | undefined> {
  const after = await message.channel.messages.fetch({ after: message.id, limit: 50 });
  return [...after.values()]
    .sort((a, b) => a.createdTimestamp - b.createdTimestamp)
    .find(
      (m) =>
        m.author.id === client.user.id &&
        m.reference?.messageId === message.id &&
        !m.flags.has('SuppressNotifications'),
    );
}
