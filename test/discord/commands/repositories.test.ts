/** `guild_configs` and `admin_audit` repositories on SQLite and PostgreSQL, including an adopted original table. */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/index.js';
import { DIALECTS, execRaw, freshTarget, openMigrated } from '../../db/targets.js';

describe.each(DIALECTS)('Discord repositories on %s', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('guild configs: defaults on first write, partial updates, unknown values read as defaults', async () => {
    const target = await openMigrated(dialect);
    cleanups.push(target.cleanup);
    const { repos } = target.db;
    expect(await repos.guildConfigs.get('g1')).toBeUndefined();
    const first = await repos.guildConfigs.update('g1', { defaultTier: 'high' });
    expect(first).toMatchObject({
      guildId: 'g1',
      defaultTier: 'high',
      autoTierEnabled: false,
      orsEnabled: false,
      orsChannelId: null,
      sandboxMode: 'auto',
    });
    expect(first.createdAt).toBeInstanceOf(Date);
    const second = await repos.guildConfigs.update('g1', { autoTierEnabled: true, orsQuietStart: '22:00' });
    expect(second).toMatchObject({ defaultTier: 'high', autoTierEnabled: true, orsQuietStart: '22:00' });
    await repos.guildConfigs.update('g1', { defaultTier: null, sandboxMode: 'remote' });
    expect(await repos.guildConfigs.get('g1')).toMatchObject({ defaultTier: null, sandboxMode: 'remote' });
    await repos.guildConfigs.update('g2', { orsEnabled: true });
    expect((await repos.guildConfigs.get('g2'))?.orsEnabled).toBe(true);
    expect((await repos.guildConfigs.get('g1'))?.orsEnabled).toBe(false);
  });

  it('admin audit: records with JSON details, newest first, filtered', async () => {
    const target = await openMigrated(dialect);
    cleanups.push(target.cleanup);
    const { repos } = target.db;
    const base = {
      platform: 'discord',
      guildId: 'g1',
      channelId: 'c1',
      actorId: 'discord-1',
      actorName: 'Ada',
      target: null,
      message: null,
    };
    await repos.adminAudit.record({
      ...base,
      action: '/mcp install',
      details: { source: 'x' },
      result: 'ok',
      createdAt: new Date(Date.UTC(2026, 0, 1)),
    });
    await repos.adminAudit.record({
      ...base,
      actorId: 'discord-2',
      action: '/clara channel',
      details: null,
      result: 'denied',
      message: 'needs Manage Channels',
      createdAt: new Date(Date.UTC(2026, 0, 2)),
    });
    const all = await repos.adminAudit.recent({});
    expect(all.map((r) => r.action)).toEqual(['/clara channel', '/mcp install']);
    expect(all[1]).toMatchObject({
      details: { source: 'x' },
      result: 'ok',
      createdAt: new Date(Date.UTC(2026, 0, 1)),
    });
    expect(await repos.adminAudit.recent({ actorId: 'discord-2' })).toHaveLength(1);
    expect(await repos.adminAudit.recent({ guildId: 'other' })).toEqual([]);
  });

  it('adopts the original guild_configs table and adds its missing columns', async () => {
    const target = await freshTarget(dialect);
    cleanups.push(target.cleanup);
    const serial = dialect === 'postgres' ? 'SERIAL' : 'INTEGER';
    await execRaw(dialect, target, [
      `CREATE TABLE guild_configs (id ${serial} NOT NULL, guild_id VARCHAR, PRIMARY KEY (id))`,
      "INSERT INTO guild_configs (guild_id) VALUES ('old-guild')",
    ]);
    const db = await openDatabase(target.options);
    cleanups.push(() => db.close());
    await db.migrate();
    expect(await db.repos.guildConfigs.get('old-guild')).toMatchObject({
      defaultTier: null,
      sandboxMode: 'auto',
    });
    expect(await db.repos.guildConfigs.update('old-guild', { defaultTier: 'low' })).toMatchObject({
      guildId: 'old-guild',
      defaultTier: 'low',
    });
  });
});
