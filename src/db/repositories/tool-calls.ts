import { randomUUID } from 'node:crypto';
import { fromDbBool, fromDbTime, toDbBool, toDbTime } from '../codec.js';
import type { Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

const ERROR_CHARS = 2_000;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export function toolCallsRepository({ db }: RepositoryContext): Repositories['toolCalls'] {
  return {
    async record(input) {
      await db
        .insertInto('tool_calls')
        .values({
          id: randomUUID(),
          tool_name: input.toolName,
          user_id: input.userId,
          conversation_id: input.conversationId,
          session_id: input.sessionId,
          platform: input.platform,
          duration_ms: Math.max(0, Math.round(input.durationMs)),
          ok: toDbBool(input.ok),
          error: input.error === null ? null : input.error.slice(0, ERROR_CHARS),
          result_chars: Math.max(0, Math.round(input.resultChars)),
          truncated: toDbBool(input.truncated),
          created_at: toDbTime(input.createdAt ?? new Date()),
        })
        .execute();
    },

    async recent(filter) {
      const limit = Math.min(Math.max(Math.floor(filter.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
      let query = db.selectFrom('tool_calls').selectAll();
      if (filter.toolName !== undefined) query = query.where('tool_name', '=', filter.toolName);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.since !== undefined) query = query.where('created_at', '>=', toDbTime(filter.since));
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => ({
        id: row.id,
        toolName: row.tool_name,
        userId: row.user_id,
        conversationId: row.conversation_id,
        sessionId: row.session_id,
        platform: row.platform,
        durationMs: Number(row.duration_ms),
        ok: fromDbBool(row.ok),
        error: row.error,
        resultChars: Number(row.result_chars),
        truncated: fromDbBool(row.truncated),
        createdAt: fromDbTime(row.created_at),
      }));
    },
  };
}
