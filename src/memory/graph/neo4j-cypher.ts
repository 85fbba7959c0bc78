/**
 * The Neo4j graph store's complete, fixed set of parameterised Cypher statements (Neo4j 5). Nothing else is ever
 * sent, so the statements can be reviewed in one place and the test fake (`test/support/fake-neo4j-graph.ts`)
 * recognises them by their exact text.
 *
 * Model: `(:ClaraEntity {user_id, agent_id, key, name, type, created_at, last_seen})` nodes, unique per
 * (user_id, agent_id, key) where `key` is the normalised name and `agent_id` is '' for "no agent";
 * `[:CLARA_RELATION {id, user_id, agent_id, relation, created_at, seq, valid_to, source_message_ids}]` between them.
 * Times are epoch milliseconds (integers); `valid_to` is null (absent) while the relation is current.
 *
 * Scope inside every statement: `user_id = $userId` always; `$agentId` null = every agent of the user, otherwise
 * that agent OR none (''). Writes record `coalesce($agentId, '')`.
 */

const SCOPE_R = `r.user_id = $userId AND ($agentId IS NULL OR r.agent_id IN [$agentId, ''])`;

const RELATION_COLUMNS =
  'r.id AS id, r.user_id AS userId, r.agent_id AS agentId, a.name AS source, r.relation AS relation, ' +
  'b.name AS target, a.type AS sourceType, b.type AS targetType, r.created_at AS createdAt, ' +
  'r.valid_to AS validTo, r.source_message_ids AS sourceMessageIds';

export const NEO4J_STATEMENTS = {
  /** One entity node per (user, agent, normalised name); its index also serves lookups by user. */
  schemaEntityKey:
    'CREATE CONSTRAINT clara_entity_scope_key IF NOT EXISTS ' +
    'FOR (e:ClaraEntity) REQUIRE (e.user_id, e.agent_id, e.key) IS UNIQUE',
  schemaRelationScope:
    'CREATE INDEX clara_relation_scope IF NOT EXISTS ' +
    'FOR ()-[r:CLARA_RELATION]-() ON (r.user_id, r.agent_id)',
  schemaRelationId: 'CREATE INDEX clara_relation_id IF NOT EXISTS FOR ()-[r:CLARA_RELATION]-() ON (r.id)',

  /**
   * Params: userId, agentId, key, name (kept from the first mention), type (null keeps the known type), at.
   * The SET write-locks the node until commit, so concurrent adds touching the same entity run one after the other.
   */
  mergeEntity:
    `MERGE (e:ClaraEntity {user_id: $userId, agent_id: coalesce($agentId, ''), key: $key}) ` +
    'ON CREATE SET e.name = $name, e.created_at = $at ' +
    'SET e.last_seen = CASE WHEN e.last_seen IS NULL OR e.last_seen < $at THEN $at ELSE e.last_seen END, ' +
    'e.type = coalesce($type, e.type)',

  /**
   * Creates the relation between the two (already merged) entities unless an identical current one is visible in
   * the scope. Params: userId, agentId, sourceKey, relation, targetKey, id, at, seq (orders relations created in
   * the same millisecond), sourceMessageIds. 0 or 1 row.
   */
  createRelation:
    `MATCH (a:ClaraEntity {user_id: $userId, agent_id: coalesce($agentId, ''), key: $sourceKey}) ` +
    `MATCH (b:ClaraEntity {user_id: $userId, agent_id: coalesce($agentId, ''), key: $targetKey}) ` +
    'WHERE NOT EXISTS { ' +
    'MATCH (x:ClaraEntity)-[r:CLARA_RELATION]->(y:ClaraEntity) ' +
    `WHERE ${SCOPE_R} AND r.valid_to IS NULL ` +
    'AND x.key = $sourceKey AND r.relation = $relation AND y.key = $targetKey } ' +
    "CREATE (a)-[r:CLARA_RELATION {id: $id, user_id: $userId, agent_id: coalesce($agentId, ''), " +
    'relation: $relation, created_at: $at, seq: $seq, source_message_ids: $sourceMessageIds}]->(b) ' +
    `RETURN ${RELATION_COLUMNS}`,

  /**
   * Ends current relations of the source entity. Optional filters (null = any): relation, targetKey,
   * exceptTargetKey (for exclusive relations). Params: userId, agentId, sourceKey, relation, targetKey,
   * exceptTargetKey, at. One row: ended.
   */
  endRelations:
    'MATCH (a:ClaraEntity)-[r:CLARA_RELATION]->(b:ClaraEntity) ' +
    `WHERE ${SCOPE_R} AND r.valid_to IS NULL AND a.key = $sourceKey ` +
    'AND ($relation IS NULL OR r.relation = $relation) ' +
    'AND ($targetKey IS NULL OR b.key = $targetKey) ' +
    'AND ($exceptTargetKey IS NULL OR b.key <> $exceptTargetKey) ' +
    'SET r.valid_to = $at ' +
    'RETURN count(r) AS ended',

  /** Current relations touching any of `$keys`, newest first. Params: userId, agentId, keys, limit. */
  neighbours:
    'MATCH (a:ClaraEntity)-[r:CLARA_RELATION]->(b:ClaraEntity) ' +
    `WHERE ${SCOPE_R} AND r.valid_to IS NULL AND (a.key IN $keys OR b.key IN $keys) ` +
    `RETURN ${RELATION_COLUMNS} ` +
    'ORDER BY r.created_at DESC, r.seq DESC LIMIT $limit',

  /**
   * Names of entities with a current relation, most recently mentioned first; one name per normalised key.
   * Params: userId, agentId, limit.
   */
  entities:
    'MATCH (e:ClaraEntity)-[r:CLARA_RELATION]-(:ClaraEntity) ' +
    `WHERE e.user_id = $userId AND ${SCOPE_R} AND r.valid_to IS NULL ` +
    'WITH DISTINCT e ORDER BY e.last_seen DESC ' +
    'WITH e.key AS key, collect(e.name)[0] AS name, max(e.last_seen) AS seen ' +
    'RETURN name ORDER BY seen DESC, name LIMIT $limit',

  /** Every relation of the scope, current and ended, oldest first. Params: userId, agentId. */
  all:
    'MATCH (a:ClaraEntity)-[r:CLARA_RELATION]->(b:ClaraEntity) ' +
    `WHERE ${SCOPE_R} ` +
    `RETURN ${RELATION_COLUMNS} ` +
    'ORDER BY r.created_at, r.seq',

  /**
   * Hard delete of the scope's entities with their relations. Params: userId, agentId. One row: removed.
   * The aggregation counts every relation before anything is deleted (no row-by-row interleaving).
   */
  forget:
    'MATCH (e:ClaraEntity) ' +
    `WHERE e.user_id = $userId AND ($agentId IS NULL OR e.agent_id IN [$agentId, '']) ` +
    'OPTIONAL MATCH (e)-[r:CLARA_RELATION]->() ' +
    'WITH collect(DISTINCT e) AS entities, count(r) AS removed ' +
    'FOREACH (x IN entities | DETACH DELETE x) ' +
    'RETURN removed',
} as const;

export type Neo4jStatementName = keyof typeof NEO4J_STATEMENTS;

/** Column order of the rows `createRelation`, `neighbours` and `all` return. */
export const RELATION_FIELDS = [
  'id',
  'userId',
  'agentId',
  'source',
  'relation',
  'target',
  'sourceType',
  'targetType',
  'createdAt',
  'validTo',
  'sourceMessageIds',
] as const;
