/**
 * One Bolt 5.4 connection of the fake server: the server state machine from the Bolt specification. Requests are
 * handled strictly in order (the driver pipelines them); a request not allowed in the current state is a protocol
 * error (FAILURE, then the connection is closed); after a FAILURE everything but RESET / GOODBYE is IGNORED.
 */
import type { Socket } from 'node:net';
import { type BoltMap, type BoltStruct, type BoltValue, chunkMessage, isBoltMap } from './bolt-packstream.js';
import {
  BoltError,
  type BoltServerOptions,
  type BoltTransaction,
  type ConnectionInfo,
  type ConnectionState,
  RESPONSE,
  requestName,
} from './bolt-types.js';

interface OpenResult {
  qid: bigint;
  fields: string[];
  rows: BoltValue[][];
  cursor: number;
  type: string;
  database: string;
}

class ProtocolError extends BoltError {}

export class BoltConnection {
  private state: ConnectionState = 'CONNECTED';
  private queue: Promise<void> = Promise.resolve();
  private tx: { transaction: BoltTransaction; database: string } | undefined;
  private results: OpenResult[] = [];
  private nextQid = 0n;
  private alive = true;
  private user: string | undefined;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly options: BoltServerOptions & { port(): number; bookmark(): string },
  ) {}

  info(): ConnectionInfo {
    return {
      id: this.id,
      state: this.state,
      inTransaction: this.tx !== undefined,
      openResults: this.results.length,
      user: this.user,
    };
  }

  enqueue(message: BoltStruct): void {
    this.queue = this.queue
      .then(() => this.handle(message))
      .catch((error: unknown) => {
        const code = error instanceof BoltError ? error.code : 'Neo.DatabaseError.General.UnknownError';
        this.send(RESPONSE.FAILURE, {
          code,
          message: error instanceof Error ? error.message : String(error),
        });
        this.defunct();
      });
  }

  /** The socket closed: an open transaction is rolled back (its lock released). */
  closed(): void {
    this.alive = false;
    this.state = 'DEFUNCT';
    this.endTransaction();
  }

  private send(signature: number, ...fields: BoltValue[]): void {
    if (this.alive && !this.socket.destroyed) this.socket.write(chunkMessage(signature, fields));
  }

  private success(metadata: BoltMap = {}): void {
    this.send(RESPONSE.SUCCESS, metadata);
  }

  private defunct(): void {
    this.state = 'DEFUNCT';
    this.endTransaction();
    this.socket.end();
  }

  private endTransaction(): void {
    this.tx?.transaction.rollback();
    this.tx = undefined;
    this.results = [];
  }

  private failure(error: unknown): void {
    if (error instanceof ProtocolError || !(error instanceof BoltError)) throw error;
    this.send(RESPONSE.FAILURE, { code: error.code, message: error.message });
    this.state = 'FAILED';
  }

  private expect(...states: ConnectionState[]): void {
    if (!states.includes(this.state)) {
      throw new ProtocolError(
        'Neo.ClientError.Request.Invalid',
        `Message not allowed in state ${this.state} (fake Bolt server, connection bolt-${this.id})`,
      );
    }
  }

  private async handle(message: BoltStruct): Promise<void> {
    if (!this.alive || this.state === 'DEFUNCT') return;
    const name = requestName(message.signature);
    const [first, second, third] = message.fields;
    if (name === 'GOODBYE') {
      this.defunct();
      return;
    }
    if (name === 'RESET') {
      this.expect('AUTHENTICATION', 'READY', 'STREAMING', 'TX_READY', 'TX_STREAMING', 'FAILED');
      this.endTransaction();
      this.state = this.user === undefined ? 'AUTHENTICATION' : 'READY';
      this.success();
      return;
    }
    if (this.state === 'FAILED') {
      this.send(RESPONSE.IGNORED, {});
      return;
    }
    switch (name) {
      case 'HELLO':
        this.expect('CONNECTED');
        this.state = 'AUTHENTICATION';
        this.success({
          server: this.options.serverAgent ?? 'Neo4j/5.26.0',
          connection_id: `bolt-${this.id}`,
          hints: {},
        });
        return;
      case 'LOGON':
        return this.logon(map(first));
      case 'LOGOFF':
        this.expect('READY');
        this.user = undefined;
        this.state = 'AUTHENTICATION';
        this.success();
        return;
      case 'TELEMETRY':
        this.expect('READY');
        this.success();
        return;
      case 'ROUTE':
        return this.route(map(third));
      case 'BEGIN':
        return this.begin(map(first));
      case 'RUN':
        return this.run(first, map(second), map(third));
      case 'PULL':
      case 'DISCARD':
        return this.stream(name, map(first));
      case 'COMMIT':
        this.expect('TX_READY');
        this.tx?.transaction.commit();
        this.tx = undefined;
        this.state = 'READY';
        this.success({ bookmark: this.options.bookmark() });
        return;
      case 'ROLLBACK':
        this.expect('TX_READY', 'TX_STREAMING');
        this.endTransaction();
        this.state = 'READY';
        this.success();
        return;
      default:
        throw new ProtocolError(
          'Neo.ClientError.Request.Invalid',
          `Unknown Bolt message 0x${message.signature.toString(16)}`,
        );
    }
  }

  private logon(auth: BoltMap): void {
    this.expect('AUTHENTICATION');
    const ok =
      auth.scheme === 'basic' &&
      auth.principal === this.options.username &&
      auth.credentials === this.options.password;
    if (!ok) {
      this.send(RESPONSE.FAILURE, {
        code: 'Neo.ClientError.Security.Unauthorized',
        message: 'The client is unauthorized due to authentication failure.',
      });
      this.defunct();
      return;
    }
    this.user = this.options.username;
    this.state = 'READY';
    this.success();
  }

  private route(extra: BoltMap): void {
    this.expect('READY');
    const address = `127.0.0.1:${this.options.port()}`;
    const db = typeof extra.db === 'string' ? extra.db : this.options.engine.defaultDatabase;
    this.success({
      rt: {
        ttl: 300n,
        db,
        servers: ['WRITE', 'READ', 'ROUTE'].map((role) => ({ addresses: [address], role })),
      },
    });
  }

  private database(extra: BoltMap): string {
    return typeof extra.db === 'string' && extra.db !== '' ? extra.db : this.options.engine.defaultDatabase;
  }

  private async begin(extra: BoltMap): Promise<void> {
    this.expect('READY');
    const database = this.database(extra);
    let transaction: BoltTransaction;
    try {
      transaction = await this.options.engine.begin(database);
    } catch (error) {
      this.failure(error);
      return;
    }
    if (!this.alive) {
      transaction.rollback();
      return;
    }
    this.tx = { transaction, database };
    this.state = 'TX_READY';
    this.success();
  }

  private async run(query: BoltValue | undefined, params: BoltMap, extra: BoltMap): Promise<void> {
    this.expect('READY', 'TX_READY', 'TX_STREAMING');
    if (typeof query !== 'string')
      throw new ProtocolError('Neo.ClientError.Request.Invalid', 'RUN needs a query');
    if (this.state === 'READY') {
      const database = this.database(extra);
      let transaction: BoltTransaction;
      try {
        transaction = await this.options.engine.begin(database);
      } catch (error) {
        this.failure(error);
        return;
      }
      try {
        const result = transaction.run(query, params);
        if (!this.alive)
          throw new BoltError('Neo.TransientError.Transaction.Terminated', 'connection closed');
        transaction.commit();
        this.results = [{ ...result, qid: -1n, cursor: 0, database }];
        this.state = 'STREAMING';
        this.success({ fields: result.fields, t_first: 0n });
      } catch (error) {
        transaction.rollback();
        this.failure(error);
      }
      return;
    }
    const tx = this.tx!;
    try {
      const result = tx.transaction.run(query, params);
      const qid = this.nextQid++;
      this.results.push({ ...result, qid, cursor: 0, database: tx.database });
      this.state = 'TX_STREAMING';
      this.success({ fields: result.fields, t_first: 0n, qid });
    } catch (error) {
      this.failure(error);
    }
  }

  private stream(name: 'PULL' | 'DISCARD', extra: BoltMap): void {
    this.expect('STREAMING', 'TX_STREAMING');
    const n = typeof extra.n === 'bigint' ? extra.n : -1n;
    const qid = typeof extra.qid === 'bigint' ? extra.qid : -1n;
    const result =
      this.state === 'STREAMING' || qid === -1n
        ? this.results.at(-1)
        : this.results.find((r) => r.qid === qid);
    if (!result) throw new ProtocolError('Neo.ClientError.Request.Invalid', `No open result with qid ${qid}`);
    const end = n < 0n ? result.rows.length : Math.min(result.rows.length, result.cursor + Number(n));
    if (name === 'PULL') {
      for (const row of result.rows.slice(result.cursor, end)) this.send(RESPONSE.RECORD, row);
    }
    result.cursor = end;
    if (result.cursor < result.rows.length) {
      this.success({ has_more: true });
      return;
    }
    this.results = this.results.filter((r) => r !== result);
    const summary: BoltMap = { type: result.type, t_last: 0n, db: result.database };
    if (this.state === 'STREAMING') {
      summary.bookmark = this.options.bookmark();
      this.state = 'READY';
    } else {
      this.state = this.results.length > 0 ? 'TX_STREAMING' : 'TX_READY';
    }
    this.success(summary);
  }
}

function map(value: BoltValue | undefined): BoltMap {
  return isBoltMap(value) ? value : {};
}
