/**
 * The fake Discord's in-memory world: users, guilds (roles, members, channels, threads), DM channels, messages with
 * their edit history, uploaded attachments, registered slash commands, interactions and every HTTP request. Plain
 * data plus a change signal: the REST routes and the gateway mutate it, tests read it and wait on it
 * (`waitFor`). Wire shapes live in `fake-discord-builders.ts`.
 */
import { EventEmitter } from 'node:events';

/** Discord's epoch (2015-01-01), for snowflakes that decode to the current time like real ids. */
const DISCORD_EPOCH = 1_420_070_400_000n;

export const ChannelKind = {
  GuildText: 0,
  DM: 1,
  GuildCategory: 4,
  PublicThread: 11,
  PrivateThread: 12,
} as const;

/** Permission bits used by the builders (same values as discord.js `PermissionFlagsBits`). */
export const Perm = {
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ReadMessageHistory: 1n << 16n,
  All: (1n << 53n) - 1n,
} as const;

/** What the default `@everyone` role may do: view, send, read history. */
export const DEFAULT_EVERYONE_PERMISSIONS = Perm.ViewChannel | Perm.SendMessages | Perm.ReadMessageHistory;

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
}

export interface FakeMember {
  userId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: number;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guildId: string | null;
  parentId: string | null;
  /** DM channels: the other user. */
  recipientId: string | null;
  ownerId: string | null;
  topic: string | null;
  position: number;
  lastMessageId: string | null;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** `roles[0]` is always `@everyone` (same id as the guild). */
  roles: FakeRole[];
  members: Map<string, FakeMember>;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string | null;
  data: Buffer;
  width: number | null;
  height: number | null;
  description: string | null;
  /** Served by the fake itself: `<baseUrl>/attachments/<channel>/<id>/<filename>`. */
  url: string;
}

export interface StoredMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: StoredAttachment[];
  mentionIds: string[];
  mentionRoleIds: string[];
  mentionEveryone: boolean;
  replyToId: string | null;
  flags: number;
  type: number;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  /** Every content the message had, the first one included. */
  contentHistory: string[];
  /** emoji (as in the URL, decoded) → user ids that reacted. */
  reactions: Map<string, Set<string>>;
  webhookId: string | null;
  interactionId: string | null;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/api/v10/channels/1/messages`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON (for multipart: the parsed `payload_json`), or null. */
  body: unknown;
  files: Array<{ field: string; name: string; contentType: string; bytes: Buffer }>;
  status: number;
  /** The route template that answered, or null when none did (404). */
  route: string | null;
  time: number;
  rateLimited: boolean;
}

export interface RegisteredCommand {
  id: string;
  guildId: string | null;
  name: string;
  description: string;
  type: number;
  options: unknown[];
  raw: Record<string, unknown>;
}

export interface InteractionResponse {
  type: number;
  data: Record<string, unknown> | null;
  time: number;
}

export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  channelId: string;
  guildId: string | null;
  userId: string;
  /** Component interactions: the message carrying the component. */
  messageId: string | null;
  /** The message `@original` refers to once there is one. */
  originalMessageId: string | null;
  responses: InteractionResponse[];
  followupIds: string[];
  payload: Record<string, unknown>;
}

export interface UploadRecord {
  channelId: string;
  messageId: string;
  name: string;
  contentType: string | null;
  bytes: Buffer;
}

export class FakeDiscordState {
  readonly users = new Map<string, FakeUser>();
  /** Users whose DMs are closed to the bot: posting in their DM channel fails with 50007. */
  readonly closedDms = new Set<string>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly attachments = new Map<string, StoredAttachment>();
  readonly commands = new Map<string, RegisteredCommand>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly requests: RecordedRequest[] = [];
  readonly uploads: UploadRecord[] = [];
  readonly typing = new Map<string, number>();
  readonly events = new EventEmitter();
  identifyCount = 0;
  resumeCount = 0;
  private snowflakeCounter = 0n;

  constructor(
    readonly botUser: FakeUser,
    readonly applicationId: string,
    public baseUrl: string,
  ) {
    this.events.setMaxListeners(0);
    this.users.set(botUser.id, botUser);
  }

  /** A real-looking, strictly increasing snowflake (or one dated `at`, epoch ms, for a backdated message). */
  snowflake(at: number = Date.now()): string {
    this.snowflakeCounter += 1n;
    const time = BigInt(Math.floor(at)) - DISCORD_EPOCH;
    return ((time << 22n) | (this.snowflakeCounter & 0x3fffffn)).toString();
  }

  /** Wakes every `waitFor`; call after each mutation. */
  changed(): void {
    this.events.emit('change');
  }

  /** Resolves with the first truthy value of `check`, re-evaluated after every change; rejects after `timeoutMs`. */
  waitFor<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const first = check();
    if (first) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const onChange = () => {
        const value = check();
        if (!value) return;
        clearTimeout(timer);
        this.events.off('change', onChange);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.events.off('change', onChange);
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.events.on('change', onChange);
    });
  }

  user(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake Discord: unknown user ${id} (add it with fake.addUser first)`);
    return user;
  }

  guild(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`fake Discord: unknown guild ${id} (add it with fake.addGuild first)`);
    return guild;
  }

  channel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`fake Discord: unknown channel ${id} (add it with fake.addChannel first)`);
    return channel;
  }

  /** Live (not deleted) messages of a channel, oldest first. */
  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channelId === channelId && !m.deleted)
      .sort((a, b) => compareIds(a.id, b.id));
  }

  /** A member's effective guild permissions (owner and Administrator get everything). */
  memberPermissions(guildId: string, userId: string): bigint {
    const guild = this.guild(guildId);
    if (guild.ownerId === userId) return Perm.All;
    const member = guild.members.get(userId);
    let bits = guild.roles[0]?.permissions ?? 0n;
    for (const role of guild.roles) if (member?.roleIds.includes(role.id)) bits |= role.permissions;
    return bits & Perm.Administrator ? Perm.All : bits;
  }

  dmChannelFor(userId: string): FakeChannel {
    for (const channel of this.channels.values()) {
      if (channel.type === ChannelKind.DM && channel.recipientId === userId) return channel;
    }
    const channel: FakeChannel = {
      id: this.snowflake(),
      type: ChannelKind.DM,
      name: '',
      guildId: null,
      parentId: null,
      recipientId: userId,
      ownerId: null,
      topic: null,
      position: 0,
      lastMessageId: null,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  storeAttachment(
    channelId: string,
    file: { name: string; data: Buffer; contentType?: string | null; width?: number; height?: number },
    description: string | null = null,
  ): StoredAttachment {
    const id = this.snowflake();
    const attachment: StoredAttachment = {
      id,
      filename: file.name,
      contentType: file.contentType ?? null,
      data: file.data,
      width: file.width ?? null,
      height: file.height ?? null,
      description,
      url: `${this.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`,
    };
    this.attachments.set(id, attachment);
    return attachment;
  }
}

export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
