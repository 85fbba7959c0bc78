/**
 * Kysely table types for the main database, with the original's table and column names and storage
 * representations (spec §10): string UUID keys, booleans as the strings "true"/"false", naive-UTC timestamps,
 * JSON in TEXT columns.
 *
 * Timestamp columns are written as `YYYY-MM-DD HH:MM:SS.ffffff` strings (naive UTC, SQLAlchemy's SQLite format;
 * PostgreSQL parses the same text into `timestamp without time zone`). They read back as that string on SQLite
 * and as a Date on PostgreSQL (the pool's timestamp parser); `fromDbTime` in `codec.ts` accepts both.
 */
import type { ColumnType, Generated } from 'kysely';

/** Naive UTC timestamp: read as Date (PostgreSQL) or text (SQLite), written as text. */
export type DbTimestamp = ColumnType<Date | string, string, string>;
/** Boolean stored as the string "true" or "false". */
export type DbBoolean = string;

export interface ProjectsTable {
  id: string;
  owner_id: string;
  name: string;
}

export interface SessionsTable {
  id: string;
  project_id: string;
  user_id: string;
  title: string | null;
  archived: DbBoolean;
  started_at: DbTimestamp;
  last_activity_at: DbTimestamp;
  previous_session_id: string | null;
  context_snapshot: string | null;
  session_summary: string | null;
}

export interface MessagesTable {
  id: Generated<number>;
  session_id: string;
  user_id: string;
  role: string;
  content: string;
  created_at: DbTimestamp;
  /** New column (migration 0002); unique when not null. */
  platform_message_id: string | null;
}

export interface ChannelSummariesTable {
  id: string;
  channel_id: string;
  summary: string | null;
  summary_cutoff_at: DbTimestamp | null;
  last_updated_at: DbTimestamp | null;
}

export interface ChannelConfigsTable {
  id: string;
  channel_id: string;
  guild_id: string;
  mode: string;
  configured_by: string | null;
  configured_at: DbTimestamp | null;
  updated_at: DbTimestamp | null;
}

export interface LogEntriesTable {
  id: string;
  timestamp: DbTimestamp;
  level: string;
  logger_name: string;
  message: string;
  module: string | null;
  function: string | null;
  line_number: number | null;
  exception: string | null;
  /** JSON text. */
  extra_data: string | null;
  user_id: string | null;
  session_id: string | null;
}

/** New table (migration 0003): one row per LLM call. */
export interface LlmUsageTable {
  id: string;
  session_id: string | null;
  message_id: number | null;
  user_id: string | null;
  provider: string;
  model: string;
  purpose: string;
  tier: string | null;
  input_tokens: number;
  output_tokens: number;
  cost: number | null;
  duration_ms: number;
  created_at: DbTimestamp;
}

/** New table (migration 0006): graph memory entities. `agent_id` is '' when the entity has no agent. */
export interface MemoryEntitiesTable {
  id: string;
  user_id: string;
  agent_id: string;
  /** The name as first said ("Anna", "München"). */
  name: string;
  /** Case- and accent-insensitive key of the name (unique per user and agent). */
  name_key: string;
  type: string | null;
  last_seen_at: DbTimestamp;
}

/** New table (migration 0006): graph memory relations; ended ones keep their row with `valid_to`. */
export interface MemoryRelationsTable {
  id: string;
  user_id: string;
  agent_id: string;
  source_entity_id: string;
  relation: string;
  target_entity_id: string;
  created_at: DbTimestamp;
  valid_to: DbTimestamp | null;
  /** JSON array of `messages.id`. */
  source_message_ids: string;
}

/** New table (migration 0007): one row per tool execution. */
export interface ToolCallsTable {
  id: string;
  tool_name: string;
  user_id: string | null;
  conversation_id: string | null;
  session_id: string | null;
  platform: string | null;
  duration_ms: number;
  ok: DbBoolean;
  /** The error text given back to the model (cut to 2000 characters); null when the call worked. */
  error: string | null;
  /** Length of the result before truncation. */
  result_chars: number;
  truncated: DbBoolean;
  created_at: DbTimestamp;
}

/** Email monitoring (migration 0008, spec §10): a user's IMAP mailbox. New columns: imap_tls … watch_mode. */
export interface EmailAccountsTable {
  id: string;
  user_id: string;
  email_address: string;
  provider_type: string;
  imap_server: string | null;
  imap_port: number | null;
  imap_username: string | null;
  /** Fernet token (EMAIL_ENCRYPTION_KEY). */
  imap_password: string | null;
  enabled: ColumnType<DbBoolean | null, DbBoolean | undefined, DbBoolean>;
  poll_interval_minutes: ColumnType<number | null, number | null | undefined, number | null>;
  last_checked_at: DbTimestamp | null;
  last_seen_uid: string | null;
  last_seen_timestamp: DbTimestamp | null;
  status: ColumnType<string | null, string | undefined, string>;
  last_error: string | null;
  error_count: ColumnType<number | null, number | undefined, number>;
  alert_channel_id: string | null;
  ping_on_alert: ColumnType<DbBoolean | null, DbBoolean | undefined, DbBoolean>;
  quiet_hours_start: number | null;
  quiet_hours_end: number | null;
  created_at: DbTimestamp | null;
  updated_at: DbTimestamp | null;
  imap_tls: DbBoolean | null;
  uid_validity: string | null;
  next_check_at: DbTimestamp | null;
  watch_mode: string | null;
}

/** Email monitoring rules (migration 0008); `rule_definition` is the JSON of spec §8.3. */
export interface EmailRulesTable {
  id: string;
  user_id: string;
  account_id: string | null;
  name: string;
  enabled: ColumnType<DbBoolean | null, DbBoolean | undefined, DbBoolean>;
  priority: ColumnType<number | null, number | undefined, number>;
  rule_definition: string;
  importance: ColumnType<string | null, string | undefined, string>;
  custom_alert_message: string | null;
  override_ping: string | null;
  preset_name: string | null;
  created_at: DbTimestamp | null;
  updated_at: DbTimestamp | null;
}

/** Email alerts (migration 0008). New columns: uid_validity, reason, summary, delivery_status. */
export interface EmailAlertsTable {
  id: string;
  user_id: string;
  account_id: string;
  rule_id: string | null;
  email_uid: string;
  email_from: string;
  email_subject: string;
  email_snippet: string | null;
  email_received_at: DbTimestamp | null;
  channel_id: string;
  message_id: string | null;
  importance: string;
  was_pinged: ColumnType<DbBoolean | null, DbBoolean | undefined, DbBoolean>;
  sent_at: DbTimestamp | null;
  uid_validity: string | null;
  reason: string | null;
  summary: string | null;
  delivery_status: string | null;
}

/** Per-server Discord settings (migration 0009, spec §10). Booleans as "true"/"false", quiet hours as HH:MM. */
export interface GuildConfigsTable {
  id: Generated<number>;
  guild_id: string | null;
  default_tier: string | null;
  auto_tier_enabled: ColumnType<DbBoolean | null, DbBoolean | undefined, DbBoolean>;
  ors_enabled: ColumnType<DbBoolean | null, DbBoolean | undefined, DbBoolean>;
  ors_channel_id: string | null;
  ors_quiet_start: string | null;
  ors_quiet_end: string | null;
  sandbox_mode: ColumnType<string | null, string | undefined, string>;
  created_at: DbTimestamp | null;
  updated_at: DbTimestamp | null;
}

/** New table (migration 0009): one row per administrative command (who, where, what, result). */
export interface AdminAuditTable {
  id: string;
  platform: string;
  guild_id: string | null;
  channel_id: string | null;
  actor_id: string;
  actor_name: string | null;
  action: string;
  target: string | null;
  /** JSON text of the command's options, secrets removed. */
  details: string | null;
  /** ok | error | denied */
  result: string;
  message: string | null;
  created_at: DbTimestamp;
}

/** The main database as Kysely sees it. */
export interface DatabaseSchema {
  projects: ProjectsTable;
  sessions: SessionsTable;
  messages: MessagesTable;
  channel_summaries: ChannelSummariesTable;
  channel_configs: ChannelConfigsTable;
  log_entries: LogEntriesTable;
  llm_usage: LlmUsageTable;
  memory_entities: MemoryEntitiesTable;
  memory_relations: MemoryRelationsTable;
  tool_calls: ToolCallsTable;
  email_accounts: EmailAccountsTable;
  email_rules: EmailRulesTable;
  email_alerts: EmailAlertsTable;
  guild_configs: GuildConfigsTable;
  admin_audit: AdminAuditTable;
}
