/** channel summaries, channel configs, log entries and LLM usage repositories, against SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntryInput, MainDatabase } from '../../src/db/index.js';
import { DIALECTS, type OpenTarget, openMigrated } from './targets.js';

const at = (minute: number, second = 0) => new Date(Date.UTC(2025, 3, 1, 10, minute, second));

describe.each(DIALECTS)('records on %s', (dialect) => {
  let target: OpenTarget;
  let db: MainDatabase;
  beforeAll(async () => {
    target = await openMigrated(dialect);
    db = target.db;
  });
  afterAll(async () => {
    await target.cleanup();
  });

  describe('channelSummaries', () => {
    it('is undefined until written, then upserts in place', async () => {
      const channelId = 'discord-channel-1';
      expect(await db.repos.channelSummaries.get(channelId)).toBeUndefined();

      const before = Date.now();
      await db.repos.channelSummaries.upsert(channelId, 'First summary', at(1));
      const first = await db.repos.channelSummaries.get(channelId);
      expect(first).toMatchObject({ channelId, summary: 'First summary', summaryCutoffAt: at(1) });
      expect(first?.lastUpdatedAt?.getTime()).toBeGreaterThanOrEqual(before - 1);

      await db.repos.channelSummaries.upsert(channelId, 'Second summary', null);
      const second = await db.repos.channelSummaries.get(channelId);
      expect(second).toMatchObject({
        id: first?.id,
        channelId,
        summary: 'Second summary',
        summaryCutoffAt: null,
      });
    });
  });

  describe('channelConfigs', () => {
    it('creates a config and updates it on the same row', async () => {
      const channelId = 'chan-1';
      expect(await db.repos.channelConfigs.get(channelId)).toBeUndefined();

      await db.repos.channelConfigs.set({
        channelId,
        guildId: 'guild-1',
        mode: 'active',
        configuredBy: 'discord-5',
      });
      const created = await db.repos.channelConfigs.get(channelId);
      expect(created).toMatchObject({
        channelId,
        guildId: 'guild-1',
        mode: 'active',
        configuredBy: 'discord-5',
      });
      expect(created?.configuredAt).toBeInstanceOf(Date);
      expect(created?.updatedAt).toEqual(created?.configuredAt);

      await db.repos.channelConfigs.set({ channelId, guildId: 'guild-1', mode: 'off', configuredBy: null });
      const updated = await db.repos.channelConfigs.get(channelId);
      expect(updated).toMatchObject({ id: created?.id, mode: 'off', configuredBy: null });
      expect(updated?.configuredAt).toEqual(created?.configuredAt);
      expect(updated?.updatedAt?.getTime()).toBeGreaterThanOrEqual(created?.updatedAt?.getTime() ?? 0);
    });
  });

  describe('logEntries', () => {
    const entries: LogEntryInput[] = [
      { timestamp: at(1), level: 'DEBUG', loggerName: 'discord', message: 'gateway heartbeat' },
      { timestamp: at(2), level: 'INFO', loggerName: 'discord', message: 'Ready as Clara' },
      {
        timestamp: at(3),
        level: 'WARNING',
        loggerName: 'email.monitor',
        message: 'IMAP slow: 100% of budget',
        module: 'monitor',
        function: 'poll',
        lineNumber: 42,
        extraData: { channel_id: 'c1', duration_ms: 1234 },
        userId: 'discord-1',
        sessionId: 's1',
      },
      {
        timestamp: at(4),
        level: 'error',
        loggerName: 'tools',
        message: 'Tool web_search FAILED',
        exception: 'Traceback...\nValueError: boom',
      },
      { timestamp: at(5), level: 'CRITICAL', loggerName: 'llm', message: 'All providers down' },
    ];
    beforeAll(async () => {
      await db.repos.logEntries.insertMany(entries);
      await db.repos.logEntries.insertMany([]);
    });

    it('returns newest first with every field', async () => {
      const rows = await db.repos.logEntries.query({});
      expect(rows.map((r) => r.message)).toEqual([...entries].reverse().map((e) => e.message));
      expect(rows[2]).toEqual({
        id: expect.any(String),
        timestamp: at(3),
        level: 'WARNING',
        loggerName: 'email.monitor',
        message: 'IMAP slow: 100% of budget',
        module: 'monitor',
        function: 'poll',
        lineNumber: 42,
        exception: null,
        extraData: { channel_id: 'c1', duration_ms: 1234 },
        userId: 'discord-1',
        sessionId: 's1',
      });
      expect(rows[1]?.level).toBe('ERROR');
      expect(rows[1]?.extraData).toBeNull();
    });

    it('filters by minimum level, exact level, logger, text and time', async () => {
      const q = async (filter: Parameters<MainDatabase['repos']['logEntries']['query']>[0]) =>
        (await db.repos.logEntries.query(filter)).map((r) => r.message);
      expect(await q({ minLevel: 'warning' })).toEqual([
        'All providers down',
        'Tool web_search FAILED',
        'IMAP slow: 100% of budget',
      ]);
      expect(await q({ minLevel: 'ERROR' })).toEqual(['All providers down', 'Tool web_search FAILED']);
      expect(await q({ minLevel: 'WARN' })).toHaveLength(3);
      expect(await q({ minLevel: 'DEBUG' })).toHaveLength(5);
      expect(await q({ level: 'info' })).toEqual(['Ready as Clara']);
      expect(await q({ loggerName: 'DISCORD' })).toEqual(['Ready as Clara', 'gateway heartbeat']);
      expect(await q({ loggerName: 'email' })).toEqual(['IMAP slow: 100% of budget']);
      expect(await q({ search: 'failed' })).toEqual(['Tool web_search FAILED']);
      expect(await q({ search: '100%' })).toEqual(['IMAP slow: 100% of budget']);
      expect(await q({ search: 'web_' })).toEqual(['Tool web_search FAILED']);
      expect(await q({ search: '0%%' })).toEqual([]);
      expect(await q({ since: at(4) })).toEqual(['All providers down', 'Tool web_search FAILED']);
      expect(await q({ minLevel: 'INFO', loggerName: 'discord', since: at(2) })).toEqual(['Ready as Clara']);
      expect(await q({ limit: 2 })).toEqual(['All providers down', 'Tool web_search FAILED']);
    });

    it('rejects an unknown minimum level with the valid names', async () => {
      await expect(db.repos.logEntries.query({ minLevel: 'LOUD' })).rejects.toThrow(
        'Unknown log level "LOUD": use one of DEBUG, INFO, WARNING, ERROR, CRITICAL',
      );
    });

    it('clips over-long names to the original column sizes instead of failing', async () => {
      await db.repos.logEntries.insertMany([
        {
          timestamp: at(0),
          level: 'INFO',
          loggerName: 'x'.repeat(150),
          message: 'long',
          module: 'm'.repeat(120),
        },
      ]);
      const [row] = await db.repos.logEntries.query({ search: 'long', since: at(0), limit: 1 });
      expect(row?.loggerName).toHaveLength(100);
      expect(row?.module).toHaveLength(100);
    });

    it('limits to 50 by default and 500 at most', async () => {
      const many: LogEntryInput[] = Array.from({ length: 620 }, (_, i) => ({
        timestamp: new Date(Date.UTC(2025, 3, 2, 0, 0, 0, i)),
        level: 'INFO',
        loggerName: 'bulk',
        message: `bulk ${i}`,
      }));
      await db.repos.logEntries.insertMany(many);
      const latest = await db.repos.logEntries.query({ loggerName: 'bulk' });
      expect(latest).toHaveLength(50);
      expect(latest[0]?.message).toBe('bulk 619');
      expect(await db.repos.logEntries.query({ loggerName: 'bulk', limit: 10_000 })).toHaveLength(500);
      expect(await db.repos.logEntries.query({ loggerName: 'bulk', limit: 0 })).toHaveLength(1);
    });
  });

  describe('usage', () => {
    it('totals nothing as zeros', async () => {
      expect(await db.repos.usage.totals({})).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0, cost: 0 });
    });

    it('records calls and totals them by session, user and time', async () => {
      const base = {
        provider: 'openrouter',
        model: 'anthropic/claude-sonnet-4',
        purpose: 'chat',
        tier: 'mid',
        durationMs: 812.4,
      };
      await db.repos.usage.record({
        ...base,
        sessionId: 's1',
        messageId: 7,
        userId: 'discord-1',
        inputTokens: 1000,
        outputTokens: 200,
        cost: 0.0125,
        createdAt: at(1),
      });
      await db.repos.usage.record({
        ...base,
        sessionId: 's1',
        messageId: null,
        userId: 'discord-1',
        inputTokens: 500,
        outputTokens: 50,
        cost: null,
        purpose: 'memory-extraction',
        createdAt: at(2),
      });
      await db.repos.usage.record({
        ...base,
        sessionId: 's2',
        messageId: 9,
        userId: 'discord-2',
        inputTokens: 10,
        outputTokens: 5,
        cost: 0.5,
        tier: null,
      });

      const all = await db.repos.usage.totals({});
      expect(all).toMatchObject({ calls: 3, inputTokens: 1510, outputTokens: 255 });
      expect(all.cost).toBeCloseTo(0.5125, 10);
      expect(await db.repos.usage.totals({ sessionId: 's1' })).toEqual({
        calls: 2,
        inputTokens: 1500,
        outputTokens: 250,
        cost: 0.0125,
      });
      expect(await db.repos.usage.totals({ userId: 'discord-2' })).toEqual({
        calls: 1,
        inputTokens: 10,
        outputTokens: 5,
        cost: 0.5,
      });
      expect((await db.repos.usage.totals({ userId: 'discord-1', since: at(2) })).calls).toBe(1);
      expect((await db.repos.usage.totals({ sessionId: 'nope' })).calls).toBe(0);
    });
  });
});
