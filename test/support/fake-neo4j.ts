/**
 * A wire-level fake Neo4j on 127.0.0.1: a Bolt 5.4 server (`bolt-server.ts`) whose engine runs the Neo4j graph
 * store's fixed Cypher statements over an in-memory property graph (`fake-neo4j-statements.ts`), so the real
 * `neo4j-driver` and the real store run end to end. Basic auth (wrong credentials → Neo.ClientError.Security.
 * Unauthorized), several databases (unknown → DatabaseNotFound), transactions that commit or roll back as a whole,
 * one transaction at a time (the others wait, like Neo4j's write locks), `dropConnectionOnNext` to test a server
 * that goes away mid-request, and a log of every statement with its parameters.
 */
import type { Neo4jStatementName } from '../../src/memory/graph/neo4j-store.js';
import type { BoltMap } from './bolt-packstream.js';
import { type BoltServer, startBoltServer } from './bolt-server.js';
import {
  type BoltEngine,
  BoltError,
  type BoltRequestName,
  type BoltTransaction,
  type ConnectionInfo,
} from './bolt-types.js';
import { emptyGraph, type FakeGraph, restore, snapshot } from './fake-neo4j-graph.js';
import { runStatement, type StatementContext } from './fake-neo4j-statements.js';

export type { FakeGraph, FakeNode, FakeRelationship } from './fake-neo4j-graph.js';

export interface FakeNeo4jOptions {
  username?: string;
  password?: string;
  /** Database names; the first is the default (default `['neo4j']`). */
  databases?: string[];
}

export interface FakeNeo4j {
  /** `bolt://127.0.0.1:<port>` (direct). */
  readonly url: string;
  /** `neo4j://127.0.0.1:<port>` (routing: the driver asks ROUTE first). */
  readonly routingUrl: string;
  readonly username: string;
  readonly password: string;
  /** The live graph of a database (default: the default database). */
  graph(database?: string): FakeGraph;
  /** Every statement that ran (committed or not), in order. */
  readonly statements: Array<{ database: string; name: Neo4jStatementName; params: BoltMap }>;
  readonly requests: BoltServer['requests'];
  /** Empties every database (graph and schema) and the statement log. */
  reset(): void;
  connections(): ConnectionInfo[];
  dropConnectionOnNext(name: BoltRequestName): void;
  close(): Promise<void>;
}

/** One transaction at a time: the next `acquire` resolves when the previous holder releases. */
function createLock() {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire(): Promise<() => void> {
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => held);
      return previous.then(() => release);
    },
  };
}

export async function startFakeNeo4j(options: FakeNeo4jOptions = {}): Promise<FakeNeo4j> {
  const username = options.username ?? 'neo4j';
  const password = options.password ?? 'fake-neo4j-password';
  const names = options.databases ?? ['neo4j'];
  const databases = new Map(names.map((name) => [name, emptyGraph()]));
  const statements: FakeNeo4j['statements'] = [];
  const lock = createLock();

  const engine: BoltEngine = {
    defaultDatabase: names[0] ?? 'neo4j',
    async begin(database): Promise<BoltTransaction> {
      const graph = databases.get(database);
      if (!graph) {
        throw new BoltError(
          'Neo.ClientError.Database.DatabaseNotFound',
          `Database does not exist. Database name: '${database}'.`,
        );
      }
      const release = await lock.acquire();
      const before = snapshot(graph);
      const kind: StatementContext['kind'] = { value: 'none' };
      let done = false;
      const finish = (undo: boolean) => {
        if (done) return;
        done = true;
        if (undo) restore(graph, before);
        release();
      };
      return {
        run(query, params) {
          if (done)
            throw new BoltError('Neo.ClientError.Transaction.TransactionNotFound', 'Transaction closed');
          const { name, result } = runStatement(query, { graph, params, kind });
          statements.push({ database, name, params });
          return result;
        },
        commit: () => finish(false),
        rollback: () => finish(true),
      };
    },
  };

  const server = await startBoltServer({ engine, username, password });
  return {
    url: `bolt://127.0.0.1:${server.port}`,
    routingUrl: `neo4j://127.0.0.1:${server.port}`,
    username,
    password,
    graph(database = engine.defaultDatabase) {
      const graph = databases.get(database);
      if (!graph) throw new Error(`The fake Neo4j has no database "${database}"`);
      return graph;
    },
    statements,
    requests: server.requests,
    reset() {
      for (const graph of databases.values()) restore(graph, emptyGraph());
      statements.length = 0;
    },
    connections: () => server.connections(),
    dropConnectionOnNext: (name) => server.dropConnectionOnNext(name),
    close: () => server.close(),
  };
}
