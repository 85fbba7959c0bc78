/**
 * The Discord bot: connects, admits messages through the pipeline of spec §1.3 (bots and replays dropped, channel
 * mode, allow-lists, text commands, stop phrases, per-person rate limit) and hands them to the per-channel queue,
 * whose tasks the Responder answers. One-time work (slash command sync, answering messages left unanswered by a
 * crash) runs on the first ready only: reconnects never start anything twice.
 */
import {
  type Client,
  type ClientOptions,
  Events,
  type Interaction,
  type Message,
  type MessageReaction,
} from 'discord.js';
import type { Logger } from 'pino';
import type { ChannelMode, Repositories } from '../../db/index.js';
import type { Tier } from '../../domain/index.js';
import type { ChannelSummaries, Engine } from '../../engine/index.js';
import { ChannelQueue } from './channel-queue.js';
import { createDiscordClient } from './client.js';
import { channelName, displayNameOf, guildInfo, HistoryCache } from './context.js';
import type { BotEvent, BotEventListener } from './events.js';
import { allowListVerdict, isStopPhrase, modeVerdict, RecentIds } from './intake.js';
import { subtextReply, subtextSend } from './notices.js';
import { UserRateLimiter } from './rate-limit.js';
import { findUnanswered } from './recovery.js';
import { Responder, type ResponderDeps } from './responder.js';
import type { DiscordSettings } from './settings.js';

export interface BotCommands {
  /** Syncs application (slash) commands; returns how many. */
  register(client: Client<true>): Promise<number>;
  handle(interaction: Interaction): Promise<void>;
  /** Guild text commands (`@Clara channel set active`); resolves true when the message was a command. */
  handleText?(message: Message): Promise<boolean>;
  tierPreference?(guildId: string): Promise<Tier | 'auto' | undefined>;
}

export interface DiscordBotDeps {
  settings: DiscordSettings;
  engine: Engine;
  repos: Repositories;
  logger: Logger;
  summaries?: ChannelSummaries;
  commands?: BotCommands;
  saveAttachment?: ResponderDeps['saveAttachment'];
  onEvent?: BotEventListener;
  /** Extra discord.js options (tests: a no-wait identify throttler). */
  clientOptions?: Partial<ClientOptions>;
  now?: () => Date;
}

interface Work {
  message: Message;
  dm: boolean;
  addressed: boolean;
  resumeInto?: Message;
  /** The ⏳ reaction shown while an active-mode message waits (removal waits for it to be added). */
  hourglass?: Promise<MessageReaction>;
}

const SHUTDOWN_NOTE = '-# ⏸️ Clara is restarting; she will finish this answer when she is back.';

export class DiscordBot {
  readonly client: Client;
  private readonly log: Logger;
  private readonly recent = new RecentIds();
  private readonly limiter: UserRateLimiter;
  private readonly queue: ChannelQueue<Work>;
  private readonly responder: Responder;
  private readonly history = new HistoryCache();
  private readyOnce: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly deps: DiscordBotDeps) {
    this.log = deps.logger;
    this.client = createDiscordClient(deps.settings.apiUrl, deps.clientOptions);
    this.limiter = new UserRateLimiter(
      deps.settings.rateLimitMessages,
      deps.settings.rateLimitWindowSeconds * 1000,
    );
    this.responder = new Responder({
      settings: deps.settings,
      engine: deps.engine,
      logger: deps.logger,
      botId: () => this.client.user?.id ?? '',
      summaries: deps.summaries,
      history: this.history,
      saveAttachment: deps.saveAttachment,
      tierPreference: deps.commands?.tierPreference?.bind(deps.commands),
      // A stop phrase cannot arrive once stopping, so an abort while stopping is the shutdown.
      abortedNote: () => (this.stopping ? SHUTDOWN_NOTE : undefined),
      onReply: (anchor, reply) => {
        if (!reply.done) return;
        this.emit({
          type: 'response',
          dm: !anchor.guild,
          guild: anchor.guild?.name,
          channel: channelName(anchor),
          userId: anchor.author.id,
          userName: displayNameOf(anchor),
          content: reply.text.slice(0, 200),
          firstVisibleMs:
            reply.firstVisibleAt === undefined ? undefined : reply.firstVisibleAt - anchor.createdTimestamp,
          edits: reply.edits,
        });
      },
      now: deps.now,
    });
    this.queue = new ChannelQueue<Work>({
      run: (_channelId, items, info, signal) => this.runWork(items, info, signal),
      onQueued: (work, { position }) => void this.queuedNotice(work, position),
      onError: (channelId, error, items) => {
        const ids = {
          messageIds: items.map((w) => w.message.id),
          userIds: items.map((w) => w.message.author.id),
        };
        this.log.error({ err: error, channelId, ...ids }, 'a Discord reply failed');
        this.emit({ type: 'error', where: 'reply', message: String(error) });
      },
    });
    this.wireEvents();
  }

  /** Logs in and resolves once the first ready has been handled. */
  async start(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      this.client.once(Events.ClientReady, (client) => {
        this.readyOnce ??= this.onFirstReady(client).then(resolve, reject);
      });
    });
    await this.client.login(this.deps.settings.token);
    await ready;
  }

  queueStats() {
    return this.queue.stats();
  }

  /**
   * Graceful stop: no new messages are taken; replies in progress get `timeoutMs` to finish, then they are cut
   * with a note (their messages are stored, so they are answered after the restart); queued people are told.
   */
  async stop(timeoutMs = 15_000): Promise<void> {
    await this.stopAccepting(timeoutMs);
    await this.disconnect();
  }

  /** First half of `stop`: replies finish or are cut, queued people are told; the connection stays open. */
  async stopAccepting(timeoutMs = 15_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const left = await this.queue.close(timeoutMs);
    await Promise.all(
      left.map((work) =>
        work.message
          .reply({
            content:
              '-# ⏸️ Clara is restarting and could not get to this message; please send it again in a minute.',
            allowedMentions: { parse: [], repliedUser: false },
          })
          .catch(() => undefined),
      ),
    );
  }

  async disconnect(): Promise<void> {
    await this.client.destroy();
  }

  private emit(event: BotEvent): void {
    try {
      this.deps.onEvent?.(event);
    } catch (error) {
      this.log.warn({ err: error }, 'a Discord event listener failed');
    }
  }

  private wireEvents(): void {
    const client = this.client;
    client.on(Events.MessageCreate, (message) => {
      this.onMessage(message).catch((error) => {
        this.log.error(
          { err: error, messageId: message.id, userId: message.author.id, channelId: message.channelId },
          'message handling failed',
        );
        this.emit({ type: 'error', where: 'message', message: String(error) });
      });
    });
    client.on(Events.InteractionCreate, (interaction) => {
      if (!this.deps.commands) return;
      this.deps.commands.handle(interaction).catch((error) => {
        this.log.error({ err: error, interactionId: interaction.id }, 'interaction handling failed');
        this.emit({ type: 'error', where: 'interaction', message: String(error) });
      });
    });
    client.on(Events.GuildCreate, (guild) => {
      if (this.readyOnce) this.emit({ type: 'guild_join', guild: guildInfo(guild) });
    });
    client.on(Events.GuildDelete, (guild) => this.emit({ type: 'guild_leave', guild: guildInfo(guild) }));
    client.on(Events.ShardDisconnect, () => {
      this.history.reset();
      this.emit({ type: 'connection', state: 'disconnected' });
    });
    client.on(Events.ShardReconnecting, () => this.emit({ type: 'connection', state: 'reconnecting' }));
    client.on(Events.ShardResume, () =>
      this.emit({ type: 'connection', state: 'resumed', latencyMs: client.ws.ping }),
    );
    client.on(Events.ShardReady, () => {
      // A fresh session (not a resume): messages sent meanwhile were never delivered, so refetch history.
      this.history.reset();
      if (this.readyOnce) this.emit({ type: 'connection', state: 'connected', latencyMs: client.ws.ping });
    });
    client.on(Events.Error, (error) => {
      this.log.error({ err: error }, 'Discord client error');
      this.emit({ type: 'error', where: 'client', message: String(error) });
    });
    client.on(Events.Warn, (message) => this.log.warn({ discord: message }, 'Discord client warning'));
  }

  private async onFirstReady(client: Client<true>): Promise<void> {
    this.log.info({ user: client.user.tag, latencyMs: client.ws.ping }, 'Connected to Discord');
    if (this.deps.settings.clientId)
      this.log.info(
        `Invite link: https://discord.com/oauth2/authorize?client_id=${this.deps.settings.clientId}&permissions=274877991936&scope=bot%20applications.commands`,
      );
    this.emit({
      type: 'ready',
      botUser: { id: client.user.id, tag: client.user.tag },
      guilds: [...client.guilds.cache.values()].map(guildInfo),
      latencyMs: client.ws.ping,
    });
    if (this.deps.commands) {
      try {
        const count = await this.deps.commands.register(client);
        this.log.info({ count }, 'Slash commands synced');
      } catch (error) {
        this.log.error({ err: error }, 'could not sync slash commands; text chat still works');
      }
    }
    await this.recover(client);
  }

  /** Messages stored before a crash but never answered get their answer now (editing the cut reply if any). */
  private async recover(client: Client<true>): Promise<void> {
    const minutes = this.deps.settings.recoveryMinutes;
    if (minutes <= 0) return;
    try {
      const pending = await findUnanswered(client, this.deps.repos, {
        since: new Date((this.deps.now?.() ?? new Date()).getTime() - minutes * 60_000),
        logger: this.log,
      });
      for (const item of pending) {
        this.log.info({ messageId: item.message.id }, 'answering a message left unanswered before a restart');
        this.recent.firstTime(item.message.id);
        this.queue.submit(
          item.message.channelId,
          { ...item, dm: !item.message.guild, addressed: true },
          false,
        );
      }
    } catch (error) {
      this.log.warn({ err: error }, 'could not look for messages left unanswered before the restart');
    }
  }

  private async onMessage(message: Message): Promise<void> {
    if (this.stopping) return;
    const botId = this.client.user?.id;
    if (!botId || message.author.id === botId) return;
    // Other bots and webhooks are ignored on purpose (no bot loops); system messages carry no request.
    if (message.author.bot || message.webhookId || message.system) return;
    if (!this.recent.firstTime(message.id)) {
      this.log.warn({ messageId: message.id }, 'duplicate message event dropped (gateway replay)');
      return;
    }
    const dm = !message.inGuild();
    let addressed = dm;
    if (message.inGuild()) {
      // People also mention the bot's own managed role (Discord offers it in the @ menu).
      const botRole = message.guild.members.me?.roles.botRole?.id;
      addressed =
        message.mentions.users.has(botId) ||
        message.mentions.repliedUser?.id === botId ||
        (botRole !== undefined && message.mentions.roles.has(botRole));
      const mode = await this.channelMode(message);
      const gate = modeVerdict(mode, addressed);
      if (!gate.ok) return this.skip(message, gate.reason);
      const allowed = allowListVerdict(
        {
          guildId: message.guildId,
          channelIds: [
            message.channelId,
            ...(message.channel.isThread() && message.channel.parentId ? [message.channel.parentId] : []),
          ],
          roleIds: [...(message.member?.roles.cache.keys() ?? [])],
        },
        this.deps.settings,
      );
      if (!allowed.ok) return this.skip(message, allowed.reason);
    }
    this.emit({
      type: 'message',
      dm,
      guild: message.guild?.name,
      channel: channelName(message),
      userId: message.author.id,
      userName: displayNameOf(message),
      content: message.content.slice(0, 500),
      messageId: message.id,
    });
    if (!dm && this.deps.commands?.handleText && (await this.deps.commands.handleText(message))) return;
    if (isStopPhrase(message.content, this.deps.settings.stopPhrases)) return this.stopChannel(message);
    if (!message.content.trim() && message.attachments.size === 0 && !addressed) return;
    const limit = this.limiter.take(message.author.id);
    if (!limit.ok) {
      if (limit.notify)
        await subtextReply(
          message,
          `⏳ You're sending messages faster than I can answer. I'll take new ones again in ${limit.retryAfterSeconds} s.`,
          this.log,
        );
      return;
    }
    this.queue.submit(message.channelId, { message, dm, addressed }, !dm && !addressed);
  }

  private async channelMode(message: Message<true>): Promise<ChannelMode> {
    const own = await this.deps.repos.channelConfigs.get(message.channelId);
    if (own) return own.mode;
    const parentId = message.channel.isThread() ? message.channel.parentId : null;
    if (parentId) return (await this.deps.repos.channelConfigs.get(parentId))?.mode ?? 'mention';
    return 'mention';
  }

  private skip(message: Message, reason: string): void {
    this.log.debug({ messageId: message.id, channelId: message.channelId, reason }, 'message not answered');
  }

  private async stopChannel(message: Message): Promise<void> {
    const { cancelled, cleared } = this.queue.cancel(message.channelId);
    for (const work of cleared) this.removeHourglass(work);
    const text =
      cancelled || cleared.length > 0
        ? `🛑 stopping, cancelled current task${cleared.length > 0 ? ` and ${cleared.length} queued message(s)` : ''}`
        : 'nothing was running';
    if (cancelled)
      this.emit({
        type: 'system',
        text: `Stopped by ${displayNameOf(message)} in ${channelName(message) ?? 'DM'}`,
      });
    await subtextReply(message, text, this.log);
  }

  private async queuedNotice(work: Work, position: number): Promise<void> {
    try {
      if (work.dm || work.addressed)
        await subtextReply(work.message, `⏳ busy, your request is queued (position ${position})`, this.log);
      else {
        work.hourglass = work.message.react('⏳');
        await work.hourglass;
      }
    } catch (error) {
      this.log.warn({ err: error, messageId: work.message.id }, 'could not show the queue position');
    }
  }

  private async runWork(
    items: Work[],
    info: { waitedMs: number; fromQueue: boolean },
    signal: AbortSignal,
  ): Promise<void> {
    const messages = items.map((w) => w.message);
    const waited = `${Math.round(info.waitedMs / 1000)}s`;
    if (info.fromQueue) {
      for (const work of items) this.removeHourglass(work);
      const anchor = messages.at(-1) as Message;
      if (items.length > 1)
        await subtextSend(anchor, `📨 catching up on ${items.length} messages (waited ${waited})`, this.log);
      else if (items[0]?.dm || items[0]?.addressed)
        await subtextReply(anchor, `▶️ starting your queued request (waited ${waited})`, this.log);
    }
    await this.responder.respond(messages, signal, { resumeInto: items.at(-1)?.resumeInto });
  }

  private removeHourglass(work: Work): void {
    const reaction = work.hourglass;
    if (!reaction) return;
    work.hourglass = undefined;
    reaction
      .then((r) => r.users.remove(this.client.user?.id))
      .catch((error) => {
        this.log.debug({ err: error, messageId: work.message.id }, 'could not remove the ⏳ reaction');
      });
  }
}
