/**
 * Wire shapes of the fake Discord: turns the model (`fake-discord-model.ts`) into the JSON objects Discord's API
 * v10 sends (users, members, roles, channels, guilds for GUILD_CREATE, messages, interactions), complete enough for
 * discord.js 14 to build its structures from them.
 */
import {
  ChannelKind,
  type FakeChannel,
  type FakeDiscordState,
  type FakeGuild,
  type FakeMember,
  type FakeRole,
  type FakeUser,
  type StoredAttachment,
  type StoredMessage,
} from './fake-discord-model.js';

type Json = Record<string, unknown>;

const iso = (time: number) => new Date(time).toISOString();

export function apiUser(user: FakeUser): Json {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    discriminator: '0',
    avatar: null,
    bot: user.bot,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
  };
}

export function apiMember(state: FakeDiscordState, member: FakeMember, withUser = true): Json {
  return {
    ...(withUser && { user: apiUser(state.user(member.userId)) }),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roleIds,
    joined_at: iso(member.joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function apiRole(role: FakeRole): Json {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

export function apiChannel(state: FakeDiscordState, channel: FakeChannel): Json {
  const base = { id: channel.id, type: channel.type, last_message_id: channel.lastMessageId, flags: 0 };
  if (channel.type === ChannelKind.DM) {
    const recipient = channel.recipientId ? [apiUser(state.user(channel.recipientId))] : [];
    return { ...base, recipients: recipient };
  }
  const guildPart = {
    ...base,
    guild_id: channel.guildId,
    name: channel.name,
    parent_id: channel.parentId,
    rate_limit_per_user: 0,
    nsfw: false,
  };
  if (channel.type === ChannelKind.PublicThread || channel.type === ChannelKind.PrivateThread) {
    return {
      ...guildPart,
      owner_id: channel.ownerId,
      message_count: state.channelMessages(channel.id).length,
      member_count: 1,
      total_message_sent: state.channelMessages(channel.id).length,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: iso(Date.now()),
        locked: false,
        create_timestamp: iso(Date.now()),
      },
    };
  }
  return { ...guildPart, position: channel.position, permission_overwrites: [], topic: channel.topic };
}

/** The GUILD_CREATE payload (also the shape of `GET /guilds/:id` plus member lists). */
export function apiGuildCreate(state: FakeDiscordState, guild: FakeGuild): Json {
  const channels = [...state.channels.values()].filter((c) => c.guildId === guild.id);
  const isThread = (c: FakeChannel) =>
    c.type === ChannelKind.PublicThread || c.type === ChannelKind.PrivateThread;
  return {
    ...apiGuild(guild),
    joined_at: iso(Date.now()),
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    members: [...guild.members.values()].map((m) => apiMember(state, m)),
    channels: channels.filter((c) => !isThread(c)).map((c) => apiChannel(state, c)),
    threads: channels.filter(isThread).map((c) => apiChannel(state, c)),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function apiGuild(guild: FakeGuild): Json {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    application_id: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    features: [],
    roles: guild.roles.map(apiRole),
    emojis: [],
    stickers: [],
  };
}

export function apiAttachment(attachment: StoredAttachment): Json {
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.data.length,
    url: attachment.url,
    proxy_url: attachment.url,
    content_type: attachment.contentType ?? undefined,
    width: attachment.width ?? undefined,
    height: attachment.height ?? undefined,
    description: attachment.description ?? undefined,
  };
}

export function apiMessage(state: FakeDiscordState, message: StoredMessage, withReference = true): Json {
  const author = state.user(message.authorId);
  const guild = message.guildId ? state.guilds.get(message.guildId) : undefined;
  const member = guild?.members.get(author.id);
  const referenced = message.replyToId ? state.messages.get(message.replyToId) : undefined;
  const channel = state.channels.get(message.channelId);
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(message.guildId && { guild_id: message.guildId }),
    ...(channel && { channel_type: channel.type }),
    author: apiUser(author),
    ...(member && !message.webhookId && { member: apiMember(state, member, false) }),
    content: message.content,
    timestamp: iso(message.createdAt),
    edited_timestamp: message.editedAt ? iso(message.editedAt) : null,
    tts: false,
    mention_everyone: message.mentionEveryone,
    mentions: message.mentionIds.map((id) => {
      const mentioned = guild?.members.get(id);
      return { ...apiUser(state.user(id)), ...(mentioned && { member: apiMember(state, mentioned, false) }) };
    }),
    mention_roles: message.mentionRoleIds,
    attachments: message.attachments.map(apiAttachment),
    embeds: message.embeds,
    components: message.components,
    reactions: [...message.reactions].map(([emoji, users]) => ({
      count: users.size,
      count_details: { burst: 0, normal: users.size },
      me: users.has(state.botUser.id),
      me_burst: false,
      burst_colors: [],
      emoji: { id: null, name: emoji },
    })),
    pinned: false,
    type: message.type,
    flags: message.flags,
    ...(message.webhookId && { webhook_id: message.webhookId, application_id: state.applicationId }),
    ...(message.replyToId && {
      message_reference: {
        type: 0,
        message_id: message.replyToId,
        channel_id: message.channelId,
        ...(message.guildId && { guild_id: message.guildId }),
      },
    }),
    ...(withReference &&
      message.replyToId && { referenced_message: referenced ? apiMessage(state, referenced, false) : null }),
  };
}

/** The fields every interaction payload shares; `data` and `message` are added by the caller. */
export function interactionBase(
  state: FakeDiscordState,
  options: { id: string; token: string; type: number; channelId: string; userId: string },
): Json {
  const channel = state.channel(options.channelId);
  const guildId = channel.guildId;
  const user = state.user(options.userId);
  const base: Json = {
    id: options.id,
    application_id: state.applicationId,
    type: options.type,
    token: options.token,
    version: 1,
    channel_id: channel.id,
    channel: apiChannel(state, channel),
    locale: 'en-US',
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
    app_permissions: guildId ? state.memberPermissions(guildId, state.botUser.id).toString() : '0',
    context: guildId ? 0 : 1,
    authorizing_integration_owners: guildId ? { '0': guildId } : { '1': user.id },
  };
  if (!guildId) return { ...base, user: apiUser(user) };
  const member = state.guild(guildId).members.get(user.id);
  if (!member) throw new Error(`fake Discord: user ${user.id} is not a member of guild ${guildId}`);
  return {
    ...base,
    guild_id: guildId,
    guild_locale: 'en-US',
    guild: { id: guildId, locale: 'en-US', features: [] },
    member: {
      ...apiMember(state, member),
      permissions: state.memberPermissions(guildId, user.id).toString(),
    },
  };
}
