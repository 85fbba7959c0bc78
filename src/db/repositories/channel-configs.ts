import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { fromDbTimeOrNull, toDbTime } from '../codec.js';
import type { ChannelConfigsTable } from '../schema.js';
import type { ChannelConfigRow, ChannelMode, Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

const MODES: readonly ChannelMode[] = ['active', 'mention', 'off'];
/** Unknown stored modes fall back to the original's default. */
const toMode = (mode: string): ChannelMode => MODES.find((known) => known === mode) ?? 'mention';

const toRow = (row: Selectable<ChannelConfigsTable>): ChannelConfigRow => ({
  id: row.id,
  channelId: row.channel_id,
  guildId: row.guild_id,
  mode: toMode(row.mode),
  configuredBy: row.configured_by,
  configuredAt: fromDbTimeOrNull(row.configured_at),
  updatedAt: fromDbTimeOrNull(row.updated_at),
});

export function channelConfigsRepository({ db }: RepositoryContext): Repositories['channelConfigs'] {
  return {
    async get(channelId) {
      const row = await db
        .selectFrom('channel_configs')
        .selectAll()
        .where('channel_id', '=', channelId)
        .executeTakeFirst();
      return row ? toRow(row) : undefined;
    },

    async listByGuild(guildId) {
      const rows = await db
        .selectFrom('channel_configs')
        .selectAll()
        .where('guild_id', '=', guildId)
        .orderBy('channel_id')
        .execute();
      return rows.map(toRow);
    },

    async set({ channelId, guildId, mode, configuredBy }) {
      const now = toDbTime(new Date());
      await db
        .insertInto('channel_configs')
        .values({
          id: randomUUID(),
          channel_id: channelId,
          guild_id: guildId,
          mode,
          configured_by: configuredBy,
          configured_at: now,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict
            .column('channel_id')
            .doUpdateSet({ guild_id: guildId, mode, configured_by: configuredBy, updated_at: now }),
        )
        .execute();
    },
  };
}
