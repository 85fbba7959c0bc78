/**
 * Email alerts in Discord (issue 7): a person's alerts arrive as a DM, channel-wide alerts in their channel (the
 * log channel by default). Alerts for people who are not Discord users go to the fallback notifier.
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
    return this.post(channel, formatAlert(alert), alert.ping && alert.target.kind === 'user');
  }

  async sendDigest(alerts: EmailAlert[]): Promise<{ messageId?: string } | undefined> {
    const first = alerts[0];
    if (!first) return undefined;
    const channel = await this.channelFor(first);
    if (!channel) return this.fallback.sendDigest(alerts);
    return this.post(channel, formatDigest(alerts), false);
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

  private async post(channel: SendableChannels, text: string, ping: boolean): Promise<{ messageId: string }> {
    let messageId = '';
    for (const chunk of splitMessage(text)) {
      const sent = await channel.send({
        content: chunk,
        allowedMentions: { parse: [] },
        flags: ping ? undefined : MessageFlags.SuppressNotifications,
      });
      messageId ||= sent.id;
    }
    return { messageId };
  }
}
