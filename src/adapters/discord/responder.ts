/**
 * Answers one request — a message, or a batch of active-mode messages — in its channel: reads attachments, builds
 * the context, runs the engine and streams the reply (spec §1.9–§1.13). Images beyond
 * `DISCORD_MAX_IMAGES_PER_REQUEST` are answered in follow-up turns; a reply that asks permission to go on gets an
 * automatic "Yes, go ahead." up to `DISCORD_AUTO_CONTINUE_MAX` times.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type Message, MessageFlags } from 'discord.js';
import type { Logger } from 'pino';
import type { ImageInput, InboundMessage, Tier } from '../../domain/index.js';
import { type ChannelSummaries, type Engine, parseTierPrefix } from '../../engine/index.js';
import { type AttachmentResult, readAttachments } from './attachments.js';
import {
  authorOf,
  cleanContent,
  DISCORD_GUIDELINES,
  describeConversation,
  displayNameOf,
  type HistoryCache,
} from './context.js';
import { failureNotice, messageContext } from './failures.js';
import { asksToContinue } from './intake.js';
import { subtextReply, subtextSend } from './notices.js';
import {
  type OutgoingFile,
  type RenderedReply,
  type ReplyOutput,
  type SentMessage,
  StreamingReply,
} from './reply-renderer.js';
import type { DiscordSettings } from './settings.js';

export interface ResponderDeps {
  settings: DiscordSettings;
  engine: Engine;
  logger: Logger;
  botId: () => string;
  summaries?: ChannelSummaries;
  history?: HistoryCache;
  /** Saves an attachment to the person's file storage (`CLARA_FILES_DIR` / S3). */
  saveAttachment?: (
    owner: { userId: string; channelId: string },
    name: string,
    bytes: Uint8Array,
  ) => Promise<void>;
  /** The server's tier preference (`/model tier`, `/model auto`). */
  tierPreference?: (guildId: string) => Promise<Tier | 'auto' | undefined>;
  /** A reply was delivered (monitor, benchmark). */
  onReply?: (anchor: Message, reply: RenderedReply) => void;
  /** Why the current abort happened, when it was not a stop phrase (shown in the cut reply). */
  abortedNote?: () => string | undefined;
  now?: () => Date;
}

export const SYNTHETIC_CONTINUE = 'Yes, go ahead.';
const BATCH_HEADER = (n: number) =>
  `[${n} messages arrived while you were busy; answer them together, addressing people by name]`;

export interface RespondOptions {
  /** Edit this earlier reply instead of sending a new one (answering after a restart). */
  resumeInto?: Message;
}

export class Responder {
  constructor(private readonly deps: ResponderDeps) {}

  /**
   * Answers `items`; never throws. A failure before or around the engine (a Discord request refused, a bug) gets
   * a short "Sorry, I ran into an error" line to the person and an error log naming the message, person and
   * channel. Failures after a stop phrase or during shutdown stay quiet: the person was already told.
   */
  async respond(items: readonly Message[], signal: AbortSignal, options: RespondOptions = {}): Promise<void> {
    const anchor = items.at(-1) as Message;
    try {
      await this.answer(items, signal, options);
    } catch (error) {
      const context = {
        ...messageContext(anchor),
        ...(items.length > 1 ? { batch: items.map((m) => m.id) } : {}),
      };
      if (signal.aborted) {
        this.deps.logger.debug({ err: error, ...context }, 'a cancelled Discord reply stopped with an error');
        return;
      }
      this.deps.logger.error({ err: error, ...context }, 'could not answer a Discord message');
      await subtextReply(anchor, failureNotice(error), this.deps.logger);
    }
  }

  private async answer(
    items: readonly Message[],
    signal: AbortSignal,
    options: RespondOptions,
  ): Promise<void> {
    const anchor = items.at(-1) as Message;
    const first = items[0] as Message;
    const { settings } = this.deps;
    const read = await Promise.all(items.map((m) => this.attachmentsOf(m, signal)));
    // Attachments Clara could not use: the person hears it from her directly, not only if the model says so.
    await Promise.all(
      items.map((m, i) => {
        const notices = read[i]?.notices ?? [];
        if (notices.length === 0) return undefined;
        return subtextReply(m, notices.join('\n-# ').slice(0, 1900), this.deps.logger);
      }),
    );
    const images = read.flatMap((r) => r.images);
    const batches = chunkImages(images, settings.maxImagesPerRequest);
    const content =
      items.length > 1
        ? [
            BATCH_HEADER(items.length),
            ...items.map((m, i) => `[${displayNameOf(m)}]: ${textOf(m, read[i], this.deps)}`),
          ].join('\n')
        : textOf(anchor, read[0], this.deps);
    const [conversation, tier] = await Promise.all([
      describeConversation(anchor, first, {
        botId: this.deps.botId(),
        historyLimit: settings.historyLimit,
        maxChainMessages: settings.maxChainMessages,
        maxChars: settings.maxChars,
        adminRole: settings.adminRole,
        summaries: this.deps.summaries,
        history: this.deps.history,
        now: () => this.deps.now?.() ?? new Date(),
      }),
      anchor.guild && this.deps.tierPreference ? this.deps.tierPreference(anchor.guild.id) : undefined,
    ]);
    const base: Omit<InboundMessage, 'content'> = {
      platform: 'discord',
      ...authorOf(anchor, settings.adminRole),
      ...conversation,
      platformGuidelines: DISCORD_GUIDELINES,
      sentAt: anchor.createdAt,
      tier,
    };
    if (batches.length > 1) {
      await subtextSend(
        anchor,
        `🖼️ processing ${images.length} images in ${batches.length} batches…`,
        this.deps.logger,
      );
    }
    let reply = await this.turn(
      anchor,
      {
        ...base,
        content,
        attributed: items.length > 1,
        images: batches[0],
        platformMessageId: anchor.id,
      },
      signal,
      options.resumeInto,
    );
    let seen = batches[0]?.length ?? 0;
    for (const batch of batches.slice(1)) {
      if (!reply.done || signal.aborted) return;
      const names = batch.map((image) => image.name).join(', ');
      const text = `Continue with image(s) ${seen + 1}–${seen + batch.length} of ${images.length}: ${names}`;
      seen += batch.length;
      reply = await this.turn(anchor, { ...base, content: text, images: batch, recentContext: [] }, signal);
    }
    for (let depth = 0; depth < settings.autoContinueMax; depth++) {
      if (!settings.autoContinue || !reply.done || signal.aborted || !asksToContinue(reply.text)) return;
      await subtextSend(anchor, '▶️ proceeding automatically…', this.deps.logger);
      reply = await this.turn(
        anchor,
        { ...base, content: SYNTHETIC_CONTINUE, recentContext: [], sentAt: this.deps.now?.() ?? new Date() },
        signal,
      );
    }
  }

  private async turn(
    anchor: Message,
    inbound: InboundMessage,
    signal: AbortSignal,
    resumeInto?: Message,
  ): Promise<RenderedReply> {
    const renderer = new StreamingReply(discordOutput(anchor), {
      editIntervalMs: this.deps.settings.editIntervalMs,
      logger: this.deps.logger,
      resumeInto: resumeInto && wrap(resumeInto),
      abortedNote: this.deps.abortedNote,
      announceTier: parseTierPrefix(inbound.content).tier !== undefined,
    });
    const reply = await renderer.render(
      this.deps.engine.handle(inbound, { signal, onToolProgress: (text) => renderer.toolProgress(text) }),
    );
    const error = reply.error;
    if (error?.code === 'duplicate')
      this.deps.logger.info({ messageId: anchor.id }, 'message already answered; not answering twice');
    else if (error && error.code !== 'aborted')
      // The engine logged the cause; this line ties it to the Discord message (the person saw error.message).
      this.deps.logger.warn(
        { ...messageContext(anchor), code: error.code, error: error.message },
        'a Discord reply ended with an error',
      );
    this.deps.onReply?.(anchor, reply);
    return reply;
  }

  private async attachmentsOf(message: Message, signal: AbortSignal): Promise<AttachmentResult> {
    const list = [...message.attachments.values()].map((a) => ({
      name: a.name,
      url: a.url,
      size: a.size,
      contentType: a.contentType,
    }));
    if (list.length === 0) return { text: '', images: [], notes: [], saved: [], notices: [] };
    const { settings, saveAttachment } = this.deps;
    const owner = { userId: `discord-${message.author.id}`, channelId: message.channelId };
    return readAttachments(list, {
      maxImageDimension: settings.maxImageDimension,
      maxImageBytes: settings.maxImageSize,
      maxTextBytes: settings.maxFileSize,
      maxChars: settings.maxChars,
      save: saveAttachment ? (name, bytes) => saveAttachment(owner, name, bytes) : undefined,
      signal,
    });
  }
}

function textOf(message: Message, attachments: AttachmentResult | undefined, deps: ResponderDeps): string {
  const text = cleanContent(message, deps.botId(), deps.settings.maxChars);
  return [text, attachments?.text.trim()].filter(Boolean).join('\n\n');
}

function chunkImages(images: ImageInput[], size: number): ImageInput[][] {
  const out: ImageInput[][] = [];
  for (let i = 0; i < images.length; i += size) out.push(images.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}

const NO_PINGS = { parse: [], repliedUser: false } as const;

export function wrap(message: Message): SentMessage {
  return {
    id: message.id,
    async edit(content: string) {
      await message.edit({ content, allowedMentions: NO_PINGS });
    },
  };
}

/** The discord.js side of a reply: replies without pinging, and nobody is pinged by what the model writes. */
export function discordOutput(anchor: Message): ReplyOutput {
  const channel = anchor.channel;
  return {
    async reply(content) {
      return wrap(await anchor.reply({ content, allowedMentions: NO_PINGS }));
    },
    async send(content, options = {}) {
      if (!channel.isSendable()) throw new Error(`channel ${channel.id} does not accept messages`);
      const files = options.files?.map((f: OutgoingFile) => ({
        attachment: Buffer.from(f.data),
        name: f.name,
      }));
      const sent = await channel.send({
        content: content || undefined,
        files,
        allowedMentions: NO_PINGS,
        flags: options.silent ? MessageFlags.SuppressNotifications : undefined,
      });
      return wrap(sent);
    },
    async sendLink(label, url) {
      if (!channel.isSendable()) throw new Error(`channel ${channel.id} does not accept messages`);
      const button = new ButtonBuilder()
        .setStyle(ButtonStyle.Link)
        .setLabel(label)
        .setURL(url)
        .setEmoji('🔗');
      const sent = await channel.send({
        content: `-# ${label}`,
        components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)],
        allowedMentions: NO_PINGS,
      });
      return wrap(sent);
    },
    async typing() {
      if (channel.isSendable()) await channel.sendTyping();
    },
  };
}
