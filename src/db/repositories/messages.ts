import type { Selectable } from 'kysely';
import { fromDbTime, toDbTime } from '../codec.js';
import { DuplicateMessageError, isUniqueViolation } from '../errors.js';
import type { MessagesTable } from '../schema.js';
import type { MessageRole, MessageRow, Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

const toRole = (role: string): MessageRole => (role === 'assistant' ? 'assistant' : 'user');

function toMessageRow(row: Selectable<MessagesTable>): MessageRow {
  return {
    id: Number(row.id),
    sessionId: row.session_id,
    userId: row.user_id,
    role: toRole(row.role),
    content: row.content,
    createdAt: fromDbTime(row.created_at),
    platformMessageId: row.platform_message_id ?? null,
  };
}

export function messagesRepository({ db }: RepositoryContext): Repositories['messages'] {
  return {
    async add(input) {
      const createdAt = new Date((input.createdAt ?? new Date()).getTime());
      const platformMessageId = input.platformMessageId ?? null;
      let inserted: { id: number };
      try {
        inserted = await db
          .insertInto('messages')
          .values({
            session_id: input.sessionId,
            user_id: input.userId,
            role: input.role,
            content: input.content,
            created_at: toDbTime(createdAt),
            platform_message_id: platformMessageId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
      } catch (error) {
        if (platformMessageId !== null && isUniqueViolation(error, 'platform_message_id')) {
          throw new DuplicateMessageError(platformMessageId);
        }
        throw error;
      }
      return {
        id: Number(inserted.id),
        sessionId: input.sessionId,
        userId: input.userId,
        role: input.role,
        content: input.content,
        createdAt,
        platformMessageId,
      };
    },

    async recent(sessionId, limit) {
      if (limit <= 0) return [];
      // Served by ix_messages_session_id_id (session_id, id).
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('session_id', '=', sessionId)
        .orderBy('id', 'desc')
        .limit(Math.floor(limit))
        .execute();
      return rows.reverse().map(toMessageRow);
    },

    async count(sessionId) {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async lastByRole(sessionId, role) {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('session_id', '=', sessionId)
        .where('role', '=', role)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toMessageRow(row);
    },

    async byConversation(ownerId, { limit, before }) {
      if (limit <= 0) return [];
      // Served by ix_messages_user_id_created_at (user_id, created_at, id).
      let query = db.selectFrom('messages').selectAll().where('user_id', '=', ownerId);
      if (before) query = query.where('created_at', '<', toDbTime(before));
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.floor(limit))
        .execute();
      return rows.reverse().map(toMessageRow);
    },

    async hasLaterMessage(sessionId, id) {
      const row = await db
        .selectFrom('messages')
        .select('id')
        .where('session_id', '=', sessionId)
        .where('id', '>', id)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async unanswered({ ownerPrefix, since, limit }) {
      const rows = await db
        .selectFrom('messages as m')
        .selectAll('m')
        .where('m.role', '=', 'user')
        .where('m.platform_message_id', 'is not', null)
        .where('m.user_id', 'like', `${ownerPrefix}%`)
        .where('m.created_at', '>=', toDbTime(since))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('messages as n')
                .select('n.id')
                .whereRef('n.session_id', '=', 'm.session_id')
                .whereRef('n.id', '>', 'm.id'),
            ),
          ),
        )
        .orderBy('m.id', 'asc')
        .limit(Math.floor(limit))
        .execute();
      return rows.map(toMessageRow);
    },

    async findByPlatformId(platformMessageId) {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('platform_message_id', '=', platformMessageId)
        .executeTakeFirst();
      return row && toMessageRow(row);
    },
  };
}
