/**
 * System log tools (spec §4.5.2) over the `log_entries` table: `search_logs`, `get_recent_logs`, `get_error_logs`.
 * Admin only: log lines carry other people's user ids, message excerpts and errors, so only admins are offered them
 * (and a call from anyone else is refused by the registry).
 */
import { z } from 'zod';
import { LOG_LEVELS, type LogEntryRow, type Repositories } from '../../db/index.js';
import { defineTool, type ToolDefinition } from '../types.js';

export interface SystemLogToolsOptions {
  logEntries: Pick<Repositories['logEntries'], 'query'>;
  /** DEFAULT_TIMEZONE: the zone log times are shown in (default UTC). */
  timeZone?: string | undefined;
  now?: () => Date;
}

const LEVEL_ALIASES: Record<string, string> = {
  WARN: 'WARNING',
  FATAL: 'CRITICAL',
  TRACE: 'DEBUG',
  ERR: 'ERROR',
};

const level = z
  .preprocess((v) => {
    if (typeof v !== 'string') return v;
    const upper = v.trim().toUpperCase();
    return LEVEL_ALIASES[upper] ?? upper;
  }, z.enum(LOG_LEVELS))
  .optional()
  .describe('Only entries of exactly this level.');

const hours = (fallback: number) =>
  z.number().positive().optional().describe(`How many hours back to look (default ${fallback}).`);

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const clamp = (value: number | undefined, fallback: number, max: number) =>
  Math.min(max, Math.max(1, Math.floor(value ?? fallback)));

/** `MM-DD HH:MM:SS` in `timeZone` (UTC when the zone is unknown). */
export function formatLogTime(date: Date, timeZone = 'UTC'): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return date.toISOString().slice(5, 19).replace('T', ' ');
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

export function systemLogTools(options: SystemLogToolsOptions): ToolDefinition[] {
  const now = options.now ?? (() => new Date());
  const time = (entry: LogEntryRow) => formatLogTime(entry.timestamp, options.timeZone);
  const since = (h: number) => new Date(now().getTime() - h * 3_600_000);

  const search = defineTool({
    name: 'search_logs',
    description:
      "Search Clara's own system logs (admins only): entries whose message contains `query`, optionally filtered " +
      'by logger name and level, newest first. Use it to investigate errors or check what Clara did.',
    schema: z.object({
      query: z.string().optional().describe('Text the log message contains (case-insensitive).'),
      logger_name: z
        .string()
        .optional()
        .describe('Text the logger name contains, e.g. "tools", "llm", "db".'),
      level,
      hours: hours(24),
      limit: z.number().int().optional().describe('At most this many entries (default 50, max 200).'),
    }),
    adminOnly: true,
    emoji: '📋',
    status: (args) => (args.query ? `Searching logs for "${cut(args.query, 30)}"` : 'Searching logs'),
    async run(args) {
      const windowHours = args.hours ?? 24;
      const rows = await options.logEntries.query({
        ...(args.query?.trim() ? { search: args.query.trim() } : {}),
        ...(args.logger_name?.trim() ? { loggerName: args.logger_name.trim() } : {}),
        ...(args.level ? { level: args.level } : {}),
        since: since(windowHours),
        limit: clamp(args.limit, 50, 200),
      });
      if (rows.length === 0) {
        const filters = [
          args.query?.trim() ? `message contains '${args.query.trim()}'` : undefined,
          args.logger_name?.trim() ? `logger contains '${args.logger_name.trim()}'` : undefined,
          args.level ? `level ${args.level}` : undefined,
          `last ${windowHours} hours`,
        ].filter(Boolean);
        return `No log entries found (${filters.join(', ')}).`;
      }
      const lines = rows.map((r) => {
        const line = `[${time(r)}] **${r.level}** \`${r.loggerName}\`: ${cut(flat(r.message), 200)}`;
        return r.exception ? `${line}\n\`\`\`\n${lastLines(r.exception, 3)}\n\`\`\`` : line;
      });
      return `Found ${rows.length} log entr${rows.length === 1 ? 'y' : 'ies'} (newest first):\n\n${lines.join('\n')}`;
    },
  });

  const recent = defineTool({
    name: 'get_recent_logs',
    description: "The latest entries of Clara's system logs (admins only), newest first.",
    schema: z.object({
      limit: z.number().int().optional().describe('How many entries (default 30, max 100).'),
      logger_name: z.string().optional().describe('Only loggers whose name contains this.'),
    }),
    adminOnly: true,
    emoji: '📋',
    status: () => 'Reading recent logs',
    async run(args) {
      const rows = await options.logEntries.query({
        ...(args.logger_name?.trim() ? { loggerName: args.logger_name.trim() } : {}),
        limit: clamp(args.limit, 30, 100),
      });
      if (rows.length === 0) return 'No log entries yet.';
      const lines = rows.map((r) => `[${time(r)}] ${r.level} ${r.loggerName}: ${cut(flat(r.message), 150)}`);
      return `Latest ${rows.length} log entr${rows.length === 1 ? 'y' : 'ies'} (newest first):\n${lines.join('\n')}`;
    },
  });

  const errors = defineTool({
    name: 'get_error_logs',
    description:
      "Errors (and optionally warnings) from Clara's system logs (admins only), newest first, with the start of " +
      'each stack trace. Use it when something failed or someone reports a problem.',
    schema: z.object({
      hours: hours(24),
      limit: z.number().int().optional().describe('At most this many entries (default 20, max 50).'),
      include_warnings: z.boolean().optional().describe('Include WARNING entries too (default false).'),
    }),
    adminOnly: true,
    emoji: '🚨',
    status: () => 'Reading error logs',
    async run(args) {
      const windowHours = args.hours ?? 24;
      const rows = await options.logEntries.query({
        minLevel: args.include_warnings ? 'WARNING' : 'ERROR',
        since: since(windowHours),
        limit: clamp(args.limit, 20, 50),
      });
      const what = args.include_warnings ? 'errors or warnings' : 'errors';
      if (rows.length === 0) return `No ${what} in the last ${windowHours} hours.`;
      const counted = rows.length === 1 ? what.replace(/s\b/g, '') : what;
      const blocks = rows.map((r) => {
        const head = `### [${time(r)}] ${r.level} \`${r.loggerName}\`\n${r.message}`;
        return r.exception ? `${head}\n\`\`\`\n${cut(r.exception, 500)}\n\`\`\`` : head;
      });
      return `${rows.length} ${counted} in the last ${windowHours} hours (newest first):\n\n${blocks.join('\n\n')}`;
    },
  });

  return [search, recent, errors] as ToolDefinition[];
}
