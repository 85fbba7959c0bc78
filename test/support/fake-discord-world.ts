/**
 * The world-building half of the fake Discord's test API: users, guilds (with `@everyone`, roles, text channels,
 * the owner and the bot as members), channels, threads, DM channels, member changes, and users speaking, editing
 * and deleting. After the client connected, each change is also dispatched (GUILD_CREATE, CHANNEL_CREATE,
 * THREAD_CREATE, GUILD_MEMBER_ADD/UPDATE/REMOVE, MESSAGE_CREATE/UPDATE/DELETE).
 */
import { apiChannel, apiGuildCreate, apiMember } from './fake-discord-builders.js';
import { createMessage, type Dispatch, deleteMessage, editMessage } from './fake-discord-messages.js';
import {
  ChannelKind,
  DEFAULT_EVERYONE_PERMISSIONS,
  type FakeChannel,
  type FakeDiscordState,
  type FakeUser,
} from './fake-discord-model.js';

export interface FakeAttachmentInput {
  name: string;
  data: Buffer | string;
  contentType?: string;
  width?: number;
  height?: number;
}

export interface UserSaysOptions {
  mentionsBot?: boolean;
  mentions?: string[];
  mentionRoles?: string[];
  mentionEveryone?: boolean;
  attachments?: FakeAttachmentInput[];
  replyTo?: string;
  /**
   * An earlier message (a Date or epoch ms): stored with that time in its id and timestamp and NOT dispatched, as
   * if sent before the bot connected; only history fetches see it. Post backdated messages oldest first, before
   * newer messages of the channel, so ids stay in time order.
   */
  at?: Date | number;
}

export interface GuildInput {
  id?: string;
  name?: string;
  ownerId?: string;
  /** Extra roles besides `@everyone`; `permissions` defaults to none. */
  roles?: Array<{ id?: string; name: string; permissions?: bigint }>;
  /** Text channels (default one, `general`). */
  channels?: Array<{ id?: string; name: string; type?: number; topic?: string }>;
  everyonePermissions?: bigint;
}

/** What `addGuild` returns: ids, with role and channel ids by name. */
export interface AddedGuild {
  id: string;
  ownerId: string;
  roles: Record<string, string>;
  channels: Record<string, string>;
}

export function createWorldApi(state: FakeDiscordState, dispatch: Dispatch) {
  const botId = state.botUser.id;
  const addMember = (guildId: string, userId: string, input: { roleIds?: string[]; nick?: string } = {}) => {
    const guild = state.guild(guildId);
    state.user(userId);
    const member = { userId, roleIds: input.roleIds ?? [], nick: input.nick ?? null, joinedAt: Date.now() };
    guild.members.set(userId, member);
    dispatch('GUILD_MEMBER_ADD', { ...apiMember(state, member), guild_id: guildId });
    state.changed();
  };
  const addChannelTo = (
    guildId: string | null,
    input: Omit<FakeChannel, 'id' | 'lastMessageId'> & { id?: string },
  ) => {
    const channel: FakeChannel = {
      ...input,
      id: input.id ?? state.snowflake(),
      guildId,
      lastMessageId: null,
    };
    state.channels.set(channel.id, channel);
    const isThread = channel.type === ChannelKind.PublicThread || channel.type === ChannelKind.PrivateThread;
    dispatch(isThread ? 'THREAD_CREATE' : 'CHANNEL_CREATE', apiChannel(state, channel));
    state.changed();
    return channel;
  };
  const addUser = (input: {
    id?: string;
    username: string;
    globalName?: string;
    bot?: boolean;
  }): FakeUser => {
    const user = {
      id: input.id ?? state.snowflake(),
      username: input.username,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
    };
    state.users.set(user.id, user);
    return user;
  };

  return {
    addUser,
    addGuild(input: GuildInput = {}): AddedGuild {
      const id = input.id ?? state.snowflake();
      const ownerId = input.ownerId ?? addUser({ username: `owner-${id.slice(-4)}` }).id;
      const roles = [
        {
          id,
          name: '@everyone',
          permissions: input.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
          position: 0,
        },
        ...(input.roles ?? []).map((r, i) => ({
          id: r.id ?? state.snowflake(),
          name: r.name,
          permissions: r.permissions ?? 0n,
          position: i + 1,
        })),
      ];
      state.guilds.set(id, { id, name: input.name ?? 'Test Server', ownerId, roles, members: new Map() });
      const guild = state.guild(id);
      for (const userId of new Set([ownerId, botId]))
        guild.members.set(userId, { userId, roleIds: [], nick: null, joinedAt: Date.now() });
      const channels: Record<string, string> = {};
      for (const [position, c] of (input.channels ?? [{ name: 'general' }]).entries()) {
        const channel = {
          id: c.id ?? state.snowflake(),
          type: c.type ?? ChannelKind.GuildText,
          name: c.name,
          guildId: id,
          parentId: null,
          recipientId: null,
          ownerId: null,
          topic: c.topic ?? null,
          position,
          lastMessageId: null,
        };
        state.channels.set(channel.id, channel);
        channels[c.name] = channel.id;
      }
      dispatch('GUILD_CREATE', apiGuildCreate(state, guild));
      state.changed();
      return { id, ownerId, roles: Object.fromEntries(roles.map((r) => [r.name, r.id])), channels };
    },
    addChannel(
      guildId: string,
      input: { id?: string; name: string; type?: number; topic?: string; parentId?: string },
    ): string {
      state.guild(guildId);
      return addChannelTo(guildId, {
        id: input.id,
        name: input.name,
        type: input.type ?? ChannelKind.GuildText,
        guildId,
        parentId: input.parentId ?? null,
        recipientId: null,
        ownerId: null,
        topic: input.topic ?? null,
        position: state.channels.size,
      }).id;
    },
    addRole(guildId: string, input: { id?: string; name: string; permissions?: bigint }): string {
      const guild = state.guild(guildId);
      const role = {
        id: input.id ?? state.snowflake(),
        name: input.name,
        permissions: input.permissions ?? 0n,
        position: guild.roles.length,
      };
      guild.roles.push(role);
      state.changed();
      return role.id;
    },
    /** A thread under `parentId` (a public thread unless `type` says otherwise). */
    addThread(
      parentId: string,
      input: { id?: string; name: string; ownerId?: string; type?: number },
    ): string {
      const parent = state.channel(parentId);
      return addChannelTo(parent.guildId, {
        id: input.id,
        name: input.name,
        type: input.type ?? ChannelKind.PublicThread,
        guildId: parent.guildId,
        parentId,
        recipientId: null,
        ownerId: input.ownerId ?? null,
        topic: null,
        position: 0,
      }).id;
    },
    addMember,
    /** Changes a member's roles or nickname and sends GUILD_MEMBER_UPDATE. */
    updateMember(
      guildId: string,
      userId: string,
      change: { roleIds?: string[]; nick?: string | null },
    ): void {
      const member = state.guild(guildId).members.get(userId);
      if (!member) throw new Error(`fake Discord: ${userId} is not a member of ${guildId}`);
      if (change.roleIds) member.roleIds = change.roleIds;
      if (change.nick !== undefined) member.nick = change.nick;
      dispatch('GUILD_MEMBER_UPDATE', { ...apiMember(state, member), guild_id: guildId });
      state.changed();
    },
    removeMember(guildId: string, userId: string): void {
      state.guild(guildId).members.delete(userId);
      dispatch('GUILD_MEMBER_REMOVE', {
        guild_id: guildId,
        user: { id: userId, username: state.user(userId).username },
      });
      state.changed();
    },
    /** The DM channel between the bot and `userId` (created on first use). */
    dmChannel(userId: string): string {
      state.user(userId);
      return state.dmChannelFor(userId).id;
    },
    /** Closes (or reopens) the user's DMs to the bot: the bot's DM posts then fail with 50007, as on Discord. */
    closeDms(userId: string, closed = true): void {
      state.user(userId);
      if (closed) state.closedDms.add(userId);
      else state.closedDms.delete(userId);
    },

    /** A user message (MESSAGE_CREATE); returns its id. Attachments are served by the fake at their `url`. */
    userSays(channelId: string, userId: string, content: string, opts: UserSaysOptions = {}): string {
      const botMention = `<@${botId}>`;
      const text = opts.mentionsBot && !content.includes(botMention) ? `${botMention} ${content}` : content;
      const files = (opts.attachments ?? []).map((a, i) => ({
        field: `files[${i}]`,
        name: a.name,
        contentType: a.contentType ?? '',
        bytes: Buffer.from(a.data),
        width: a.width,
        height: a.height,
      }));
      const message = createMessage(
        state,
        dispatch,
        channelId,
        { json: { content: text }, files },
        {
          authorId: userId,
          replyToId: opts.replyTo ?? null,
          extraMentionIds: [...(opts.mentionsBot ? [botId] : []), ...(opts.mentions ?? [])],
          mentionRoleIds: opts.mentionRoles,
          mentionEveryone: opts.mentionEveryone,
          trusted: true,
          createdAt: opts.at === undefined ? undefined : new Date(opts.at).getTime(),
        },
      );
      return message.id;
    },
    userEdits(messageId: string, content: string): void {
      editMessage(state, dispatch, messageId, { json: { content }, files: [] });
    },
    userDeletes(messageId: string): void {
      deleteMessage(state, dispatch, messageId);
    },
  };
}
