import { randomUUID } from 'node:crypto';
import { fromDbTimeOrNull, toDbTime } from '../codec.js';
import type { Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

export function channelSummariesRepository({ db }: RepositoryContext): Repositories['channelSummaries'] {
  return {
    async get(channelId) {
      const row = await db
        .selectFrom('channel_summaries')
        .selectAll()
        .where('channel_id', '=', channelId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        channelId: row.channel_id,
        summary: row.summary ?? '',
        summaryCutoffAt: fromDbTimeOrNull(row.summary_cutoff_at),
        lastUpdatedAt: fromDbTimeOrNull(row.last_updated_at),
      };
    },

    async upsert(channelId, summary, cutoffAt) {
      const changes = {
        summary,
        summary_cutoff_at: cutoffAt ? toDbTime(cutoffAt) : null,
        last_updated_at: toDbTime(new Date()),
      };
      await db
        .insertInto('channel_summaries')
        .values({ id: randomUUID(), channel_id: channelId, ...changes })
        .onConflict((conflict) => conflict.column('channel_id').doUpdateSet(changes))
        .execute();
    },
  };
}
