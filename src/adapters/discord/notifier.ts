/**
 * Email alerts in Discord (issue 7): a person's alerts arrive as a DM; channel-wide alerts in the channel set for the
 * mailbox (`/email channel`, or the log channel DISCORD_LOG_CHANNEL_ID), starting with a mention of the owner. A
 * mention pings only when pinging is on; DMs notify for high and urgent alerts (and with pinging on) and arrive
 * silently otherwise. Alerts for people who are not Discord users go to the fallback notifier.
 */
import { type Client, MessageFlags, type SendableChannels } from 'discord.js';
import { type EmailAlert, formatAlert, formatDigest, type Notifier } from '../../email/index.js';
import { splitMessage } from './chunking.js';

const DISCORD_USER = /^discord-(\d+)$/;

export class DiscordNotifier implements Notifier {
  constructor(
    private readonly client: Client,
    private readonly fallback: Notifier,
  ) {}

  async sendAlert(alert: EmailAlert): Promise<{ messageId?: string } | undefined> {
    const channel = await this.channelFor(alert);
    if (!channel) return this.fallback.sendAlert(alert);
    const urgent = alert.importance === 'urgent' || alert.importance === 'high';
    return this.post(
      channel,
      alert,
      formatAlert(alert),
      alert.ping || (urgent && alert.target.kind === 'user'),
    );
  }

  async sendDigest(alerts: EmailAlert[]): Promise<{ messageId?: string } | undefined> {
    const first = alerts[0];
    if (!first) return undefined;
    const channel = await this.channelFor(first);
    if (!channel) return this.fallback.sendDigest(alerts);
    return this.post(channel, first, formatDigest(alerts), false);
  }

  private async channelFor(alert: EmailAlert): Promise<SendableChannels | undefined> {
    if (alert.target.kind === 'channel') {
      const channel = await this.client.channels.fetch(alert.target.channelId);
      if (!channel?.isSendable())
        throw new Error(`Discord channel ${alert.target.channelId} cannot receive messages`);
      return channel;
    }
    const id = DISCORD_USER.exec(alert.target.userId)?.[1];
    return id ? this.client.users.createDM(id) : undefined;
  }

  /** Channel posts start with the owner's mention (pinging only when `notify`); silent unless `notify`. */
  private async post(
    channel: SendableChannels,
    alert: EmailAlert,
    text: string,
    notify: boolean,
  ): Promise<{ messageId: string }> {
    const owner = alert.target.kind === 'channel' ? DISCORD_USER.exec(alert.userId)?.[1] : undefined;
    const content = owner ? `<@${owner}> ${text}` : text;
    let messageId = '';
    for (const chunk of splitMessage(content)) {
      const sent = await channel.send({
        content: chunk,
        allowedMentions: { parse: [], users: owner && notify && !messageId ? [owner] : [] },
        flags: notify ? undefined : MessageFlags.SuppressNotifications,
      });
      messageId ||= sent.id;
    }
    return { messageId };
  }
}
