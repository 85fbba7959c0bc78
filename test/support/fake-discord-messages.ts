/**
 * Message mutations of the fake Discord, shared by the REST routes (the bot posting, editing, deleting, answering
 * interactions) and the test API (users speaking): Discord's validation (2,000 characters, no empty messages, at
 * most 10 embeds), attachments from multipart uploads, mentions parsed from `<@id>`, and the gateway echo
 * (MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE go to the bot for its own messages too, as on Discord).
 */
import { apiMessage } from './fake-discord-builders.js';
import { DiscordHttpError, formError, type ParsedBody, unknownMessage } from './fake-discord-http.js';
import type { FakeDiscordState, StoredAttachment, StoredMessage } from './fake-discord-model.js';

export type Dispatch = (event: string, data: Record<string, unknown>) => void;

export const MESSAGE_FLAG_EPHEMERAL = 64;
export const MESSAGE_FLAG_LOADING = 128;

interface MessagePayload {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  flags?: unknown;
  message_reference?: { message_id?: string } | null;
  attachments?: Array<{ id: string | number; filename?: string; description?: string }>;
}

export function asPayload(json: unknown): MessagePayload {
  return json && typeof json === 'object' ? (json as MessagePayload) : {};
}

function mentionIdsIn(state: FakeDiscordState, content: string): string[] {
  const ids = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string);
  return [...new Set(ids)].filter((id) => state.users.has(id));
}

function validate(content: string, embeds: unknown[], hasFilesOrComponents: boolean) {
  if (content.length > 2000) {
    throw formError('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  if (embeds.length > 10) throw formError('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  if (content.trim() === '' && embeds.length === 0 && !hasFilesOrComponents) {
    throw new DiscordHttpError(400, 50006, 'Cannot send an empty message');
  }
}

/** Attachments of a create/edit: uploaded `files[n]` matched to `attachments[{ id: n }]`, existing ones kept by id. */
function attachmentsFrom(
  state: FakeDiscordState,
  channelId: string,
  payload: MessagePayload,
  files: ParsedBody['files'],
  existing: StoredAttachment[],
): { list: StoredAttachment[]; added: StoredAttachment[] } {
  const added: StoredAttachment[] = [];
  const upload = (file: ParsedBody['files'][number], description: string | null) => {
    const stored = state.storeAttachment(
      channelId,
      {
        name: file.name,
        data: file.bytes,
        contentType: file.contentType || null,
        width: file.width,
        height: file.height,
      },
      description,
    );
    added.push(stored);
    return stored;
  };
  if (!payload.attachments) {
    return { list: [...existing, ...files.map((f) => upload(f, null))], added };
  }
  const list: StoredAttachment[] = [];
  const used = new Set<string>();
  for (const entry of payload.attachments) {
    const id = String(entry.id);
    const file = files.find((f) => f.field === `files[${id}]`);
    if (file) {
      used.add(file.field);
      list.push(upload({ ...file, name: entry.filename ?? file.name }, entry.description ?? null));
      continue;
    }
    const kept = existing.find((a) => a.id === id);
    if (kept) list.push(kept);
  }
  for (const file of files) if (!used.has(file.field)) list.push(upload(file, null));
  return { list, added };
}

export interface CreateOptions {
  authorId: string;
  webhookId?: string | null;
  interactionId?: string | null;
  type?: number;
  replyToId?: string | null;
  mentionEveryone?: boolean;
  extraMentionIds?: string[];
  mentionRoleIds?: string[];
  /** Skip Discord's validation (for messages users "typed"). */
  trusted?: boolean;
  /** A backdated message (epoch ms): its id and timestamp carry this time, and no MESSAGE_CREATE is sent. */
  createdAt?: number;
}

export function createMessage(
  state: FakeDiscordState,
  dispatch: Dispatch,
  channelId: string,
  body: ParsedBody,
  options: CreateOptions,
): StoredMessage {
  const channel = state.channel(channelId);
  const payload = asPayload(body.json);
  const content = typeof payload.content === 'string' ? payload.content : '';
  const embeds = Array.isArray(payload.embeds) ? payload.embeds : [];
  const components = Array.isArray(payload.components) ? payload.components : [];
  if (!options.trusted) validate(content, embeds, body.files.length > 0 || components.length > 0);
  const replyToId = options.replyToId ?? payload.message_reference?.message_id ?? null;
  if (replyToId && !state.messages.has(replyToId)) throw unknownMessage();
  const id = state.snowflake(options.createdAt);
  const { list } = attachmentsFrom(state, channelId, payload, body.files, []);
  const message: StoredMessage = {
    id,
    channelId,
    guildId: channel.guildId,
    authorId: options.authorId,
    content,
    embeds,
    components,
    attachments: list,
    mentionIds: [...new Set([...mentionIdsIn(state, content), ...(options.extraMentionIds ?? [])])],
    mentionRoleIds: options.mentionRoleIds ?? [],
    mentionEveryone: options.mentionEveryone ?? false,
    replyToId,
    flags: typeof payload.flags === 'number' ? payload.flags : 0,
    type: options.type ?? (replyToId ? 19 : 0),
    createdAt: options.createdAt ?? Date.now(),
    editedAt: null,
    deleted: false,
    contentHistory: [content],
    reactions: new Map(),
    webhookId: options.webhookId ?? null,
    interactionId: options.interactionId ?? null,
  };
  state.messages.set(id, message);
  channel.lastMessageId = id;
  for (const attachment of list) {
    if (options.authorId !== state.botUser.id) continue;
    state.uploads.push({
      channelId,
      messageId: id,
      name: attachment.filename,
      contentType: attachment.contentType,
      bytes: attachment.data,
    });
  }
  const backdated = options.createdAt !== undefined;
  if (!(message.flags & MESSAGE_FLAG_EPHEMERAL) && !backdated)
    dispatch('MESSAGE_CREATE', apiMessage(state, message));
  state.changed();
  return message;
}

export function editMessage(
  state: FakeDiscordState,
  dispatch: Dispatch,
  messageId: string,
  body: ParsedBody,
): StoredMessage {
  const message = state.messages.get(messageId);
  if (!message || message.deleted) throw unknownMessage();
  const payload = asPayload(body.json);
  const content = typeof payload.content === 'string' ? payload.content : message.content;
  const embeds = Array.isArray(payload.embeds) ? payload.embeds : message.embeds;
  const components = Array.isArray(payload.components) ? payload.components : message.components;
  const { list, added } = attachmentsFrom(state, message.channelId, payload, body.files, message.attachments);
  validate(content, embeds, list.length > 0 || components.length > 0);
  message.content = content;
  message.embeds = embeds;
  message.components = components;
  message.attachments = list;
  message.mentionIds = mentionIdsIn(state, content);
  message.flags &= ~MESSAGE_FLAG_LOADING;
  if (typeof payload.flags === 'number') message.flags = payload.flags;
  message.editedAt = Date.now();
  if (payload.content !== undefined) message.contentHistory.push(content);
  for (const attachment of added) {
    state.uploads.push({
      channelId: message.channelId,
      messageId,
      name: attachment.filename,
      contentType: attachment.contentType,
      bytes: attachment.data,
    });
  }
  if (!(message.flags & MESSAGE_FLAG_EPHEMERAL)) dispatch('MESSAGE_UPDATE', apiMessage(state, message));
  state.changed();
  return message;
}

export function deleteMessage(state: FakeDiscordState, dispatch: Dispatch, messageId: string): void {
  const message = state.messages.get(messageId);
  if (!message || message.deleted) throw unknownMessage();
  message.deleted = true;
  dispatch('MESSAGE_DELETE', {
    id: message.id,
    channel_id: message.channelId,
    ...(message.guildId && { guild_id: message.guildId }),
  });
  state.changed();
}
