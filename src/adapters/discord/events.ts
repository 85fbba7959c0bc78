/** What the bot tells observers (monitor, log channel, benchmarks) — plain data, no discord.js types. */

export interface GuildInfo {
  id: string;
  name: string;
  memberCount: number;
  iconUrl: string | null;
}

export type BotEvent =
  | { type: 'ready'; botUser: { id: string; tag: string }; guilds: GuildInfo[]; latencyMs: number }
  | {
      type: 'connection';
      state: 'connected' | 'resumed' | 'disconnected' | 'reconnecting';
      latencyMs?: number;
    }
  | { type: 'guild_join' | 'guild_leave'; guild: GuildInfo }
  | {
      type: 'message';
      dm: boolean;
      guild?: string;
      channel?: string;
      userId: string;
      userName: string;
      content: string;
      messageId: string;
    }
  | {
      type: 'response';
      dm: boolean;
      guild?: string;
      channel?: string;
      userId: string;
      userName: string;
      content: string;
      /** MESSAGE_CREATE → first visible reply text, in ms (undefined when nothing was shown). */
      firstVisibleMs?: number;
      edits: number;
    }
  | { type: 'error'; where: string; message: string }
  | { type: 'system'; text: string };

export type BotEventListener = (event: BotEvent) => void;
