/**
 * Graph memory in the main database (`GRAPH_STORE_PROVIDER=database`, the default): tables `memory_entities` and
 * `memory_relations` (migration 0006), one Kysely implementation for SQLite and PostgreSQL. Scope is a condition of
 * every query. Entities are rows per user and agent (agent '' = none), matched by a case- and accent-insensitive
 * key; a partial unique index keeps one current copy of a relation even when identical adds race.
 */
import { randomUUID } from 'node:crypto';
import { type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import {
  type DatabaseSchema,
  fromDbTime,
  fromDbTimeOrNull,
  type MainDatabase,
  type MemoryEntitiesTable,
  type MemoryRelationsTable,
  toDbTime,
} from '../../db/index.js';
import type { MemoryScope } from '../types.js';
import { entityDisplayName, entityKey } from './names.js';
import { parseMessageIds, requireRelationParts } from './relation-util.js';
import type { GraphRelation, GraphStore, NewRelation, RelationMatch } from './types.js';

export interface DatabaseGraphStoreOptions {
  db: Pick<MainDatabase, 'kysely'>;
}

type Db = Kysely<DatabaseSchema>;
type Joined = DatabaseSchema & { r: MemoryRelationsTable } & { s: MemoryEntitiesTable } & {
  t: MemoryEntitiesTable;
};
type RelationQuery = SelectQueryBuilder<Joined, 'r' | 's' | 't', object>;

const agentOf = (scope: MemoryScope): string => scope.agentId ?? '';

/** Relations the scope can see: the user's, and with an agent only that agent's or those without one. */
function visible(scope: MemoryScope) {
  return (eb: ExpressionBuilder<Joined, 'r' | 's' | 't'>) =>
    scope.agentId
      ? eb.and([eb('r.user_id', '=', scope.userId), eb('r.agent_id', 'in', [scope.agentId, ''])])
      : eb('r.user_id', '=', scope.userId);
}

function relations(db: Db): RelationQuery {
  return db
    .selectFrom('memory_relations as r')
    .innerJoin('memory_entities as s', 's.id', 'r.source_entity_id')
    .innerJoin('memory_entities as t', 't.id', 'r.target_entity_id');
}

function withColumns(query: RelationQuery) {
  return query.select([
    'r.id',
    'r.user_id',
    'r.agent_id',
    'r.relation',
    'r.created_at',
    'r.valid_to',
    'r.source_message_ids',
    's.name as source',
    's.type as source_type',
    't.name as target',
    't.type as target_type',
  ]);
}

type RelationRow = Awaited<ReturnType<ReturnType<typeof withColumns>['execute']>>[number];

function toRelation(row: RelationRow): GraphRelation {
  return {
    id: row.id,
    userId: row.user_id,
    agentId: row.agent_id === '' ? null : row.agent_id,
    source: row.source,
    relation: row.relation,
    target: row.target,
    sourceType: row.source_type,
    targetType: row.target_type,
    createdAt: fromDbTime(row.created_at),
    validTo: fromDbTimeOrNull(row.valid_to),
    sourceMessageIds: parseMessageIds(row.source_message_ids),
  };
}

interface EntityRef {
  id: string;
  name: string;
  type: string | null;
}

/** Creates the entity or marks it as just mentioned; returns its id, first spelling and type. */
async function ensureEntity(
  trx: Db,
  scope: MemoryScope,
  name: string,
  type: string | undefined,
  at: string,
): Promise<EntityRef> {
  const row = await trx
    .insertInto('memory_entities')
    .values({
      id: randomUUID(),
      user_id: scope.userId,
      agent_id: agentOf(scope),
      name: entityDisplayName(name),
      name_key: entityKey(name),
      type: type?.trim() || null,
      last_seen_at: at,
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'agent_id', 'name_key']).doUpdateSet({
        last_seen_at: sql`case when excluded.last_seen_at > memory_entities.last_seen_at
          then excluded.last_seen_at else memory_entities.last_seen_at end`,
        type: sql`coalesce(excluded.type, memory_entities.type)`,
      }),
    )
    .returning(['id', 'name', 'type'])
    .executeTakeFirstOrThrow();
  return row;
}

export function createDatabaseGraphStore(options: DatabaseGraphStoreOptions): GraphStore {
  const db = options.db.kysely;

  /** Ids of the current relations the scope sees with this source (and relation / target, when given). */
  function currentIds(on: Db, scope: MemoryScope, sourceKey: string, relation?: string, targetKey?: string) {
    let query = relations(on)
      .select('r.id')
      .where(visible(scope))
      .where('r.valid_to', 'is', null)
      .where('s.name_key', '=', sourceKey);
    if (relation !== undefined) query = query.where('r.relation', '=', relation);
    if (targetKey !== undefined) query = query.where('t.name_key', '=', targetKey);
    return query;
  }

  async function addOne(
    scope: MemoryScope,
    relation: NewRelation,
    messageIds: string,
    at: Date,
  ): Promise<GraphRelation | undefined> {
    const { source, name, target } = requireRelationParts(relation);
    const sourceKey = entityKey(source);
    const targetKey = entityKey(target);
    const when = toDbTime(at);
    return db.transaction().execute(async (trx) => {
      // Upsert in key order so two transactions never wait on each other's entities (no deadlock).
      const ends = [
        { key: sourceKey, name: source, type: relation.sourceType },
        { key: targetKey, name: target, type: relation.targetType },
      ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const refs = new Map<string, EntityRef>();
      for (const end of ends) {
        if (!refs.has(end.key)) refs.set(end.key, await ensureEntity(trx, scope, end.name, end.type, when));
      }
      const from = refs.get(sourceKey) as EntityRef;
      const to = refs.get(targetKey) as EntityRef;
      if (relation.exclusive) {
        const others = currentIds(trx, scope, sourceKey, name).where('t.name_key', '!=', targetKey);
        await trx.updateTable('memory_relations').set({ valid_to: when }).where('id', 'in', others).execute();
      }
      const known = await currentIds(trx, scope, sourceKey, name, targetKey).limit(1).executeTakeFirst();
      if (known) return undefined;
      const id = randomUUID();
      const inserted = await trx
        .insertInto('memory_relations')
        .values({
          id,
          user_id: scope.userId,
          agent_id: agentOf(scope),
          source_entity_id: from.id,
          relation: name,
          target_entity_id: to.id,
          created_at: when,
          valid_to: null,
          source_message_ids: messageIds,
        })
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'agent_id', 'source_entity_id', 'relation', 'target_entity_id'])
            .where('valid_to', 'is', null)
            .doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return undefined;
      return {
        id,
        userId: scope.userId,
        agentId: scope.agentId ?? null,
        source: from.name,
        relation: name,
        target: to.name,
        sourceType: from.type,
        targetType: to.type,
        createdAt: new Date(at.getTime()),
        validTo: null,
        sourceMessageIds: parseMessageIds(messageIds),
      };
    });
  }

  return {
    kind: 'database',

    async open() {
      try {
        await sql`select 1 from memory_relations where 1 = 0`.execute(db);
      } catch (error) {
        throw new Error(
          'Graph memory tables are missing from the main database (migration 0006_graph_memory): run ' +
            '`clara db migrate` (Clara migrates on start), or set GRAPH_STORE_PROVIDER to neo4j or kuzu.',
          { cause: error },
        );
      }
    },

    async add(scope, newRelations, sourceMessageIds, at) {
      const ids = JSON.stringify([...sourceMessageIds]);
      const created: GraphRelation[] = [];
      for (const relation of newRelations) {
        const made = await addOne(scope, relation, ids, at);
        if (made) created.push(made);
      }
      return created;
    },

    async end(scope, match: RelationMatch, at) {
      const ids = currentIds(
        db,
        scope,
        entityKey(match.source),
        match.relation?.trim() || undefined,
        match.target?.trim() ? entityKey(match.target) : undefined,
      );
      const result = await db
        .updateTable('memory_relations')
        .set({ valid_to: toDbTime(at) })
        .where('id', 'in', ids)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async neighbours(scope, entities, limit) {
      const keys = [...new Set(entities.map(entityKey).filter(Boolean))];
      if (keys.length === 0 || limit <= 0) return [];
      const rows = await withColumns(relations(db))
        .where(visible(scope))
        .where('r.valid_to', 'is', null)
        .where((eb) => eb.or([eb('s.name_key', 'in', keys), eb('t.name_key', 'in', keys)]))
        .orderBy('r.created_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRelation);
    },

    async entities(scope, limit) {
      if (limit <= 0) return [];
      const rows = await db
        .selectFrom('memory_entities as e')
        .select(['e.name_key', (eb) => eb.fn.min('e.name').as('name')])
        .select((eb) => eb.fn.max('e.last_seen_at').as('seen'))
        .where('e.user_id', '=', scope.userId)
        .$if(Boolean(scope.agentId), (q) => q.where('e.agent_id', 'in', [scope.agentId ?? '', '']))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('memory_relations as r')
              .select(sql`1`.as('one'))
              .where('r.valid_to', 'is', null)
              .where((inner) =>
                inner.or([
                  inner('r.source_entity_id', '=', inner.ref('e.id')),
                  inner('r.target_entity_id', '=', inner.ref('e.id')),
                ]),
              ),
          ),
        )
        .groupBy('e.name_key')
        .orderBy('seen', 'desc')
        .orderBy('e.name_key')
        .limit(limit)
        .execute();
      return rows.map((row) => row.name);
    },

    async all(scope) {
      const rows = await withColumns(relations(db))
        .where(visible(scope))
        .orderBy('r.created_at')
        .orderBy('r.id')
        .execute();
      return rows.map(toRelation);
    },

    async forget(scope) {
      return db.transaction().execute(async (trx) => {
        const agents = scope.agentId ? [scope.agentId, ''] : undefined;
        let removeRelations = trx.deleteFrom('memory_relations').where('user_id', '=', scope.userId);
        if (agents) removeRelations = removeRelations.where('agent_id', 'in', agents);
        const removed = await removeRelations.executeTakeFirst();
        let removeEntities = trx.deleteFrom('memory_entities').where('user_id', '=', scope.userId);
        if (agents) removeEntities = removeEntities.where('agent_id', 'in', agents);
        await removeEntities.execute();
        return Number(removed.numDeletedRows);
      });
    },

    async close() {
      // The main database belongs to the caller.
    },
  };
}
