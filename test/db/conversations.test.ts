/** projects, sessions and messages repositories, against SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateMessageError, type MainDatabase } from '../../src/db/index.js';
import { DIALECTS, type OpenTarget, openMigrated } from './targets.js';

describe.each(DIALECTS)('conversations on %s', (dialect) => {
  let target: OpenTarget;
  let db: MainDatabase;
  beforeAll(async () => {
    target = await openMigrated(dialect);
    db = target.db;
  });
  afterAll(async () => {
    await target.cleanup();
  });

  it('reports its dialect and answers ping', async () => {
    expect(db.dialect).toBe(dialect);
    await expect(db.ping()).resolves.toBeUndefined();
  });

  describe('projects.ensure', () => {
    it('creates the project once and returns the same one afterwards', async () => {
      const first = await db.repos.projects.ensure('discord-1', 'Default Project');
      expect(first).toEqual({ id: expect.any(String), ownerId: 'discord-1', name: 'Default Project' });
      expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
      const again = await db.repos.projects.ensure('discord-1', 'Default Project');
      expect(again).toEqual(first);
    });

    it('keeps projects of other owners and other names apart', async () => {
      const a = await db.repos.projects.ensure('discord-2', 'Default Project');
      const b = await db.repos.projects.ensure('discord-3', 'Default Project');
      const c = await db.repos.projects.ensure('discord-2', 'Side Project');
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });
  });

  describe('sessions', () => {
    it('creates a session and reads it back', async () => {
      const project = await db.repos.projects.ensure('discord-10', 'Default Project');
      const startedAt = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
      const created = await db.repos.sessions.create({
        projectId: project.id,
        userId: 'discord-dm-10',
        title: 'DM with Ada',
        previousSessionId: 'prev-id',
        contextSnapshot: '[{"role":"user","content":"hi"}]',
        startedAt,
      });
      expect(created).toEqual({
        id: expect.any(String),
        projectId: project.id,
        userId: 'discord-dm-10',
        title: 'DM with Ada',
        archived: false,
        startedAt,
        lastActivityAt: startedAt,
        previousSessionId: 'prev-id',
        contextSnapshot: '[{"role":"user","content":"hi"}]',
        sessionSummary: null,
      });
      expect(await db.repos.sessions.get(created.id)).toEqual(created);
    });

    it('defaults startedAt to now and optional fields to null', async () => {
      const project = await db.repos.projects.ensure('discord-11', 'Default Project');
      const before = Date.now();
      const created = await db.repos.sessions.create({
        projectId: project.id,
        userId: 'web-11',
        title: null,
      });
      expect(created.startedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(created.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
      const read = await db.repos.sessions.get(created.id);
      expect(read).toEqual(created);
      expect(read?.previousSessionId).toBeNull();
      expect(read?.contextSnapshot).toBeNull();
      expect(read?.title).toBeNull();
    });

    it('get of an unknown id is undefined', async () => {
      expect(await db.repos.sessions.get('no-such-session')).toBeUndefined();
    });

    it('findLatest returns the most recently active non-archived session of the owner', async () => {
      const project = await db.repos.projects.ensure('discord-12', 'Default Project');
      const owner = 'discord-channel-12';
      const make = (minute: number) =>
        db.repos.sessions.create({
          projectId: project.id,
          userId: owner,
          title: `Guild #c${minute}`,
          startedAt: new Date(Date.UTC(2025, 5, 1, 12, minute)),
        });
      const older = await make(1);
      const newer = await make(2);
      await db.repos.sessions.create({
        projectId: project.id,
        userId: 'discord-channel-other',
        title: 'other',
        startedAt: new Date(Date.UTC(2025, 5, 1, 13)),
      });
      expect((await db.repos.sessions.findLatest(owner))?.id).toBe(newer.id);

      await db.repos.sessions.touch(older.id, new Date(Date.UTC(2025, 5, 1, 12, 30)));
      const latest = await db.repos.sessions.findLatest(owner);
      expect(latest?.id).toBe(older.id);
      expect(latest?.lastActivityAt).toEqual(new Date(Date.UTC(2025, 5, 1, 12, 30)));

      await db.repos.sessions.archive(older.id);
      expect((await db.repos.sessions.findLatest(owner))?.id).toBe(newer.id);
      expect((await db.repos.sessions.get(older.id))?.archived).toBe(true);

      await db.repos.sessions.archive(newer.id);
      expect(await db.repos.sessions.findLatest(owner)).toBeUndefined();
      expect(await db.repos.sessions.findLatest('nobody')).toBeUndefined();
    });

    it('setSummary stores the rolling summary', async () => {
      const project = await db.repos.projects.ensure('discord-13', 'Default Project');
      const session = await db.repos.sessions.create({ projectId: project.id, userId: 'cli-13', title: 't' });
      await db.repos.sessions.setSummary(session.id, 'They talked about gardening.');
      expect((await db.repos.sessions.get(session.id))?.sessionSummary).toBe('They talked about gardening.');
    });
  });

  describe('messages', () => {
    let sessionId: string;
    beforeAll(async () => {
      const project = await db.repos.projects.ensure('discord-20', 'Default Project');
      sessionId = (
        await db.repos.sessions.create({ projectId: project.id, userId: 'discord-dm-20', title: 'DM' })
      ).id;
    });

    it('adds messages with increasing numeric ids and reads the last ones in order', async () => {
      const added = [];
      for (let i = 0; i < 5; i++) {
        added.push(
          await db.repos.messages.add({
            sessionId,
            userId: 'discord-dm-20',
            role: i % 2 === 0 ? 'user' : 'assistant',
            content: `message ${i}`,
            createdAt: new Date(Date.UTC(2025, 1, 1, 0, 0, i)),
          }),
        );
      }
      for (const message of added) expect(typeof message.id).toBe('number');
      expect(added.map((m) => m.id)).toEqual([...added.map((m) => m.id)].sort((a, b) => a - b));
      expect(added[0]).toEqual({
        id: added[0]?.id,
        sessionId,
        userId: 'discord-dm-20',
        role: 'user',
        content: 'message 0',
        createdAt: new Date(Date.UTC(2025, 1, 1)),
        platformMessageId: null,
      });

      const recent = await db.repos.messages.recent(sessionId, 3);
      expect(recent.map((m) => m.content)).toEqual(['message 2', 'message 3', 'message 4']);
      expect(recent).toEqual(added.slice(2));
      expect(typeof recent[0]?.id).toBe('number');
      expect(await db.repos.messages.recent(sessionId, 100)).toEqual(added);
      expect(await db.repos.messages.recent(sessionId, 0)).toEqual([]);
      expect(await db.repos.messages.count(sessionId)).toBe(5);
      expect(await db.repos.messages.count('no-such-session')).toBe(0);
    });

    it('lastByRole returns the newest message of that role', async () => {
      const last = await db.repos.messages.lastByRole(sessionId, 'assistant');
      expect(last?.content).toBe('message 3');
      expect((await db.repos.messages.lastByRole(sessionId, 'user'))?.content).toBe('message 4');
      expect(await db.repos.messages.lastByRole('no-such-session', 'user')).toBeUndefined();
    });

    it('finds a message by platform id and refuses a duplicate with DuplicateMessageError', async () => {
      const stored = await db.repos.messages.add({
        sessionId,
        userId: 'discord-dm-20',
        role: 'user',
        content: 'from discord',
        platformMessageId: '1234567890',
      });
      expect(stored.platformMessageId).toBe('1234567890');
      expect(await db.repos.messages.findByPlatformId('1234567890')).toEqual(stored);
      expect(await db.repos.messages.findByPlatformId('999')).toBeUndefined();

      const duplicate = db.repos.messages.add({
        sessionId,
        userId: 'discord-dm-20',
        role: 'user',
        content: 'the same discord message again',
        platformMessageId: '1234567890',
      });
      await expect(duplicate).rejects.toBeInstanceOf(DuplicateMessageError);
      await expect(duplicate).rejects.toMatchObject({ platformMessageId: '1234567890' });
      expect(await db.repos.messages.count(sessionId)).toBe(6);
    });

    it('allows any number of messages without a platform id', async () => {
      const a = await db.repos.messages.add({ sessionId, userId: 'u', role: 'assistant', content: 'a' });
      const b = await db.repos.messages.add({ sessionId, userId: 'u', role: 'assistant', content: 'b' });
      expect(a.platformMessageId).toBeNull();
      expect(b.id).toBeGreaterThan(a.id);
    });

    it('rejects a message for a session that does not exist (foreign key)', async () => {
      await expect(
        db.repos.messages.add({ sessionId: 'missing-session', userId: 'u', role: 'user', content: 'x' }),
      ).rejects.toThrow(/foreign key/i);
    });
  });
});
