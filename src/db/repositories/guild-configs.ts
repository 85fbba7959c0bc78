import { fromDbTimeOrNull, toDbBool, toDbTime } from '../codec.js';
import type { GuildConfigPatch, GuildConfigRow, Repositories, SandboxMode } from '../types.js';
import type { RepositoryContext } from './context.js';

const TIERS = ['high', 'mid', 'low'] as const;
const SANDBOX_MODES: readonly SandboxMode[] = ['local', 'remote', 'auto'];

function toRow(guildId: string, row: Record<string, unknown>): GuildConfigRow {
  const tier = TIERS.find((t) => t === row.default_tier) ?? null;
  return {
    guildId,
    defaultTier: tier,
    autoTierEnabled: row.auto_tier_enabled === 'true',
    orsEnabled: row.ors_enabled === 'true',
    orsChannelId: (row.ors_channel_id as string | null) ?? null,
    orsQuietStart: (row.ors_quiet_start as string | null) ?? null,
    orsQuietEnd: (row.ors_quiet_end as string | null) ?? null,
    // Unknown stored modes fall back to the original's default.
    sandboxMode: SANDBOX_MODES.find((m) => m === row.sandbox_mode) ?? 'auto',
    createdAt: fromDbTimeOrNull(row.created_at as Date | string | null),
    updatedAt: fromDbTimeOrNull(row.updated_at as Date | string | null),
  };
}

function columns(patch: GuildConfigPatch): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (patch.defaultTier !== undefined) out.default_tier = patch.defaultTier;
  if (patch.autoTierEnabled !== undefined) out.auto_tier_enabled = toDbBool(patch.autoTierEnabled);
  if (patch.orsEnabled !== undefined) out.ors_enabled = toDbBool(patch.orsEnabled);
  if (patch.orsChannelId !== undefined) out.ors_channel_id = patch.orsChannelId;
  if (patch.orsQuietStart !== undefined) out.ors_quiet_start = patch.orsQuietStart;
  if (patch.orsQuietEnd !== undefined) out.ors_quiet_end = patch.orsQuietEnd;
  if (patch.sandboxMode !== undefined) out.sandbox_mode = patch.sandboxMode;
  return out;
}

export function guildConfigsRepository({ db }: RepositoryContext): Repositories['guildConfigs'] {
  async function get(guildId: string): Promise<GuildConfigRow | undefined> {
    const row = await db
      .selectFrom('guild_configs')
      .selectAll()
      .where('guild_id', '=', guildId)
      .executeTakeFirst();
    return row ? toRow(guildId, row as unknown as Record<string, unknown>) : undefined;
  }
  return {
    get,
    async update(guildId, patch) {
      const now = toDbTime(new Date());
      const changes = columns(patch);
      await db
        .insertInto('guild_configs')
        .values({
          guild_id: guildId,
          auto_tier_enabled: 'false',
          ors_enabled: 'false',
          sandbox_mode: 'auto',
          created_at: now,
          ...changes,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.column('guild_id').doUpdateSet({ ...changes, updated_at: now }))
        .execute();
      return (await get(guildId)) as GuildConfigRow;
    },
  };
}
