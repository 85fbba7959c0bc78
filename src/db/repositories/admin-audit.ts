import { randomUUID } from 'node:crypto';
import { fromDbTime, toDbTime } from '../codec.js';
import type { AdminAuditRow, Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

const MESSAGE_CHARS = 2_000;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const RESULTS: readonly AdminAuditRow['result'][] = ['ok', 'error', 'denied'];

function parseDetails(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { unreadable: text };
  }
}

export function adminAuditRepository({ db }: RepositoryContext): Repositories['adminAudit'] {
  return {
    async record(input) {
      await db
        .insertInto('admin_audit')
        .values({
          id: randomUUID(),
          platform: input.platform,
          guild_id: input.guildId,
          channel_id: input.channelId,
          actor_id: input.actorId,
          actor_name: input.actorName,
          action: input.action,
          target: input.target,
          details: input.details ? JSON.stringify(input.details) : null,
          result: input.result,
          message: input.message === null ? null : input.message.slice(0, MESSAGE_CHARS),
          created_at: toDbTime(input.createdAt ?? new Date()),
        })
        .execute();
    },

    async recent(filter) {
      const limit = Math.min(Math.max(Math.floor(filter.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
      let query = db.selectFrom('admin_audit').selectAll();
      if (filter.guildId !== undefined) query = query.where('guild_id', '=', filter.guildId);
      if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
      if (filter.action !== undefined) query = query.where('action', '=', filter.action);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => ({
        id: row.id,
        platform: row.platform,
        guildId: row.guild_id,
        channelId: row.channel_id,
        actorId: row.actor_id,
        actorName: row.actor_name,
        action: row.action,
        target: row.target,
        details: parseDetails(row.details),
        result: RESULTS.find((r) => r === row.result) ?? 'error',
        message: row.message,
        createdAt: fromDbTime(row.created_at),
      }));
    },
  };
}
