import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { fromDbBool, fromDbTime, toDbBool, toDbTime } from '../codec.js';
import type { SessionsTable } from '../schema.js';
import type { Repositories, SessionRow } from '../types.js';
import type { RepositoryContext } from './context.js';

function toSessionRow(row: Selectable<SessionsTable>): SessionRow {
  return {
    id: row.id,
    projectId: row.project_id,
    userId: row.user_id,
    title: row.title,
    archived: fromDbBool(row.archived),
    startedAt: fromDbTime(row.started_at),
    lastActivityAt: fromDbTime(row.last_activity_at),
    previousSessionId: row.previous_session_id,
    contextSnapshot: row.context_snapshot,
    sessionSummary: row.session_summary,
  };
}

export function sessionsRepository({ db }: RepositoryContext): Repositories['sessions'] {
  return {
    async get(id) {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toSessionRow(row);
    },

    async findLatest(ownerId) {
      // Served by ix_sessions_owner_activity (user_id, archived, last_activity_at).
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', ownerId)
        .where('archived', '=', toDbBool(false))
        .orderBy('last_activity_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toSessionRow(row);
    },

    async create(input) {
      const startedAt = new Date((input.startedAt ?? new Date()).getTime());
      const row: SessionRow = {
        id: randomUUID(),
        projectId: input.projectId,
        userId: input.userId,
        title: input.title,
        archived: false,
        startedAt,
        lastActivityAt: new Date(startedAt.getTime()),
        previousSessionId: input.previousSessionId ?? null,
        contextSnapshot: input.contextSnapshot ?? null,
        sessionSummary: null,
      };
      await db
        .insertInto('sessions')
        .values({
          id: row.id,
          project_id: row.projectId,
          user_id: row.userId,
          title: row.title,
          archived: toDbBool(false),
          started_at: toDbTime(startedAt),
          last_activity_at: toDbTime(startedAt),
          previous_session_id: row.previousSessionId,
          context_snapshot: row.contextSnapshot,
          session_summary: null,
        })
        .execute();
      return row;
    },

    async touch(id, at) {
      await db
        .updateTable('sessions')
        .set({ last_activity_at: toDbTime(at) })
        .where('id', '=', id)
        .execute();
    },

    async setSummary(id, summary) {
      await db.updateTable('sessions').set({ session_summary: summary }).where('id', '=', id).execute();
    },

    async archive(id) {
      await db
        .updateTable('sessions')
        .set({ archived: toDbBool(true) })
        .where('id', '=', id)
        .execute();
    },
  };
}
