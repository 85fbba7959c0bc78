/**
 * In-memory monitor state for the Discord bot (spec §1.18): recent activity, counters, guilds, the bot user,
 * connection health and per-user stats. Plain data only, so the web routes and tests never see discord.js types.
 */
import type { BotEvent, BotEventListener } from './events.js';

export const MONITOR_EVENT_TYPES = ['message', 'dm', 'response', 'error', 'system'] as const;
export type MonitorEventType = (typeof MONITOR_EVENT_TYPES)[number];

export type ConnectionState = 'connected' | 'connecting' | 'resuming' | 'disconnected';

/** What the bot records; `time` defaults to the monitor's clock. */
export interface MonitorEntryInput {
  type: MonitorEventType;
  content: string;
  guild?: string | null;
  channel?: string | null;
  /** Display name of the person involved (for a `response`, the person answered). */
  user?: string | null;
  /** Their id; entries with one update the per-user stats. */
  userId?: string | null;
  time?: Date;
}

export interface MonitorEntry {
  /** ISO 8601. */
  time: string;
  type: MonitorEventType;
  guild: string | null;
  channel: string | null;
  user: string | null;
  /** At most 500 characters. */
  content: string;
}

export interface MonitorGuild {
  id: string;
  name: string;
  memberCount: number;
  iconUrl: string | null;
}

export interface MonitorBotUser {
  id: string;
  name: string;
  avatarUrl?: string | null;
}

export interface MonitorConnection {
  state: ConnectionState;
  /** When the state last changed (ISO 8601). */
  since: string;
  /** Gateway heartbeat latency; null until known. */
  latencyMs: number | null;
  /** Times the connection came back after it had been up. */
  reconnects: number;
}

export interface MonitorCounters {
  messages: number;
  dms: number;
  responses: number;
  errors: number;
}

export interface MonitorUserStats {
  userId: string;
  name: string;
  messages: number;
  responses: number;
  /** ISO 8601. */
  lastSeen: string;
}

export interface QueueStats {
  activeTasks: number;
  totalQueued: number;
  channelsBusy: number;
}

export interface MonitorStats {
  botUser: MonitorBotUser | null;
  startTime: string;
  uptimeSeconds: number;
  connection: MonitorConnection;
  counters: MonitorCounters;
  guildCount: number;
  queue: QueueStats;
}

export interface MonitorSnapshot extends MonitorStats {
  guilds: MonitorGuild[];
  logs: MonitorEntry[];
  users: MonitorUserStats[];
}

export interface DiscordMonitorOptions {
  now?: () => Date;
  /** The per-channel queue's numbers (spec §1.8); zeros until one is given. */
  queueStats?: () => QueueStats;
  /** Entries kept (default 100). */
  capacity?: number;
  /** People tracked in the per-user stats; the least recently seen is forgotten first (default 1000). */
  maxUsers?: number;
}

export const MAX_ENTRY_CONTENT = 500;
const EMPTY_QUEUE: QueueStats = { activeTasks: 0, totalQueued: 0, channelsBusy: 0 };

export class DiscordMonitor {
  private readonly now: () => Date;
  private readonly capacity: number;
  private readonly maxUsers: number;
  private queueStats: (() => QueueStats) | undefined;
  /** Ring buffer, oldest first once full: `entries[(head + i) % capacity]`. */
  private readonly entries: MonitorEntry[] = [];
  private head = 0;
  private readonly counters: MonitorCounters = { messages: 0, dms: 0, responses: 0, errors: 0 };
  private readonly guildMap = new Map<string, MonitorGuild>();
  private readonly userMap = new Map<string, MonitorUserStats>();
  private botUser: MonitorBotUser | null = null;
  private readonly startTime: Date;
  private connection: MonitorConnection;
  private everConnected = false;

  constructor(options: DiscordMonitorOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.capacity = Math.max(1, options.capacity ?? 100);
    this.maxUsers = Math.max(1, options.maxUsers ?? 1000);
    this.queueStats = options.queueStats;
    this.startTime = this.now();
    this.connection = {
      state: 'connecting',
      since: this.startTime.toISOString(),
      latencyMs: null,
      reconnects: 0,
    };
  }

  /** Sets (or replaces) the queue-stats provider, for when the queue is built after the monitor. */
  setQueueStats(provider: () => QueueStats): void {
    this.queueStats = provider;
  }

  record(input: MonitorEntryInput): MonitorEntry {
    const time = input.time ?? this.now();
    const entry: MonitorEntry = {
      time: time.toISOString(),
      type: input.type,
      guild: input.guild ?? null,
      channel: input.channel ?? null,
      user: input.user ?? null,
      content: truncate(input.content, MAX_ENTRY_CONTENT),
    };
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
    } else {
      this.entries[this.head] = entry;
      this.head = (this.head + 1) % this.capacity;
    }
    this.count(input.type);
    if (input.userId) this.touchUser(input.userId, input.user ?? input.userId, input.type, time);
    return entry;
  }

  setGuilds(guilds: readonly MonitorGuild[]): void {
    this.guildMap.clear();
    for (const guild of guilds) this.guildMap.set(guild.id, { ...guild });
  }

  upsertGuild(guild: MonitorGuild): void {
    this.guildMap.set(guild.id, { ...guild });
  }

  removeGuild(id: string): void {
    this.guildMap.delete(id);
  }

  setBotUser(user: MonitorBotUser | null): void {
    this.botUser = user ? { ...user } : null;
  }

  /** Records a connection state change; coming back to `connected` after having been connected counts a reconnect. */
  setConnection(state: ConnectionState): void {
    const previous = this.connection.state;
    if (state === previous) return;
    if (state === 'connected') {
      if (this.everConnected) this.connection.reconnects += 1;
      this.everConnected = true;
    }
    this.connection = { ...this.connection, state, since: this.now().toISOString() };
  }

  /** Gateway latency in ms; negative or non-finite values (discord.js reports -1 before the first heartbeat) mean unknown. */
  setLatency(latencyMs: number | null): void {
    const known = latencyMs !== null && Number.isFinite(latencyMs) && latencyMs >= 0;
    this.connection = { ...this.connection, latencyMs: known ? Math.round(latencyMs) : null };
  }

  stats(): MonitorStats {
    const now = this.now();
    return {
      botUser: this.botUser ? { ...this.botUser } : null,
      startTime: this.startTime.toISOString(),
      uptimeSeconds: Math.max(0, Math.floor((now.getTime() - this.startTime.getTime()) / 1000)),
      connection: { ...this.connection },
      counters: { ...this.counters },
      guildCount: this.guildMap.size,
      queue: this.queueStats ? { ...this.queueStats() } : { ...EMPTY_QUEUE },
    };
  }

  /** Guilds sorted by name. */
  guilds(): MonitorGuild[] {
    return [...this.guildMap.values()]
      .map((guild) => ({ ...guild }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** Newest first, optionally of one type. */
  logs(options: { limit?: number; type?: MonitorEventType } = {}): MonitorEntry[] {
    const limit = options.limit ?? this.capacity;
    const out: MonitorEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i -= 1) {
      const entry = this.entries[(this.head + i) % this.entries.length];
      if (entry && (!options.type || entry.type === options.type)) out.push({ ...entry });
    }
    return out;
  }

  /** Per-user stats, most active first (messages, then most recently seen). */
  users(): MonitorUserStats[] {
    return [...this.userMap.values()]
      .map((user) => ({ ...user }))
      .sort((a, b) => b.messages - a.messages || b.lastSeen.localeCompare(a.lastSeen));
  }

  snapshot(): MonitorSnapshot {
    return { ...this.stats(), guilds: this.guilds(), logs: this.logs(), users: this.users() };
  }

  private count(type: MonitorEventType): void {
    if (type === 'message') this.counters.messages += 1;
    else if (type === 'dm') this.counters.dms += 1;
    else if (type === 'response') this.counters.responses += 1;
    else if (type === 'error') this.counters.errors += 1;
  }

  private touchUser(userId: string, name: string, type: MonitorEventType, time: Date): void {
    let user = this.userMap.get(userId);
    if (!user) {
      if (this.userMap.size >= this.maxUsers) this.forgetLeastRecent();
      user = { userId, name, messages: 0, responses: 0, lastSeen: time.toISOString() };
    }
    // Re-insert so the map stays ordered by last activity (oldest first).
    this.userMap.delete(userId);
    this.userMap.set(userId, user);
    user.name = name;
    if (type === 'message' || type === 'dm') {
      user.messages += 1;
      user.lastSeen = time.toISOString();
    } else if (type === 'response') {
      user.responses += 1;
    }
  }

  private forgetLeastRecent(): void {
    const oldest = this.userMap.keys().next();
    if (!oldest.done) this.userMap.delete(oldest.value);
  }
}

/** Feeds the bot's events (`DiscordBotDeps.onEvent`) into the monitor. */
export function monitorBotEvents(monitor: DiscordMonitor): BotEventListener {
  return (event: BotEvent) => {
    switch (event.type) {
      case 'ready':
        monitor.setBotUser({ id: event.botUser.id, name: event.botUser.tag });
        monitor.setGuilds(event.guilds);
        monitor.setConnection('connected');
        monitor.setLatency(event.latencyMs);
        monitor.record({ type: 'system', content: `Logged in as ${event.botUser.tag}` });
        return;
      case 'connection':
        monitor.setConnection(
          event.state === 'disconnected'
            ? 'disconnected'
            : event.state === 'reconnecting'
              ? 'resuming'
              : 'connected',
        );
        if (event.latencyMs !== undefined) monitor.setLatency(event.latencyMs);
        if (event.state !== 'reconnecting')
          monitor.record({ type: 'system', content: CONNECTION_TEXT[event.state] });
        return;
      case 'guild_join':
        monitor.upsertGuild(event.guild);
        monitor.record({ type: 'system', content: `Joined server: ${event.guild.name}` });
        return;
      case 'guild_leave':
        monitor.removeGuild(event.guild.id);
        monitor.record({ type: 'system', content: `Left server: ${event.guild.name}` });
        return;
      case 'message':
      case 'response':
        monitor.record({
          type: event.type === 'response' ? 'response' : event.dm ? 'dm' : 'message',
          guild: event.guild ?? null,
          channel: event.channel ?? null,
          user: event.userName,
          userId: event.userId,
          content: event.content,
        });
        return;
      case 'error':
        monitor.record({ type: 'error', content: `Error in ${event.where}: ${event.message}` });
        return;
      case 'system':
        monitor.record({ type: 'system', content: event.text });
        return;
    }
  };
}

const CONNECTION_TEXT = {
  connected: 'Reconnected to Discord',
  resumed: 'Resumed the Discord session',
  disconnected: 'Disconnected from Discord',
} as const;

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}
