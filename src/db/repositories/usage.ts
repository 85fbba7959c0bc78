import { randomUUID } from 'node:crypto';
import { toDbTime } from '../codec.js';
import type { Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

export function usageRepository({ db }: RepositoryContext): Repositories['usage'] {
  return {
    async record(input) {
      await db
        .insertInto('llm_usage')
        .values({
          id: randomUUID(),
          session_id: input.sessionId,
          message_id: input.messageId,
          user_id: input.userId,
          provider: input.provider,
          model: input.model,
          purpose: input.purpose,
          tier: input.tier,
          input_tokens: Math.round(input.inputTokens),
          output_tokens: Math.round(input.outputTokens),
          cost: input.cost,
          duration_ms: Math.round(input.durationMs),
          created_at: toDbTime(input.createdAt ?? new Date()),
        })
        .execute();
    },

    async totals(filter) {
      let query = db
        .selectFrom('llm_usage')
        .select((eb) => [
          eb.fn.countAll().as('calls'),
          eb.fn.coalesce(eb.fn.sum('input_tokens'), eb.lit(0)).as('input_tokens'),
          eb.fn.coalesce(eb.fn.sum('output_tokens'), eb.lit(0)).as('output_tokens'),
          eb.fn.coalesce(eb.fn.sum('cost'), eb.lit(0)).as('cost'),
        ]);
      if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.since !== undefined) query = query.where('created_at', '>=', toDbTime(filter.since));
      const row = await query.executeTakeFirstOrThrow();
      return {
        calls: Number(row.calls),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        cost: Number(row.cost),
      };
    },
  };
}
