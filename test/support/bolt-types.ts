/** Shared types of the fake Bolt server (`bolt-server.ts`, `bolt-connection.ts`) and the engines behind it. */
import type { BoltMap, BoltValue } from './bolt-packstream.js';

/** The one protocol version the fake speaks (the driver offers 5.0–5.8 as a range). */
export const BOLT_VERSION = { major: 5, minor: 4 } as const;

/** A Neo4j status (`Neo.ClientError.…`) reported to the client as a FAILURE. */
export class BoltError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface QueryResult {
  fields: string[];
  rows: BoltValue[][];
  /** Query type in the summary: r(ead), w(rite), rw, s(chema). */
  type: 'r' | 'w' | 'rw' | 's';
}

/** One transaction (explicit, or the implicit one around an auto-commit RUN), holding the engine's lock. */
export interface BoltTransaction {
  run(query: string, params: BoltMap): QueryResult;
  commit(): void;
  rollback(): void;
}

export interface BoltEngine {
  readonly defaultDatabase: string;
  /** Rejects with a BoltError for an unknown database; otherwise resolves once the engine's lock is held. */
  begin(database: string): Promise<BoltTransaction>;
}

export const REQUEST_NAMES = {
  1: 'HELLO',
  2: 'GOODBYE',
  15: 'RESET',
  16: 'RUN',
  17: 'BEGIN',
  18: 'COMMIT',
  19: 'ROLLBACK',
  47: 'DISCARD',
  63: 'PULL',
  84: 'TELEMETRY',
  102: 'ROUTE',
  106: 'LOGON',
  107: 'LOGOFF',
} as const;
export type BoltRequestName = (typeof REQUEST_NAMES)[keyof typeof REQUEST_NAMES];

export function requestName(signature: number): BoltRequestName | undefined {
  return REQUEST_NAMES[signature as keyof typeof REQUEST_NAMES];
}

export const RESPONSE = { SUCCESS: 0x70, RECORD: 0x71, IGNORED: 0x7e, FAILURE: 0x7f } as const;

export interface BoltServerOptions {
  engine: BoltEngine;
  username: string;
  password: string;
  /** `server` in the HELLO reply (default `Neo4j/5.26.0`). */
  serverAgent?: string;
}

export type ConnectionState =
  | 'CONNECTED'
  | 'AUTHENTICATION'
  | 'READY'
  | 'STREAMING'
  | 'TX_READY'
  | 'TX_STREAMING'
  | 'FAILED'
  | 'DEFUNCT';

export interface ConnectionInfo {
  id: number;
  state: ConnectionState;
  /** An explicit transaction is open (BEGIN without COMMIT / ROLLBACK / RESET yet). */
  inTransaction: boolean;
  /** Results not yet fully pulled or discarded. */
  openResults: number;
  user: string | undefined;
}
