/**
 * Graph memory in Neo4j (`GRAPH_STORE_PROVIDER=neo4j`, `NEO4J_URL`, `NEO4J_USERNAME`, `NEO4J_PASSWORD`) through
 * the official `neo4j-driver`. Every statement is one of the fixed, parameterised constants in `neo4j-cypher.ts`;
 * scope is inside each of them. Each call runs in its own session (closed in `finally`); `add` is one write
 * transaction. Errors name NEO4J_URL (password masked) and say what to check; the password never appears.
 */
import { randomUUID } from 'node:crypto';
import type { Driver, ManagedTransaction, Session } from 'neo4j-driver';
import { z } from 'zod';
import { redactUrl, scrubSecrets } from '../../config/index.js';
import type { MemoryScope } from '../types.js';
import { entityKey } from './names.js';
import { NEO4J_STATEMENTS as Q } from './neo4j-cypher.js';
import { requireRelationParts } from './relation-util.js';
import type { GraphRelation, GraphStore, NewRelation, RelationMatch } from './types.js';

export { NEO4J_STATEMENTS, type Neo4jStatementName, RELATION_FIELDS } from './neo4j-cypher.js';

export interface Neo4jGraphStoreOptions {
  /** NEO4J_URL: `bolt://host:7687`, `neo4j://host:7687` (routing), `neo4j+s://…` / `bolt+s://…` (TLS). */
  url: string;
  /** NEO4J_USERNAME (default `neo4j` in config). */
  username: string;
  /** NEO4J_PASSWORD */
  password: string;
  /** Database name; the server's default database when omitted. */
  database?: string;
  /** How long the driver retries a transaction that failed on a dropped connection (default 2000 ms; 0 = never). */
  retryTimeMs?: number;
  /** TCP connect timeout (default 10000 ms). */
  connectionTimeoutMs?: number;
}

const relationRow = z.object({
  id: z.string(),
  userId: z.string(),
  agentId: z.string().nullable(),
  source: z.string(),
  relation: z.string(),
  target: z.string(),
  sourceType: z.string().nullable(),
  targetType: z.string().nullable(),
  createdAt: z.number(),
  validTo: z.number().nullable(),
  sourceMessageIds: z.array(z.number()).nullable(),
});

function toRelation(row: unknown): GraphRelation {
  const r = relationRow.parse(row);
  return {
    id: r.id,
    userId: r.userId,
    agentId: r.agentId === '' ? null : r.agentId,
    source: r.source,
    relation: r.relation,
    target: r.target,
    sourceType: r.sourceType,
    targetType: r.targetType,
    createdAt: new Date(r.createdAt),
    validTo: r.validTo === null ? null : new Date(r.validTo),
    sourceMessageIds: r.sourceMessageIds ?? [],
  };
}

function scopeParams(scope: MemoryScope): { userId: string; agentId: string | null } {
  const agentId = scope.agentId === undefined || scope.agentId === '' ? null : scope.agentId;
  return { userId: scope.userId, agentId };
}

/** The driver module, loaded on open(): most Clara processes never use Neo4j, and it costs ~0.3 s to load. */
type Neo4jModule = Pick<typeof import('neo4j-driver'), 'driver' | 'auth' | 'int' | 'session'>;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function hintFor(code: string | undefined, message: string): string {
  if (
    code === 'Neo.ClientError.Security.Unauthorized' ||
    code === 'Neo.ClientError.Security.AuthenticationRateLimit'
  )
    return 'Check NEO4J_USERNAME and NEO4J_PASSWORD.';
  if (
    code === 'ServiceUnavailable' ||
    code === 'SessionExpired' ||
    /ECONNREFUSED|ENOTFOUND|closed/i.test(message)
  )
    return 'Check that Neo4j is running and that NEO4J_URL points at its Bolt port (usually 7687).';
  if (code === 'Neo.ClientError.Database.DatabaseNotFound') return 'Check the Neo4j database name.';
  return 'Check the Neo4j server log for details.';
}

interface PreparedRelation {
  sourceKey: string;
  relation: string;
  targetKey: string;
  exclusive: boolean;
}

interface PreparedEntity {
  key: string;
  name: string;
  type: string | null;
}

/** Validates the relations (a clear error for an empty part) and gathers their entities, in key order. */
function prepare(relations: readonly NewRelation[]): {
  relations: PreparedRelation[];
  entities: PreparedEntity[];
} {
  const entities = new Map<string, PreparedEntity>();
  const mention = (name: string, type: string | undefined) => {
    const key = entityKey(name);
    const known = entities.get(key);
    const cleanType = type?.trim() || null;
    if (!known) entities.set(key, { key, name, type: cleanType });
    else if (cleanType) known.type = cleanType;
    return key;
  };
  const prepared = relations.map((relation) => {
    const parts = requireRelationParts(relation);
    return {
      sourceKey: mention(parts.source, relation.sourceType),
      relation: parts.name,
      targetKey: mention(parts.target, relation.targetType),
      exclusive: relation.exclusive === true,
    };
  });
  const sorted = [...entities.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { relations: prepared, entities: sorted };
}

class Neo4jGraphStore implements GraphStore {
  readonly kind = 'neo4j' as const;
  private driver: Driver | undefined;
  private lib: Neo4jModule | undefined;
  private readonly where: string;
  private lastSeq = 0;

  constructor(private readonly options: Neo4jGraphStoreOptions) {
    this.where = redactUrl(options.url);
  }

  private get neo4j(): Neo4jModule {
    if (!this.lib) throw new Error('The Neo4j graph store is not open: call open() first.');
    return this.lib;
  }

  private int(value: number) {
    return this.neo4j.int(Math.trunc(value));
  }

  async open(): Promise<void> {
    if (!this.lib) {
      const loaded = await import('neo4j-driver');
      this.lib = (loaded.default ?? loaded) as Neo4jModule;
    }
    const neo4j = this.lib;
    if (!this.driver) {
      try {
        this.driver = neo4j.driver(
          this.options.url,
          neo4j.auth.basic(this.options.username, this.options.password),
          {
            disableLosslessIntegers: true,
            maxTransactionRetryTime: this.options.retryTimeMs ?? 2000,
            connectionTimeout: this.options.connectionTimeoutMs ?? 10_000,
            userAgent: 'clara-graph-store',
          },
        );
      } catch (error) {
        throw this.failure('open', error, 'NEO4J_URL must look like bolt://host:7687 or neo4j://host:7687.');
      }
    }
    for (const statement of [Q.schemaEntityKey, Q.schemaRelationScope, Q.schemaRelationId]) {
      await this.withSession('open', 'WRITE', async (session) => {
        await session.run(statement);
      });
    }
  }

  async add(
    scope: MemoryScope,
    relations: readonly NewRelation[],
    sourceMessageIds: readonly number[],
    at: Date,
  ): Promise<GraphRelation[]> {
    if (relations.length === 0) return [];
    const prepared = prepare(relations);
    const base = { ...scopeParams(scope), at: this.int(at.getTime()) };
    const messageIds = sourceMessageIds.map((id) => this.int(id));
    return this.write('add', async (tx) => {
      // Every entity first, in key order: the node locks are always taken in the same order (no deadlocks).
      for (const entity of prepared.entities) await tx.run(Q.mergeEntity, { ...base, ...entity });
      const created: Array<{ prepared: PreparedRelation; relation: GraphRelation }> = [];
      for (const rel of prepared.relations) {
        if (rel.exclusive) {
          await tx.run(Q.endRelations, {
            ...base,
            sourceKey: rel.sourceKey,
            relation: rel.relation,
            targetKey: null,
            exceptTargetKey: rel.targetKey,
          });
          // Relations this same call created and just ended are no longer current: not returned.
          for (let i = created.length - 1; i >= 0; i--) {
            const earlier = created[i]!.prepared;
            if (
              earlier.sourceKey === rel.sourceKey &&
              earlier.relation === rel.relation &&
              earlier.targetKey !== rel.targetKey
            )
              created.splice(i, 1);
          }
        }
        const result = await tx.run(Q.createRelation, {
          ...base,
          sourceKey: rel.sourceKey,
          relation: rel.relation,
          targetKey: rel.targetKey,
          id: randomUUID(),
          seq: this.int(this.nextSeq()),
          sourceMessageIds: messageIds,
        });
        for (const record of result.records)
          created.push({ prepared: rel, relation: toRelation(record.toObject()) });
      }
      return created.map((entry) => entry.relation);
    });
  }

  async end(scope: MemoryScope, match: RelationMatch, at: Date): Promise<number> {
    const sourceKey = entityKey(match.source);
    if (!sourceKey) return 0;
    const relation = match.relation?.trim() || null;
    const targetKey = match.target?.trim() ? entityKey(match.target) : null;
    return this.write('end', async (tx) => {
      const result = await tx.run(Q.endRelations, {
        ...scopeParams(scope),
        sourceKey,
        relation,
        targetKey,
        exceptTargetKey: null,
        at: this.int(at.getTime()),
      });
      return Number(result.records[0]?.get('ended') ?? 0);
    });
  }

  async neighbours(scope: MemoryScope, entities: readonly string[], limit: number): Promise<GraphRelation[]> {
    const keys = [...new Set(entities.map(entityKey).filter((key) => key !== ''))];
    if (keys.length === 0 || limit <= 0) return [];
    return this.read('neighbours', async (tx) => {
      const result = await tx.run(Q.neighbours, { ...scopeParams(scope), keys, limit: this.int(limit) });
      return result.records.map((record) => toRelation(record.toObject()));
    });
  }

  async entities(scope: MemoryScope, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return this.read('entities', async (tx) => {
      const result = await tx.run(Q.entities, { ...scopeParams(scope), limit: this.int(limit) });
      return result.records.map((record) => z.string().parse(record.get('name')));
    });
  }

  async all(scope: MemoryScope): Promise<GraphRelation[]> {
    return this.read('all', async (tx) => {
      const result = await tx.run(Q.all, scopeParams(scope));
      return result.records.map((record) => toRelation(record.toObject()));
    });
  }

  async forget(scope: MemoryScope): Promise<number> {
    return this.write('forget', async (tx) => {
      const result = await tx.run(Q.forget, scopeParams(scope));
      return Number(result.records[0]?.get('removed') ?? 0);
    });
  }

  async close(): Promise<void> {
    const driver = this.driver;
    this.driver = undefined;
    await driver?.close();
  }

  /** Orders relations created within the same millisecond (strictly increasing within this store). */
  private nextSeq(): number {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    return this.lastSeq;
  }

  private read<T>(what: string, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.withSession(what, 'READ', (session) => session.executeRead(work));
  }

  private write<T>(what: string, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.withSession(what, 'WRITE', (session) => session.executeWrite(work));
  }

  private async withSession<T>(what: string, mode: 'READ' | 'WRITE', work: (session: Session) => Promise<T>) {
    if (!this.driver) throw new Error('The Neo4j graph store is not open: call open() first');
    const session = this.driver.session({
      defaultAccessMode: mode === 'READ' ? this.neo4j.session.READ : this.neo4j.session.WRITE,
      ...(this.options.database ? { database: this.options.database } : {}),
    });
    try {
      return await work(session);
    } catch (error) {
      throw this.failure(what, error);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  private failure(what: string, error: unknown, hint?: string): Error {
    const code = errorCode(error);
    const raw = error instanceof Error ? error.message || error.name : String(error);
    const message = code && !raw.includes(code) ? `${raw} (${code})` : raw;
    const text =
      `Neo4j graph store ${what} failed at ${this.where} (NEO4J_URL): ${message.trim().replace(/\.$/, '')}. ` +
      (hint ?? hintFor(code, raw));
    return new Error(scrubSecrets(text, [this.options.password]), { cause: error });
  }
}

export function createNeo4jGraphStore(options: Neo4jGraphStoreOptions): GraphStore {
  return new Neo4jGraphStore(options);
}
