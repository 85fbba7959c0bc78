/**
 * The core tables as the original Python app's SQLAlchemy `create_all` emits them (spec §10.2), per dialect,
 * plus one row in each with the original's storage representations.
 */
import type { Dialect } from './targets.js';

function ddl(dialect: Dialect): string[] {
  const ts = dialect === 'postgres' ? 'TIMESTAMP WITHOUT TIME ZONE' : 'DATETIME';
  const serial = dialect === 'postgres' ? 'SERIAL' : 'INTEGER';
  return [
    `CREATE TABLE projects (
      id VARCHAR NOT NULL, owner_id VARCHAR NOT NULL, name VARCHAR NOT NULL, PRIMARY KEY (id))`,
    `CREATE TABLE sessions (
      id VARCHAR NOT NULL, project_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, title VARCHAR,
      archived VARCHAR NOT NULL, started_at ${ts} NOT NULL, last_activity_at ${ts} NOT NULL,
      previous_session_id VARCHAR, context_snapshot TEXT, session_summary TEXT,
      PRIMARY KEY (id), FOREIGN KEY(project_id) REFERENCES projects (id))`,
    `CREATE TABLE messages (
      id ${serial} NOT NULL, session_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, role VARCHAR NOT NULL,
      content TEXT NOT NULL, created_at ${ts} NOT NULL,
      PRIMARY KEY (id), FOREIGN KEY(session_id) REFERENCES sessions (id))`,
    `CREATE TABLE channel_summaries (
      id VARCHAR NOT NULL, channel_id VARCHAR NOT NULL, summary TEXT, summary_cutoff_at ${ts},
      last_updated_at ${ts}, PRIMARY KEY (id), UNIQUE (channel_id))`,
    `CREATE TABLE channel_configs (
      id VARCHAR NOT NULL, channel_id VARCHAR NOT NULL, guild_id VARCHAR NOT NULL, mode VARCHAR NOT NULL,
      configured_by VARCHAR, configured_at ${ts}, updated_at ${ts}, PRIMARY KEY (id))`,
    'CREATE UNIQUE INDEX ix_channel_configs_channel_id ON channel_configs (channel_id)',
    'CREATE INDEX ix_channel_configs_guild_id ON channel_configs (guild_id)',
    `CREATE TABLE log_entries (
      id VARCHAR NOT NULL, "timestamp" ${ts} NOT NULL, level VARCHAR(10) NOT NULL,
      logger_name VARCHAR(100) NOT NULL, message TEXT NOT NULL, module VARCHAR(100), "function" VARCHAR(100),
      line_number INTEGER, exception TEXT, extra_data TEXT, user_id VARCHAR, session_id VARCHAR, PRIMARY KEY (id))`,
    'CREATE INDEX ix_log_entries_timestamp ON log_entries ("timestamp")',
    'CREATE INDEX ix_log_entries_level ON log_entries (level)',
    'CREATE INDEX ix_log_entries_logger_name ON log_entries (logger_name)',
    'CREATE INDEX ix_log_entries_user_id ON log_entries (user_id)',
    'CREATE INDEX ix_log_entries_session_id ON log_entries (session_id)',
    // The original created guild_configs with more columns; migration 0009 adds what is missing.
    `CREATE TABLE guild_configs (id ${serial} NOT NULL, guild_id VARCHAR, PRIMARY KEY (id))`,
  ];
}

/** Rows as the Python app wrote them (naive UTC, microseconds, "true"/"false", JSON text). */
const ROWS = [
  "INSERT INTO projects (id, owner_id, name) VALUES ('p-1', 'discord-42', 'Default Project')",
  `INSERT INTO sessions (id, project_id, user_id, title, archived, started_at, last_activity_at, session_summary)
     VALUES ('s-1', 'p-1', 'discord-dm-42', 'DM with Ada', 'false', '2025-03-04 05:06:07.123456',
             '2025-03-04 06:00:00.000000', 'An old summary')`,
  `INSERT INTO messages (session_id, user_id, role, content, created_at)
     VALUES ('s-1', 'discord-dm-42', 'user', 'hello from python', '2025-03-04 05:06:08.500000')`,
  `INSERT INTO channel_summaries (id, channel_id, summary, summary_cutoff_at, last_updated_at)
     VALUES ('cs-1', 'discord-channel-7', 'old channel summary', NULL, '2025-03-04 07:00:00.000000')`,
  `INSERT INTO channel_configs (id, channel_id, guild_id, mode, configured_by, configured_at, updated_at)
     VALUES ('cc-1', '7', 'g-1', 'active', 'discord-42', '2025-03-01 00:00:00.000000', '2025-03-01 00:00:00.000000')`,
  `INSERT INTO log_entries (id, "timestamp", level, logger_name, message, extra_data)
     VALUES ('l-1', '2025-03-04 05:00:00.000000', 'WARNING', 'email.monitor', 'old warning', '{"path": "/x"}')`,
];

export function originalSchemaStatements(dialect: Dialect): string[] {
  return [...ddl(dialect), ...ROWS];
}
