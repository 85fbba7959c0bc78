import { defineVar, derivedFrom } from '../define.js';
import { bool, filePath, int, num, oneOf, port, text, timezone, url } from '../var-types.js';

const postgresUrl = () =>
  url({ protocols: ['postgres', 'postgresql'], example: 'postgresql://clara:password@localhost:5432/clara' });

export const databaseVars = [
  defineVar({
    name: 'DATA_DIR',
    type: filePath(),
    default: '.',
    description: 'Directory for local data: the embedded database (assistant.db), logs and other stores.',
    group: 'Database',
  }),
  defineVar({
    name: 'DATABASE_URL',
    type: postgresUrl(),
    description: 'PostgreSQL for conversations and state; unset = embedded SQLite at DATA_DIR/assistant.db.',
    group: 'Database',
  }),
  defineVar({
    name: 'MEM0_DATABASE_URL',
    type: postgresUrl(),
    description: 'PostgreSQL with pgvector for memories; unset = the embedded store in DATA_DIR.',
    group: 'Database',
  }),
] as const;

export const webVars = [
  defineVar({
    name: 'DISCORD_MONITOR_ENABLED',
    type: bool(),
    default: true,
    description: 'Run the web server (dashboard, health check, web chat, OAuth callbacks).',
    group: 'Web',
  }),
  defineVar({
    name: 'DISCORD_MONITOR_PORT',
    type: port({ allowAny: true }),
    default: 8001,
    description: 'Web server port (PORT wins when set).',
    group: 'Web',
  }),
  defineVar({
    name: 'PORT',
    type: port({ allowAny: true }),
    description: 'Web server port set by hosting platforms such as Railway; overrides DISCORD_MONITOR_PORT.',
    group: 'Web',
  }),
  defineVar({
    name: 'CLARA_WEB_HOST',
    type: text({ pattern: /^[^\s/]+$/, expected: 'a host name or IP address such as 127.0.0.1 or 0.0.0.0' }),
    default: '127.0.0.1',
    description: 'Web server bind address; anything but loopback requires CLARA_WEB_TOKEN.',
    group: 'Web',
    isNew: true,
  }),
  defineVar({
    name: 'CLARA_WEB_TOKEN',
    type: text({ pattern: /^\S{16,}$/, expected: 'a token of at least 16 characters without spaces' }),
    description: 'Access token for the web server; required when CLARA_WEB_HOST is not a loopback address.',
    group: 'Web',
    secret: true,
    isNew: true,
  }),
  defineVar({
    name: 'CLARA_API_URL',
    type: url(),
    description: 'Public base URL of the web server, used for OAuth redirects (<url>/oauth/mcp/callback).',
    group: 'Web',
  }),
] as const;

export const loggingVars = [
  defineVar({
    name: 'LOG_LEVEL',
    type: oneOf(['debug', 'info', 'warn', 'error', 'fatal'] as const, { warning: 'warn', critical: 'fatal' }),
    default: 'info',
    defaultDoc: 'INFO',
    description: 'Console and file log level: DEBUG, INFO, WARNING, ERROR or CRITICAL (any case).',
    group: 'Logging',
  }),
  defineVar({
    name: 'CLARA_LOG_DIR',
    type: filePath(),
    default: 'logs',
    description: 'Directory of rotating JSON log files (relative = inside DATA_DIR); off disables file logs.',
    group: 'Logging',
    isNew: true,
  }),
  defineVar({
    name: 'DISCORD_LOG_CHANNEL_ID',
    type: text({ pattern: /^\d{1,20}$/, expected: 'a Discord channel id (digits)' }),
    description:
      'Discord channel that mirrors log lines and memory events; also the channel for channel-wide email alerts.',
    group: 'Logging',
  }),
] as const;

export const backupVars = [
  defineVar({
    name: 'BACKUP_RETENTION_DAYS',
    type: int({ min: 1, max: 3650, unit: 'of days' }),
    default: 7,
    description: 'Database backups older than this are deleted (from S3 or the local backup folder).',
    group: 'Backups',
  }),
  defineVar({
    name: 'BACKUP_DIR',
    type: filePath(),
    defaultDoc: 'DATA_DIR/backups (when the S3 keys are unset)',
    description:
      'Local folder for database backups (relative = inside DATA_DIR); when set it wins over S3, otherwise S3 is used when S3_ACCESS_KEY and S3_SECRET_KEY are set.',
    group: 'Backups',
    isNew: true,
  }),
  defineVar({
    name: 'BACKUP_PG_BIN_DIR',
    type: filePath(),
    description:
      'Directory holding pg_dump and psql for PostgreSQL backups (default: found on PATH); use a client at least as new as the server.',
    group: 'Backups',
    isNew: true,
  }),
  defineVar({
    name: 'RESPAWN_PROTECTION_HOURS',
    type: num({ min: 0, max: 720, unit: 'of hours' }),
    default: 23,
    description:
      'Scheduled backups (clara backup now --if-due): skip when the last backup is younger than this.',
    group: 'Backups',
  }),
  defineVar({
    name: 'FORCE_BACKUP',
    type: bool(),
    default: false,
    description: 'Scheduled backups (clara backup now --if-due): ignore RESPAWN_PROTECTION_HOURS.',
    group: 'Backups',
  }),
  defineVar({
    name: 'DB_RETRY_ATTEMPTS',
    type: int({ min: 1, max: 100 }),
    default: 5,
    description: 'Backup job: database connection attempts.',
    group: 'Backups',
  }),
  defineVar({
    name: 'DB_RETRY_DELAY',
    type: num({ min: 0, max: 600, unit: 'of seconds' }),
    default: 2,
    description: 'Backup job: first retry delay in seconds (doubles each attempt).',
    group: 'Backups',
  }),
  defineVar({
    name: 'HEALTH_PORT',
    type: port(),
    default: derivedFrom('value of PORT, else 8080', (v) => (v.PORT as number | undefined) ?? 8080),
    description: 'Backup job: port of its health HTTP server.',
    group: 'Backups',
  }),
] as const;

export const miscVars = [
  defineVar({
    name: 'BOT_NAME',
    type: text(),
    default: 'Clara',
    description: "Assistant's name (the lower-cased name is the memory agent id).",
    group: 'Misc',
  }),
  defineVar({
    name: 'BOT_PERSONALITY_FILE',
    type: filePath(),
    description: 'File with the persona text; wins over BOT_PERSONALITY.',
    group: 'Misc',
  }),
  defineVar({
    name: 'BOT_PERSONALITY',
    type: text(),
    description: 'Persona text, used when BOT_PERSONALITY_FILE is unset.',
    group: 'Misc',
  }),
  defineVar({
    name: 'CLARA_PERSONALITY',
    type: text({ pattern: /^[A-Za-z0-9_-]+$/, expected: 'a persona name (letters, digits, - and _)' }),
    default: 'clara',
    description:
      'Persona personalities/<name>.md used when BOT_PERSONALITY_FILE and BOT_PERSONALITY are unset.',
    group: 'Misc',
    isNew: true,
  }),
  defineVar({
    name: 'DEFAULT_TIMEZONE',
    type: timezone(),
    default: 'America/New_York',
    description: 'Time zone for every time shown to people and to the model.',
    group: 'Misc',
  }),
  defineVar({
    name: 'CLARA_MAX_INPUT_CHARS',
    type: int({ min: 100, max: 10_000_000, unit: 'of characters' }),
    default: 32000,
    description: 'Longer user messages are refused with an explanation.',
    group: 'Misc',
    isNew: true,
  }),
  defineVar({
    name: 'CLARA_ENV_FILE',
    type: filePath(),
    defaultDoc: './.env',
    description:
      'The .env file to load; only read from the real environment (its variables win over the file).',
    group: 'Misc',
    isNew: true,
  }),
] as const;
