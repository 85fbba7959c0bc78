/** Short silent subtext lines (`-# …`) Clara posts about her own state: queue positions, stops, progress. */
import { type Message, MessageFlags } from 'discord.js';
import type { Logger } from 'pino';

/** Replies to `message` with a silent subtext line, pinging nobody; failures are logged, never thrown. */
export async function subtextReply(message: Message, text: string, log: Logger): Promise<void> {
  await message
    .reply({
      content: `-# ${text}`,
      flags: MessageFlags.SuppressNotifications,
      allowedMentions: { parse: [], repliedUser: false },
    })
    .catch((error) => log.warn({ err: error, messageId: message.id }, 'could not post a notice'));
}

/** Posts a silent subtext line in the message's channel; failures are logged, never thrown. */
export async function subtextSend(message: Message, text: string, log: Logger): Promise<void> {
  if (!message.channel.isSendable()) return;
  await message.channel
    .send({
      content: `-# ${text}`,
      flags: MessageFlags.SuppressNotifications,
      allowedMentions: { parse: [] },
    })
    .catch((error) => log.warn({ err: error, channelId: message.channelId }, 'could not post a notice'));
}
