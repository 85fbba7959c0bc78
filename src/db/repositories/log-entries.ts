import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import { fromDbJsonObject, fromDbTime, toDbJson, toDbTime } from '../codec.js';
import type { LogEntriesTable } from '../schema.js';
import type { LogEntryFilter, LogEntryRow, Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

/** Severity order of the original's (Python logging) level names. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
const ALIASES: Record<string, string> = { WARN: 'WARNING', FATAL: 'CRITICAL', TRACE: 'DEBUG' };
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
/** Rows per INSERT statement: 12 parameters each stays far below both drivers' parameter limits. */
const INSERT_CHUNK = 500;

export function normaliseLevel(level: string): string {
  const upper = level.trim().toUpperCase();
  return ALIASES[upper] ?? upper;
}

function levelsFrom(minLevel: string): string[] {
  const index = (LOG_LEVELS as readonly string[]).indexOf(normaliseLevel(minLevel));
  if (index < 0) throw new Error(`Unknown log level "${minLevel}": use one of ${LOG_LEVELS.join(', ')}`);
  return LOG_LEVELS.slice(index);
}

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const clip = (text: string | null | undefined, max: number): string | null =>
  text === null || text === undefined ? null : text.slice(0, max);

function toLogEntryRow(row: Selectable<LogEntriesTable>): LogEntryRow {
  return {
    id: row.id,
    timestamp: fromDbTime(row.timestamp),
    level: row.level,
    loggerName: row.logger_name,
    message: row.message,
    module: row.module,
    function: row.function,
    lineNumber: row.line_number,
    exception: row.exception,
    extraData: fromDbJsonObject(row.extra_data),
    userId: row.user_id,
    sessionId: row.session_id,
  };
}

export function logEntriesRepository({ db, dialect }: RepositoryContext): Repositories['logEntries'] {
  /** Case-insensitive substring match (the original used ILIKE). */
  const contains = (column: 'message' | 'logger_name', text: string) =>
    sql<boolean>`${sql.ref(column)} ${sql.raw(dialect === 'postgres' ? 'ilike' : 'like')} ${likePattern(text)} escape '\\'`;

  return {
    async insertMany(entries) {
      const rows = entries.map((entry) => ({
        id: randomUUID(),
        timestamp: toDbTime(entry.timestamp),
        level: normaliseLevel(entry.level).slice(0, 10),
        logger_name: entry.loggerName.slice(0, 100),
        message: entry.message,
        module: clip(entry.module, 100),
        function: clip(entry.function, 100),
        line_number: entry.lineNumber ?? null,
        exception: entry.exception ?? null,
        extra_data: toDbJson(entry.extraData),
        user_id: entry.userId ?? null,
        session_id: entry.sessionId ?? null,
      }));
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        await db
          .insertInto('log_entries')
          .values(rows.slice(start, start + INSERT_CHUNK))
          .execute();
      }
    },

    async query(filter: LogEntryFilter) {
      const limit = Math.min(Math.max(Math.floor(filter.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
      let query = db.selectFrom('log_entries').selectAll();
      if (filter.level) query = query.where('level', '=', normaliseLevel(filter.level));
      if (filter.minLevel) query = query.where('level', 'in', levelsFrom(filter.minLevel));
      if (filter.loggerName) query = query.where(contains('logger_name', filter.loggerName));
      if (filter.search) query = query.where(contains('message', filter.search));
      if (filter.since) query = query.where('timestamp', '>=', toDbTime(filter.since));
      const rows = await query.orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toLogEntryRow);
    },
  };
}
