import { randomUUID } from 'node:crypto';
import type { ProjectRow, Repositories } from '../types.js';
import type { RepositoryContext } from './context.js';

export function projectsRepository({ db }: RepositoryContext): Repositories['projects'] {
  return {
    async ensure(ownerId, name) {
      const existing = await db
        .selectFrom('projects')
        .select(['id', 'owner_id', 'name'])
        .where('owner_id', '=', ownerId)
        .where('name', '=', name)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (existing) return { id: existing.id, ownerId: existing.owner_id, name: existing.name };
      const row: ProjectRow = { id: randomUUID(), ownerId, name };
      await db.insertInto('projects').values({ id: row.id, owner_id: ownerId, name }).execute();
      return row;
    },
  };
}
