/** Where a conversation happened, as emotional-context and topic memories record it (`channel_*`, `is_dm`). */
import type { ConversationEnvironment } from '../../domain/index.js';
import type { MemoryRecord } from '../types.js';

export interface ConversationChannel {
  id: string;
  name: string;
  /** A private conversation: a Discord DM, the web chat or the terminal. */
  isDm: boolean;
}

/** Channel info from the engine's environment; `conversationId` (the session owner) when no channel id is known. */
export function channelFromEnvironment(
  environment: ConversationEnvironment,
  conversationId: string,
): ConversationChannel {
  const isDm = environment.kind !== 'channel';
  const name = environment.channelName ?? (environment.kind === 'dm' ? 'DM' : environment.kind);
  return { id: environment.channelId ?? conversationId, name, isDm };
}

export function channelMetadata(channel: ConversationChannel): Record<string, unknown> {
  return { channel_id: channel.id, channel_name: channel.name, is_dm: channel.isDm };
}

/** `DM` or `#channel`, from a stored memory's metadata. */
export function channelLabel(record: MemoryRecord): string {
  const { is_dm: isDm, channel_name: name } = record.metadata;
  if (isDm === true) return 'DM';
  return typeof name === 'string' && name ? `#${name.replace(/^#/, '')}` : 'a channel';
}

/** When the conversation happened: the metadata `timestamp`, else when the memory was stored. */
export function memoryTimestamp(record: MemoryRecord): Date {
  const raw = record.metadata.timestamp;
  if (typeof raw === 'string') {
    const parsed = new Date(raw);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  return record.createdAt;
}
