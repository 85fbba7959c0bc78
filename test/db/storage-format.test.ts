/**
 * Storage representations, read with raw SQL: naive-UTC timestamps, "true"/"false" booleans, JSON text.
 * This file runs in a non-UTC time zone (each test file has its own process), so a local-time mistake shows.
 */
process.env.TZ = 'Asia/Kolkata';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MainDatabase } from '../../src/db/index.js';
import { DIALECTS, type OpenTarget, openMigrated } from './targets.js';

/** Storage text of a timestamp column, the same way on both dialects. */
function asText(db: MainDatabase, column: string) {
  return db.dialect === 'postgres'
    ? sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD HH24:MI:SS.US')`
    : sql<string>`${sql.ref(column)}`;
}

describe.each(DIALECTS)('storage format on %s (TZ=Asia/Kolkata)', (dialect) => {
  let target: OpenTarget;
  let db: MainDatabase;
  let projectId: string;
  beforeAll(async () => {
    target = await openMigrated(dialect);
    db = target.db;
    projectId = (await db.repos.projects.ensure('discord-1', 'Default Project')).id;
  });
  afterAll(async () => {
    await target.cleanup();
  });

  it('really runs in a non-UTC time zone', () => {
    expect(new Date(Date.UTC(2025, 0, 1)).getTimezoneOffset()).toBe(-330);
  });

  it('writes Dates as naive UTC and reads them back equal', async () => {
    const startedAt = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const session = await db.repos.sessions.create({ projectId, userId: 'u-time', title: null, startedAt });
    const read = await db.repos.sessions.get(session.id);
    expect(read?.startedAt).toEqual(startedAt);
    expect(read?.startedAt.getTime()).toBe(startedAt.getTime());

    const rows = await db.kysely
      .selectFrom('sessions')
      .select([asText(db, 'started_at').as('started'), asText(db, 'last_activity_at').as('active')])
      .where('id', '=', session.id)
      .execute();
    expect(rows).toEqual([{ started: '2024-01-02 03:04:05.678000', active: '2024-01-02 03:04:05.678000' }]);
  });

  it('round-trips timestamps across a daylight-saving change and at the epoch', async () => {
    const session = await db.repos.sessions.create({ projectId, userId: 'u-dst', title: null });
    for (const when of [
      new Date(Date.UTC(2025, 2, 30, 1, 30)),
      new Date(Date.UTC(2025, 9, 26, 0, 59, 59, 999)),
      new Date(0),
    ]) {
      const message = await db.repos.messages.add({
        sessionId: session.id,
        userId: 'u-dst',
        role: 'user',
        content: when.toISOString(),
        createdAt: when,
      });
      expect((await db.repos.messages.lastByRole(session.id, 'user'))?.createdAt).toEqual(when);
      expect(message.createdAt).toEqual(when);
    }
  });

  it('stores booleans as the strings "true" and "false"', async () => {
    const session = await db.repos.sessions.create({ projectId, userId: 'u-bool', title: null });
    const raw = async () =>
      (
        await db.kysely
          .selectFrom('sessions')
          .select(sql<string>`${sql.ref('archived')}`.as('archived'))
          .where('id', '=', session.id)
          .executeTakeFirstOrThrow()
      ).archived;
    expect(await raw()).toBe('false');
    await db.repos.sessions.archive(session.id);
    expect(await raw()).toBe('true');
  });

  it('stores JSON as text and reads old non-object JSON without failing', async () => {
    await db.repos.logEntries.insertMany([
      {
        timestamp: new Date(),
        level: 'INFO',
        loggerName: 'json',
        message: 'with extra',
        extraData: { a: [1, 'b'] },
      },
    ]);
    const { rows } = await sql<{ extra: string; kind: string }>`select extra_data as extra, ${
      db.dialect === 'postgres' ? sql`pg_typeof(extra_data)::text` : sql`typeof(extra_data)`
    } as kind from log_entries where logger_name = 'json'`.execute(db.kysely);
    expect(rows[0]?.extra).toBe('{"a":[1,"b"]}');
    expect(rows[0]?.kind).toBe('text');

    await sql`insert into log_entries (id, ${sql.ref('timestamp')}, level, logger_name, message, extra_data)
      values ('bad-json', '2025-01-01 00:00:00.000000', 'INFO', 'json-old', 'x', 'not json')`.execute(
      db.kysely,
    );
    const [old] = await db.repos.logEntries.query({ loggerName: 'json-old' });
    expect(old?.extraData).toEqual({ raw: 'not json' });
    expect(old?.timestamp).toEqual(new Date(Date.UTC(2025, 0, 1)));
  });

  it('reads timestamps written without fractional seconds', async () => {
    await sql`insert into log_entries (id, ${sql.ref('timestamp')}, level, logger_name, message)
      values ('no-frac', '2025-06-07 08:09:10', 'INFO', 'no-frac', 'x')`.execute(db.kysely);
    const [row] = await db.repos.logEntries.query({ loggerName: 'no-frac' });
    expect(row?.timestamp).toEqual(new Date(Date.UTC(2025, 5, 7, 8, 9, 10)));
  });
});
