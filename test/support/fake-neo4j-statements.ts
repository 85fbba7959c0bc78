/**
 * What each of the Neo4j graph store's fixed Cypher statements (`src/memory/graph/neo4j-cypher.ts`) does, implemented
 * over the fake's in-memory graph with Cypher's semantics: MERGE (null merge keys refused), the scope predicates,
 * NOT EXISTS, SET with null, ORDER BY / LIMIT (non-negative integer only), aggregation, DETACH DELETE. The fake
 * does not parse Cypher: a statement is recognised by its exact text, so any change to a statement must be made
 * here too (the `Record` type makes a missing handler a compile error).
 */
import {
  NEO4J_STATEMENTS,
  type Neo4jStatementName,
  RELATION_FIELDS,
} from '../../src/memory/graph/neo4j-store.js';
import type { BoltMap, BoltValue } from './bolt-packstream.js';
import { BoltError, type QueryResult } from './bolt-types.js';
import {
  compare,
  createNode,
  createRelationship,
  detachDelete,
  eq,
  type FakeGraph,
  type FakeNode,
  type FakeRelationship,
  inList,
  neq,
  pattern,
  prop,
  setProp,
} from './fake-neo4j-graph.js';

const ENTITY = 'ClaraEntity';
const RELATION = 'CLARA_RELATION';

export interface StatementContext {
  graph: FakeGraph;
  params: BoltMap;
  /** What the transaction did so far: Neo4j refuses schema and data changes in one transaction. */
  kind: { value: 'none' | 'data' | 'schema' };
}

type Handler = (ctx: StatementContext) => QueryResult;

const p = (ctx: StatementContext, name: string): BoltValue => ctx.params[name] ?? null;
const coalesce = (...values: BoltValue[]): BoltValue => values.find((v) => v !== null) ?? null;

function limitParam(ctx: StatementContext): number {
  const limit = p(ctx, 'limit');
  if (typeof limit !== 'bigint' || limit < 0n) {
    throw new BoltError(
      'Neo.ClientError.Statement.ArgumentError',
      `LIMIT: Invalid input. '${String(limit)}' is not a valid value. Must be a non-negative integer.`,
    );
  }
  return Number(limit);
}

function touch(ctx: StatementContext, kind: 'data' | 'schema'): void {
  if (ctx.kind.value !== 'none' && ctx.kind.value !== kind) {
    throw new BoltError(
      'Neo.ClientError.Transaction.ForbiddenDueToTransactionType',
      `Tried to execute ${kind === 'schema' ? 'Schema modification' : 'Write query'} after executing ` +
        `${ctx.kind.value === 'schema' ? 'Schema modification' : 'Write query'}.`,
    );
  }
  ctx.kind.value = kind;
}

/** `r.user_id = $userId AND ($agentId IS NULL OR r.agent_id IN [$agentId, ''])` */
function inScope(ctx: StatementContext, r: FakeRelationship): boolean {
  const agentId = p(ctx, 'agentId');
  return (
    eq(prop(r, 'user_id'), p(ctx, 'userId')) &&
    (agentId === null || inList(prop(r, 'agent_id'), [agentId, '']))
  );
}

/** `MATCH (e:ClaraEntity {user_id: $userId, agent_id: coalesce($agentId, ''), key: <key>})` */
function findEntity(ctx: StatementContext, key: BoltValue): FakeNode | undefined {
  const agent = coalesce(p(ctx, 'agentId'), '');
  return [...ctx.graph.nodes.values()].find(
    (n) =>
      n.labels.includes(ENTITY) &&
      eq(prop(n, 'user_id'), p(ctx, 'userId')) &&
      eq(prop(n, 'agent_id'), agent) &&
      eq(prop(n, 'key'), key),
  );
}

function relationRow(ctx: StatementContext, r: FakeRelationship): BoltValue[] {
  const a = ctx.graph.nodes.get(r.start)!;
  const b = ctx.graph.nodes.get(r.end)!;
  return [
    prop(r, 'id'),
    prop(r, 'user_id'),
    prop(r, 'agent_id'),
    prop(a, 'name'),
    prop(r, 'relation'),
    prop(b, 'name'),
    prop(a, 'type'),
    prop(b, 'type'),
    prop(r, 'created_at'),
    prop(r, 'valid_to'),
    prop(r, 'source_message_ids'),
  ];
}

const byCreated = (direction: 1 | -1) => (x: FakeRelationship, y: FakeRelationship) =>
  direction *
  (compare(prop(x, 'created_at'), prop(y, 'created_at')) || compare(prop(x, 'seq'), prop(y, 'seq')));

const schema =
  (name: string): Handler =>
  (ctx) => {
    touch(ctx, 'schema');
    if (!ctx.graph.schema.has(name)) ctx.graph.schema.set(name, NEO4J_STATEMENTS[name as Neo4jStatementName]);
    return { fields: [], rows: [], type: 's' };
  };

const HANDLERS: Record<Neo4jStatementName, Handler> = {
  schemaEntityKey: schema('schemaEntityKey'),
  schemaRelationScope: schema('schemaRelationScope'),
  schemaRelationId: schema('schemaRelationId'),

  mergeEntity(ctx) {
    touch(ctx, 'data');
    const merge = {
      user_id: p(ctx, 'userId'),
      agent_id: coalesce(p(ctx, 'agentId'), ''),
      key: p(ctx, 'key'),
    };
    for (const [key, value] of Object.entries(merge)) {
      if (value === null) {
        throw new BoltError(
          'Neo.ClientError.Statement.SemanticError',
          `Cannot merge the following node because of null property value for '${key}': (e:${ENTITY} {${key}: null})`,
        );
      }
    }
    let node = findEntity(ctx, merge.key);
    if (!node) {
      node = createNode(ctx.graph, [ENTITY]);
      for (const [key, value] of Object.entries(merge)) setProp(node, key, value);
      setProp(node, 'name', p(ctx, 'name'));
      setProp(node, 'created_at', p(ctx, 'at'));
    }
    const lastSeen = prop(node, 'last_seen');
    setProp(
      node,
      'last_seen',
      lastSeen === null || compare(lastSeen, p(ctx, 'at')) < 0 ? p(ctx, 'at') : lastSeen,
    );
    setProp(node, 'type', coalesce(p(ctx, 'type'), prop(node, 'type')));
    return { fields: [], rows: [], type: 'rw' };
  },

  createRelation(ctx) {
    touch(ctx, 'data');
    const a = findEntity(ctx, p(ctx, 'sourceKey'));
    const b = findEntity(ctx, p(ctx, 'targetKey'));
    const fields = [...RELATION_FIELDS];
    if (!a || !b) return { fields, rows: [], type: 'rw' };
    for (const { a: x, r, b: y } of pattern(ctx.graph, ENTITY, RELATION)) {
      if (
        inScope(ctx, r) &&
        prop(r, 'valid_to') === null &&
        eq(prop(x, 'key'), p(ctx, 'sourceKey')) &&
        eq(prop(r, 'relation'), p(ctx, 'relation')) &&
        eq(prop(y, 'key'), p(ctx, 'targetKey'))
      ) {
        return { fields, rows: [], type: 'rw' };
      }
    }
    const r = createRelationship(ctx.graph, RELATION, a, b);
    setProp(r, 'id', p(ctx, 'id'));
    setProp(r, 'user_id', p(ctx, 'userId'));
    setProp(r, 'agent_id', coalesce(p(ctx, 'agentId'), ''));
    setProp(r, 'relation', p(ctx, 'relation'));
    setProp(r, 'created_at', p(ctx, 'at'));
    setProp(r, 'seq', p(ctx, 'seq'));
    setProp(r, 'source_message_ids', p(ctx, 'sourceMessageIds'));
    return { fields, rows: [relationRow(ctx, r)], type: 'rw' };
  },

  endRelations(ctx) {
    touch(ctx, 'data');
    const relation = p(ctx, 'relation');
    const targetKey = p(ctx, 'targetKey');
    const except = p(ctx, 'exceptTargetKey');
    let ended = 0n;
    for (const { a, r, b } of [...pattern(ctx.graph, ENTITY, RELATION)]) {
      if (!inScope(ctx, r) || prop(r, 'valid_to') !== null || !eq(prop(a, 'key'), p(ctx, 'sourceKey')))
        continue;
      if (relation !== null && !eq(prop(r, 'relation'), relation)) continue;
      if (targetKey !== null && !eq(prop(b, 'key'), targetKey)) continue;
      if (except !== null && !neq(prop(b, 'key'), except)) continue;
      setProp(r, 'valid_to', p(ctx, 'at'));
      ended += 1n;
    }
    return { fields: ['ended'], rows: [[ended]], type: 'rw' };
  },

  neighbours(ctx) {
    const keys = p(ctx, 'keys');
    const limit = limitParam(ctx);
    const found = [...pattern(ctx.graph, ENTITY, RELATION)]
      .filter(
        ({ a, r, b }) =>
          inScope(ctx, r) &&
          prop(r, 'valid_to') === null &&
          (inList(prop(a, 'key'), keys) || inList(prop(b, 'key'), keys)),
      )
      .map(({ r }) => r)
      .sort(byCreated(-1))
      .slice(0, limit);
    return { fields: [...RELATION_FIELDS], rows: found.map((r) => relationRow(ctx, r)), type: 'r' };
  },

  entities(ctx) {
    const limit = limitParam(ctx);
    const seen = new Map<number, FakeNode>();
    for (const { a, r, b } of pattern(ctx.graph, ENTITY, RELATION)) {
      if (!inScope(ctx, r) || prop(r, 'valid_to') !== null) continue;
      for (const e of [a, b]) if (eq(prop(e, 'user_id'), p(ctx, 'userId'))) seen.set(e.id, e);
    }
    const groups = new Map<string, { name: BoltValue; seen: BoltValue }>();
    const ordered = [...seen.values()].sort((x, y) => compare(prop(y, 'last_seen'), prop(x, 'last_seen')));
    for (const e of ordered) {
      const key = String(prop(e, 'key'));
      const group = groups.get(key);
      if (!group) groups.set(key, { name: prop(e, 'name'), seen: prop(e, 'last_seen') });
      else if (compare(prop(e, 'last_seen'), group.seen) > 0) group.seen = prop(e, 'last_seen');
    }
    const rows = [...groups.values()]
      .sort((x, y) => compare(y.seen, x.seen) || compare(x.name, y.name))
      .slice(0, limit)
      .map((group) => [group.name]);
    return { fields: ['name'], rows, type: 'r' };
  },

  all(ctx) {
    const found = [...pattern(ctx.graph, ENTITY, RELATION)]
      .filter(({ r }) => inScope(ctx, r))
      .map(({ r }) => r)
      .sort(byCreated(1));
    return { fields: [...RELATION_FIELDS], rows: found.map((r) => relationRow(ctx, r)), type: 'r' };
  },

  forget(ctx) {
    touch(ctx, 'data');
    const agentId = p(ctx, 'agentId');
    // As the statement does: match and count everything first (the aggregation), then delete.
    const entities = [...ctx.graph.nodes.values()].filter(
      (e) =>
        e.labels.includes(ENTITY) &&
        eq(prop(e, 'user_id'), p(ctx, 'userId')) &&
        (agentId === null || inList(prop(e, 'agent_id'), [agentId, ''])),
    );
    const ids = new Set(entities.map((e) => e.id));
    let removed = 0n;
    for (const r of ctx.graph.relationships.values())
      if (r.type === RELATION && ids.has(r.start)) removed += 1n;
    for (const e of entities) detachDelete(ctx.graph, e);
    return { fields: ['removed'], rows: [[removed]], type: 'w' };
  },
};

const BY_TEXT = new Map(
  (Object.keys(NEO4J_STATEMENTS) as Neo4jStatementName[]).map((name) => [NEO4J_STATEMENTS[name], name]),
);

/** Runs one statement; unknown text or a missing `$parameter` is a FAILURE like Neo4j's. */
export function runStatement(
  query: string,
  ctx: StatementContext,
): { name: Neo4jStatementName; result: QueryResult } {
  const name = BY_TEXT.get(query);
  if (!name) {
    throw new BoltError(
      'Neo.ClientError.Statement.SyntaxError',
      "The fake Neo4j server (test/support/fake-neo4j.ts) runs only the graph store's fixed statements " +
        `(NEO4J_STATEMENTS in src/memory/graph/neo4j-cypher.ts); it does not know: ${query.slice(0, 120)}`,
    );
  }
  const missing = [...new Set([...query.matchAll(/\$(\w+)/g)].map((m) => m[1]!))].filter(
    (param) => !(param in ctx.params),
  );
  if (missing.length > 0) {
    throw new BoltError(
      'Neo.ClientError.Statement.ParameterMissing',
      `Expected parameter(s): ${missing.join(', ')}`,
    );
  }
  return { name, result: HANDLERS[name](ctx) };
}
