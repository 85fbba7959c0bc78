/**
 * Turns Discord messages into the engine's InboundMessage (spec §1.9): cleaned content with readable mentions,
 * recent channel chatter plus the rolling channel summary in servers, the reply chain in DMs (and for replies
 * anywhere), participants, and the conversation id and title (`discord-dm-<id>`, `discord-channel-<id>`).
 */
import {
  type Collection,
  type Guild,
  type GuildMember,
  type Message,
  PermissionFlagsBits,
  type TextBasedChannel,
} from 'discord.js';
import {
  type ContextMessage,
  discordChannelOwner,
  discordDmOwner,
  discordUserId,
  type InboundMessage,
  type Participant,
} from '../../domain/index.js';
import type { ChannelMessage, ChannelSummaries } from '../../engine/index.js';
import type { GuildInfo } from './events.js';
import { stripBotMention } from './intake.js';

export const DISCORD_GUIDELINES = [
  'You are talking on Discord. Use Discord markdown (bold, italics, lists, code blocks); no tables or headings ' +
    'beyond ###. Be concise: this is chat.',
  'Long replies are split into several messages automatically. To share long content (code files, documents, ' +
    'data), use the create_file_attachment tool instead of pasting it.',
].join('\n');

export interface ContextOptions {
  botId: string;
  historyLimit: number;
  maxChainMessages: number;
  maxChars: number;
  adminRole: string;
  summaries?: ChannelSummaries;
  history?: HistoryCache;
  now: () => Date;
}

/** A person's name as shown in the server (nickname), else their global name, else the username. */
export function displayNameOf(message: Message): string {
  return message.member?.displayName ?? message.author.globalName ?? message.author.username;
}

/** Admin-only tools: server Administrator, or a role named `CLARA_ADMIN_ROLE`. DMs never grant admin. */
export function isAdminMember(member: GuildMember | null | undefined, adminRole: string): boolean {
  if (!member) return false;
  if (member.permissions.has(PermissionFlagsBits.Administrator)) return true;
  return member.roles.cache.some((role) => role.name === adminRole);
}

/** Clean text of a message: this bot's mention removed, other user/role/channel mentions made readable. */
export function cleanContent(message: Message, botId: string, maxChars: number): string {
  let text = stripBotMention(message.content, botId);
  text = text.replace(/<@!?(\d+)>/g, (token, id: string) => {
    const member = message.mentions.members?.get(id);
    const user = message.mentions.users.get(id);
    const name = member?.displayName ?? user?.globalName ?? user?.username;
    return name ? `@${name}` : token;
  });
  text = text.replace(/<@&(\d+)>/g, (token, id: string) => {
    const role = message.mentions.roles.get(id);
    return role ? `@${role.name}` : token;
  });
  text = text.replace(/<#(\d+)>/g, (token, id: string) => {
    const channel = message.mentions.channels.get(id);
    return channel && 'name' in channel && channel.name ? `#${channel.name}` : token;
  });
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n[truncated]` : text;
}

export function conversationOf(message: Message): { id: string; title: string } {
  if (!message.guild) {
    return { id: discordDmOwner(message.author.id), title: `DM with ${displayNameOf(message)}` };
  }
  const channel = message.channel;
  const name = 'name' in channel && channel.name ? channel.name : channel.id;
  if (channel.isThread()) {
    const parent = channel.parent?.name ?? channel.parentId ?? '';
    return { id: discordChannelOwner(channel.id), title: `${message.guild.name} #${parent} › ${name}` };
  }
  return { id: discordChannelOwner(channel.id), title: `${message.guild.name} #${name}` };
}

/**
 * Channel history without a request per turn: after one REST fetch of a channel, every later message reaches the
 * bot through the gateway (and discord.js caches up to 200 per channel), so the cache is complete from then on.
 * A connection that could not resume may have missed messages: `reset()` forgets which channels are complete.
 */
export class HistoryCache {
  private readonly complete = new Set<string>();

  constructor(private readonly cacheLimit = 200) {}

  reset(): void {
    this.complete.clear();
  }

  async before(channel: TextBasedChannel, before: string, limit: number): Promise<Message[]> {
    if (this.complete.has(channel.id) && limit <= this.cacheLimit) {
      return [...channel.messages.cache.values()]
        .filter((m) => BigInt(m.id) < BigInt(before))
        .sort((a, b) => a.createdTimestamp - b.createdTimestamp)
        .slice(-limit);
    }
    const fetched = await fetchHistory(channel, before, limit);
    this.complete.add(channel.id);
    return fetched;
  }
}

/** Channel messages before `before` (oldest first), up to `limit`, fetched in pages of 100. */
async function fetchHistory(channel: TextBasedChannel, before: string, limit: number): Promise<Message[]> {
  const out: Message[] = [];
  let cursor = before;
  while (out.length < limit) {
    const page: Collection<string, Message> = await channel.messages.fetch({
      limit: Math.min(100, limit - out.length),
      before: cursor,
    });
    if (page.size === 0) break;
    const sorted = [...page.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp);
    out.unshift(...sorted);
    cursor = sorted[0]?.id ?? cursor;
    if (page.size < 100) break;
  }
  return out;
}

/** The chain of messages the anchor replies to (oldest first, without the anchor), up to `max`. */
export async function replyChain(message: Message, max: number): Promise<Message[]> {
  const chain: Message[] = [];
  const seen = new Set([message.id]);
  let current = message;
  while (chain.length < max - 1 && current.reference?.messageId) {
    const id = current.reference.messageId;
    if (seen.has(id)) break;
    seen.add(id);
    let parent: Message | undefined;
    try {
      parent = await current.fetchReference();
    } catch {
      break; // deleted or not visible: the chain ends here
    }
    chain.unshift(parent);
    current = parent;
  }
  return chain;
}

function toContext(message: Message, botId: string, maxChars: number): ContextMessage {
  const fromBot = message.author.id === botId;
  return {
    role: fromBot ? 'assistant' : 'user',
    authorName: fromBot ? undefined : displayNameOf(message),
    content: cleanContent(message, botId, maxChars),
    at: message.createdAt,
    platformMessageId: message.id,
  };
}

export interface InboundParts {
  /** Text for the engine (for a batch: `[Name]: text` lines under a header). */
  content: string;
  attributed: boolean;
  images: InboundMessage['images'];
}

/** Everything the engine needs besides the content, from the anchor message and its surroundings. */
export async function describeConversation(
  anchor: Message,
  first: Message,
  options: ContextOptions,
): Promise<
  Pick<
    InboundMessage,
    | 'recentContext'
    | 'channelSummary'
    | 'participants'
    | 'environment'
    | 'conversationId'
    | 'conversationTitle'
  >
> {
  const conversation = conversationOf(anchor);
  const participants = new Map<string, Participant>();
  const addParticipant = (m: Message) => {
    if (!m.author.bot && !participants.has(m.author.id))
      participants.set(m.author.id, { id: m.author.id, name: displayNameOf(m) });
  };
  addParticipant(anchor);
  let recentContext: ContextMessage[] = [];
  let channelSummary: string | undefined;

  if (anchor.guild) {
    const history =
      options.historyLimit <= 0
        ? []
        : options.history
          ? await options.history.before(anchor.channel, first.id, options.historyLimit)
          : await fetchHistory(anchor.channel, first.id, options.historyLimit);
    const channelMessages: ChannelMessage[] = history.map((m) => ({
      authorName: displayNameOf(m),
      isBot: m.author.bot,
      content: cleanContent(m, options.botId, options.maxChars),
      at: m.createdAt,
      platformMessageId: m.id,
    }));
    if (options.summaries) {
      const prepared = await options.summaries.prepare(conversation.id, channelMessages, options.now());
      recentContext = prepared.recent.map((m) =>
        m.role === 'assistant' ? { ...m, authorName: undefined } : m,
      );
      channelSummary = prepared.summary || undefined;
      // Participants are the people of the recent (not summarised) messages, as in the original.
      const recent = new Set(prepared.recent.map((m) => m.platformMessageId));
      for (const m of history) if (recent.has(m.id)) addParticipant(m);
    } else {
      recentContext = history.map((m) => toContext(m, options.botId, options.maxChars));
      for (const m of history) addParticipant(m);
    }
  }
  if (anchor.reference?.messageId) {
    const chain = await replyChain(anchor, options.maxChainMessages);
    const known = new Set(recentContext.map((m) => m.platformMessageId));
    const missing = chain.filter((m) => !known.has(m.id));
    recentContext = [...missing.map((m) => toContext(m, options.botId, options.maxChars)), ...recentContext];
    for (const m of chain) addParticipant(m);
  }
  const channel = anchor.channel;
  return {
    conversationId: conversation.id,
    conversationTitle: conversation.title,
    environment: anchor.guild
      ? {
          kind: 'channel',
          guildName: anchor.guild.name,
          channelName: channelName(anchor),
          channelId: channel.id,
          guildId: anchor.guild.id,
        }
      : { kind: 'dm', channelId: channel.id },
    recentContext,
    channelSummary,
    participants: [...participants.values()],
  };
}

/** The person behind the anchor, as the engine knows them. */
export function authorOf(
  anchor: Message,
  adminRole: string,
): Pick<InboundMessage, 'userId' | 'userName' | 'displayName' | 'isAdmin'> {
  return {
    userId: discordUserId(anchor.author.id),
    userName: anchor.author.username,
    displayName: displayNameOf(anchor),
    isAdmin: isAdminMember(anchor.member, adminRole),
  };
}

/** The channel's name, when it has one (DMs do not). */
export function channelName(message: Message): string | undefined {
  const channel = message.channel;
  return 'name' in channel && channel.name ? channel.name : undefined;
}

export function guildInfo(guild: Guild): GuildInfo {
  return { id: guild.id, name: guild.name, memberCount: guild.memberCount ?? 0, iconUrl: guild.iconURL() };
}
