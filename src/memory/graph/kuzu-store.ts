/**
 * Graph memory in embedded Kuzu (`GRAPH_STORE_PROVIDER=kuzu`, `<DATA_DIR>/kuzu_data`): node table `Entity` (one
 * node per user, agent and case/accent-insensitive name) and rel table `RELATES` carrying the relation, its
 * validity, provenance and scope. Scope is a condition of every query. Operations run one at a time on the
 * store's single connection, so identical adds never race.
 */
import { randomUUID } from 'node:crypto';
import type { MemoryScope } from '../types.js';
import { type KuzuSession, loadKuzu, openKuzu, type Row } from './kuzu-connection.js';
import { entityKey } from './names.js';
import { parseMessageIds, requireRelationParts } from './relation-util.js';
import type { GraphRelation, GraphStore, NewRelation } from './types.js';

export interface KuzuGraphStoreOptions {
  /** Database directory (`<DATA_DIR>/kuzu_data`). */
  path: string;
  /** Kuzu's buffer pool (default 128 MB; Kuzu's own default is most of the machine's memory). */
  bufferPoolBytes?: number;
  /** The package to load (default `kuzu`). */
  packageName?: string;
}

const SCHEMA = [
  'CREATE NODE TABLE IF NOT EXISTS Entity(key STRING, user_id STRING, agent_id STRING, name STRING, ' +
    'name_key STRING, type STRING, last_seen_at TIMESTAMP, PRIMARY KEY(key))',
  'CREATE REL TABLE IF NOT EXISTS RELATES(FROM Entity TO Entity, id STRING, user_id STRING, agent_id STRING, ' +
    'relation STRING, created_at TIMESTAMP, valid_to TIMESTAMP, source_message_ids STRING)',
];

/** Kuzu's `timestamp()` reads naive UTC text. */
const kuzuTime = (date: Date): string => date.toISOString().replace('T', ' ').replace('Z', '');

const RELATION_COLUMNS =
  'r.id AS id, r.user_id AS user_id, r.agent_id AS agent_id, s.name AS source, r.relation AS relation, ' +
  't.name AS target, s.type AS source_type, t.type AS target_type, r.created_at AS created_at, ' +
  'r.valid_to AS valid_to, r.source_message_ids AS source_message_ids';

const MATCH_RELATION = 'MATCH (s:Entity)-[r:RELATES]->(t:Entity)';

/** Relations the scope sees: the user's, and with an agent only that agent's or those without one. */
function visible(scope: MemoryScope, alias = 'r'): { where: string; params: Record<string, unknown> } {
  return scope.agentId
    ? {
        where: `${alias}.user_id = $user AND ${alias}.agent_id IN [$agent, '']`,
        params: { user: scope.userId, agent: scope.agentId },
      }
    : { where: `${alias}.user_id = $user`, params: { user: scope.userId } };
}

const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

function toRelation(row: Row): GraphRelation {
  const agent = String(row.agent_id ?? '');
  return {
    id: String(row.id),
    userId: String(row.user_id),
    agentId: agent === '' ? null : agent,
    source: String(row.source),
    relation: String(row.relation),
    target: String(row.target),
    sourceType: (row.source_type as string | null) ?? null,
    targetType: (row.target_type as string | null) ?? null,
    createdAt: asDate(row.created_at),
    validTo: row.valid_to === null || row.valid_to === undefined ? null : asDate(row.valid_to),
    sourceMessageIds: parseMessageIds(row.source_message_ids as string | null),
  };
}

const entityNodeKey = (scope: MemoryScope, nameKey: string) =>
  JSON.stringify([scope.userId, scope.agentId ?? '', nameKey]);

const MERGE_ENTITY = `MERGE (e:Entity {key: $key})
  ON CREATE SET e.user_id = $user, e.agent_id = $agent, e.name = $name, e.name_key = $name_key, e.type = $type,
    e.last_seen_at = timestamp($at)
  ON MATCH SET e.last_seen_at = CASE WHEN timestamp($at) > e.last_seen_at THEN timestamp($at) ELSE e.last_seen_at END,
    e.type = coalesce($type, e.type)`;

export function createKuzuGraphStore(options: KuzuGraphStoreOptions): GraphStore {
  let session: KuzuSession | undefined;
  const db = (): KuzuSession => {
    if (!session) throw new Error('The Kuzu graph store is not open: call open() first.');
    return session;
  };

  /** `MATCH … WHERE` for the current relations the scope sees from `source` (and relation / target). */
  function currentMatch(scope: MemoryScope, source: string, relation?: string, target?: string) {
    const scoped = visible(scope);
    const parts = [scoped.where, 'r.valid_to IS NULL', 's.name_key = $source_key'];
    const params: Record<string, unknown> = { ...scoped.params, source_key: entityKey(source) };
    if (relation !== undefined) {
      parts.push('r.relation = $relation');
      params.relation = relation;
    }
    if (target !== undefined) {
      parts.push('t.name_key = $target_key');
      params.target_key = entityKey(target);
    }
    return { clause: `${MATCH_RELATION} WHERE ${parts.join(' AND ')}`, params };
  }

  async function addOne(scope: MemoryScope, relation: NewRelation, ids: string, at: Date) {
    const { source, name, target } = requireRelationParts(relation);
    const run = db().run;
    const when = kuzuTime(at);
    const keys = {
      source: entityNodeKey(scope, entityKey(source)),
      target: entityNodeKey(scope, entityKey(target)),
    };
    for (const [key, display, type] of [
      [keys.source, source, relation.sourceType],
      [keys.target, target, relation.targetType],
    ] as const) {
      await run(MERGE_ENTITY, {
        key,
        user: scope.userId,
        agent: scope.agentId ?? '',
        name: display,
        name_key: entityKey(display),
        type: type?.trim() || null,
        at: when,
      });
    }
    if (relation.exclusive) {
      const others = currentMatch(scope, source, name);
      await run(`${others.clause} AND t.name_key <> $keep SET r.valid_to = timestamp($at)`, {
        ...others.params,
        keep: entityKey(target),
        at: when,
      });
    }
    const same = currentMatch(scope, source, name, target);
    if ((await run(`${same.clause} RETURN r.id AS id LIMIT 1`, same.params)).length > 0) return undefined;
    const [row] = await run(
      `MATCH (s:Entity {key: $source}), (t:Entity {key: $target})
       CREATE (s)-[r:RELATES {id: $id, user_id: $user, agent_id: $agent, relation: $relation,
         created_at: timestamp($at), source_message_ids: $ids}]->(t)
       RETURN ${RELATION_COLUMNS}`,
      {
        source: keys.source,
        target: keys.target,
        id: randomUUID(),
        user: scope.userId,
        agent: scope.agentId ?? '',
        relation: name,
        at: when,
        ids,
      },
    );
    return row ? toRelation(row) : undefined;
  }

  return {
    kind: 'kuzu',

    async open() {
      if (session) return;
      const kuzu = await loadKuzu(options.packageName ?? 'kuzu');
      let opened: KuzuSession;
      try {
        opened = await openKuzu(kuzu, options.path, options.bufferPoolBytes ?? 128 * 1024 * 1024);
      } catch (error) {
        throw new Error(
          `Could not open the Kuzu graph database at ${options.path}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      for (const statement of SCHEMA) await opened.exclusive(() => opened.run(statement));
      session = opened;
    },

    async add(scope, relations, sourceMessageIds, at) {
      const ids = JSON.stringify([...sourceMessageIds]);
      const created: GraphRelation[] = [];
      for (const relation of relations) {
        const made = await db().transaction(() => addOne(scope, relation, ids, at));
        if (made) created.push(made);
      }
      return created;
    },

    async end(scope, match, at) {
      const found = currentMatch(
        scope,
        match.source,
        match.relation?.trim() || undefined,
        match.target?.trim() || undefined,
      );
      const rows = await db().exclusive(() =>
        db().run(`${found.clause} SET r.valid_to = timestamp($at) RETURN count(r) AS n`, {
          ...found.params,
          at: kuzuTime(at),
        }),
      );
      return Number(rows[0]?.n ?? 0);
    },

    async neighbours(scope, entities, limit) {
      const keys = [...new Set(entities.map(entityKey).filter(Boolean))];
      if (keys.length === 0 || limit <= 0) return [];
      const scoped = visible(scope);
      const rows = await db().exclusive(() =>
        db().run(
          `${MATCH_RELATION} WHERE ${scoped.where} AND r.valid_to IS NULL
             AND (s.name_key IN $keys OR t.name_key IN $keys)
           RETURN ${RELATION_COLUMNS} ORDER BY created_at DESC, id DESC LIMIT $limit`,
          { ...scoped.params, keys, limit: Math.floor(limit) },
        ),
      );
      return rows.map(toRelation);
    },

    async entities(scope, limit) {
      if (limit <= 0) return [];
      const scoped = visible(scope, 'e');
      const rows = await db().exclusive(() =>
        db().run(
          `MATCH (e:Entity)-[r:RELATES]-(:Entity) WHERE ${scoped.where} AND r.valid_to IS NULL
           RETURN e.name_key AS name_key, min(e.name) AS name, max(e.last_seen_at) AS seen
           ORDER BY seen DESC, name_key LIMIT $limit`,
          { ...scoped.params, limit: Math.floor(limit) },
        ),
      );
      return rows.map((row) => String(row.name));
    },

    async all(scope) {
      const scoped = visible(scope);
      const rows = await db().exclusive(() =>
        db().run(
          `${MATCH_RELATION} WHERE ${scoped.where} RETURN ${RELATION_COLUMNS} ORDER BY created_at, id`,
          scoped.params,
        ),
      );
      return rows.map(toRelation);
    },

    async forget(scope) {
      return db().transaction(async () => {
        const run = db().run;
        const relations = visible(scope);
        const [counted] = await run(
          `${MATCH_RELATION} WHERE ${relations.where} RETURN count(r) AS n`,
          relations.params,
        );
        await run(`${MATCH_RELATION} WHERE ${relations.where} DELETE r`, relations.params);
        const entities = visible(scope, 'e');
        await run(`MATCH (e:Entity) WHERE ${entities.where} DETACH DELETE e`, entities.params);
        return Number(counted?.n ?? 0);
      });
    },

    async close() {
      const open = session;
      session = undefined;
      await open?.close();
    },
  };
}
