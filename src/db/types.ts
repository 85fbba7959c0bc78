/**
 * What the rest of Clara sees of the main database: plain rows (camelCase, real Dates and booleans) and
 * repositories. The Kysely schema types (snake_case, the original's storage representations) stay inside src/db.
 */

export type DatabaseDialect = 'sqlite' | 'postgres';

export interface ProjectRow {
  id: string;
  ownerId: string;
  name: string;
}

export interface SessionRow {
  id: string;
  projectId: string;
  /** Session owner (`discord-dm-<id>`, `discord-channel-<id>`, `web-<user>`, `cli-<user>`). */
  userId: string;
  title: string | null;
  archived: boolean;
  startedAt: Date;
  lastActivityAt: Date;
  previousSessionId: string | null;
  /** JSON text: the last messages of the previous session, written when this session replaced it. */
  contextSnapshot: string | null;
  sessionSummary: string | null;
}

export type MessageRole = 'user' | 'assistant';

export interface MessageRow {
  id: number;
  sessionId: string;
  /** Session owner, as in the original. */
  userId: string;
  role: MessageRole;
  content: string;
  createdAt: Date;
  /** Platform message id for de-duplication (new column; null for old rows). */
  platformMessageId: string | null;
}

export interface NewSession {
  projectId: string;
  userId: string;
  title: string | null;
  previousSessionId?: string | null;
  contextSnapshot?: string | null;
  /** Defaults to now. */
  startedAt?: Date;
}

export interface NewMessage {
  sessionId: string;
  userId: string;
  role: MessageRole;
  content: string;
  createdAt?: Date;
  platformMessageId?: string | null;
}

export interface ChannelSummaryRow {
  id: string;
  channelId: string;
  summary: string;
  summaryCutoffAt: Date | null;
  lastUpdatedAt: Date | null;
}

export type ChannelMode = 'active' | 'mention' | 'off';

export interface ChannelConfigRow {
  id: string;
  channelId: string;
  guildId: string;
  mode: ChannelMode;
  configuredBy: string | null;
  configuredAt: Date | null;
  updatedAt: Date | null;
}

export interface LogEntryInput {
  timestamp: Date;
  level: string;
  loggerName: string;
  message: string;
  module?: string | null;
  function?: string | null;
  lineNumber?: number | null;
  exception?: string | null;
  /** Serialised to JSON text. */
  extraData?: Record<string, unknown> | null;
  userId?: string | null;
  sessionId?: string | null;
}

export interface LogEntryRow extends Required<Omit<LogEntryInput, 'extraData'>> {
  id: string;
  extraData: Record<string, unknown> | null;
}

export interface LogEntryFilter {
  level?: string;
  /** Minimum severity: returns this level and above (debug < info < warning < error < critical). */
  minLevel?: string;
  loggerName?: string;
  search?: string;
  since?: Date;
  limit?: number;
}

/** One LLM call's token usage (new table `llm_usage`). */
export interface UsageInput {
  sessionId: string | null;
  /** The assistant message the call contributed to, when known. */
  messageId: number | null;
  userId: string | null;
  provider: string;
  model: string;
  purpose: string;
  tier: string | null;
  inputTokens: number;
  outputTokens: number;
  cost: number | null;
  durationMs: number;
  createdAt?: Date;
}

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

/** One tool execution (new table `tool_calls`). */
export interface ToolCallInput {
  toolName: string;
  userId: string | null;
  conversationId: string | null;
  sessionId: string | null;
  platform: string | null;
  durationMs: number;
  ok: boolean;
  /** The error given back to the model when the call failed. */
  error: string | null;
  /** Length of the result before truncation. */
  resultChars: number;
  truncated: boolean;
  createdAt?: Date;
}

export interface ToolCallRow extends Required<ToolCallInput> {
  id: string;
}

/** Sandbox choice stored per Discord server (`guild_configs.sandbox_mode`). */
export type SandboxMode = 'local' | 'remote' | 'auto';

/** Per-server Discord settings (`guild_configs`); defaults when the server has no row. */
export interface GuildConfigRow {
  guildId: string;
  /** high | mid | low; null = the server has no default (MODEL_TIER applies). */
  defaultTier: 'high' | 'mid' | 'low' | null;
  autoTierEnabled: boolean;
  orsEnabled: boolean;
  orsChannelId: string | null;
  /** HH:MM (24 h). */
  orsQuietStart: string | null;
  orsQuietEnd: string | null;
  sandboxMode: SandboxMode;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export type GuildConfigPatch = Partial<Omit<GuildConfigRow, 'guildId' | 'createdAt' | 'updatedAt'>>;

/** One administrative command (new table `admin_audit`). */
export interface AdminAuditInput {
  platform: string;
  guildId: string | null;
  channelId: string | null;
  /** Unified user id of who ran it (`discord-<id>`). */
  actorId: string;
  actorName: string | null;
  /** e.g. `/mcp install`, `channel set`. */
  action: string;
  target: string | null;
  /** The command's options with secrets removed (stored as JSON). */
  details: Record<string, unknown> | null;
  result: 'ok' | 'error' | 'denied';
  message: string | null;
  createdAt?: Date;
}

export interface AdminAuditRow extends Required<AdminAuditInput> {
  id: string;
}

export interface Repositories {
  projects: {
    /** The project named `name` owned by `ownerId`, created when missing. */
    ensure(ownerId: string, name: string): Promise<ProjectRow>;
  };
  sessions: {
    get(id: string): Promise<SessionRow | undefined>;
    /** Most recently active non-archived session of this owner. */
    findLatest(ownerId: string): Promise<SessionRow | undefined>;
    create(input: NewSession): Promise<SessionRow>;
    touch(id: string, at: Date): Promise<void>;
    setSummary(id: string, summary: string): Promise<void>;
    archive(id: string): Promise<void>;
  };
  messages: {
    add(input: NewMessage): Promise<MessageRow>;
    /** The last `limit` messages of a session in chronological order. */
    recent(sessionId: string, limit: number): Promise<MessageRow[]>;
    count(sessionId: string): Promise<number>;
    lastByRole(sessionId: string, role: MessageRole): Promise<MessageRow | undefined>;
    findByPlatformId(platformMessageId: string): Promise<MessageRow | undefined>;
    /** Whether the session has any message stored after message `id` (an answered message has one). */
    hasLaterMessage(sessionId: string, id: number): Promise<boolean>;
    /**
     * User messages with a platform id, owned by `ownerPrefix…`, stored since `since`, that are still the last
     * message of their session: stored before a crash, never answered. Oldest first.
     */
    unanswered(options: { ownerPrefix: string; since: Date; limit: number }): Promise<MessageRow[]>;
    /**
     * The last `limit` messages of a conversation (session owner `ownerId`) across all its sessions, optionally
     * only those created before `before`, in chronological order.
     */
    byConversation(ownerId: string, options: { limit: number; before?: Date }): Promise<MessageRow[]>;
  };
  channelSummaries: {
    get(channelId: string): Promise<ChannelSummaryRow | undefined>;
    upsert(channelId: string, summary: string, cutoffAt: Date | null): Promise<void>;
  };
  channelConfigs: {
    get(channelId: string): Promise<ChannelConfigRow | undefined>;
    /** Every configured channel of a Discord server, by channel id. */
    listByGuild(guildId: string): Promise<ChannelConfigRow[]>;
    set(input: {
      channelId: string;
      guildId: string;
      mode: ChannelMode;
      configuredBy: string | null;
    }): Promise<void>;
  };
  logEntries: {
    insertMany(entries: LogEntryInput[]): Promise<void>;
    query(filter: LogEntryFilter): Promise<LogEntryRow[]>;
  };
  usage: {
    record(input: UsageInput): Promise<void>;
    totals(filter: { sessionId?: string; userId?: string; since?: Date }): Promise<UsageTotals>;
  };
  guildConfigs: {
    /** The server's settings; undefined when nothing was ever stored for it. */
    get(guildId: string): Promise<GuildConfigRow | undefined>;
    /** Stores the given fields (creating the row with defaults when missing); returns the whole row. */
    update(guildId: string, patch: GuildConfigPatch): Promise<GuildConfigRow>;
  };
  adminAudit: {
    record(input: AdminAuditInput): Promise<void>;
    /** Newest first. */
    recent(filter: {
      guildId?: string;
      actorId?: string;
      action?: string;
      limit?: number;
    }): Promise<AdminAuditRow[]>;
  };
  toolCalls: {
    record(input: ToolCallInput): Promise<void>;
    /** Newest first. */
    recent(filter: {
      toolName?: string;
      userId?: string;
      since?: Date;
      limit?: number;
    }): Promise<ToolCallRow[]>;
  };
}

/** An open main database. */
export interface Database {
  readonly dialect: DatabaseDialect;
  readonly repos: Repositories;
  /** Runs pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Cheap connectivity check (`SELECT 1`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
