/**
 * A Bolt 5.4 server on 127.0.0.1 (node:net), written from the Bolt specification, for wire-level tests with the real
 * `neo4j-driver`: the handshake (magic 0x6060B017, the client's four version ranges, reply with the chosen version
 * or zero), chunked framing and PackStream (`bolt-packstream.ts`), and per connection the server state machine
 * (`bolt-connection.ts`). Queries go to a `BoltEngine`. `requests` records every request (credentials masked);
 * `dropConnectionOnNext` makes the server close a connection instead of answering, to test client error paths.
 */
import { createServer, type Socket } from 'node:net';
import { BoltConnection } from './bolt-connection.js';
import {
  type BoltMap,
  type BoltStruct,
  type BoltValue,
  Dechunker,
  isBoltMap,
  unpackMessage,
} from './bolt-packstream.js';
import {
  BOLT_VERSION,
  type BoltRequestName,
  type BoltServerOptions,
  type ConnectionInfo,
  requestName,
} from './bolt-types.js';

export interface BoltServer {
  readonly port: number;
  /** Every request received, in order (LOGON credentials replaced by `****`). */
  readonly requests: Array<{ connection: number; name: string; fields: BoltValue[] }>;
  /** Connections whose socket is still open. */
  connections(): ConnectionInfo[];
  /** The next request with this name makes the server close that connection instead of answering. */
  dropConnectionOnNext(name: BoltRequestName): void;
  close(): Promise<void>;
}

/** Accepts the client's offer when one of its four ranges (reserved, range, minor, major) contains 5.4. */
function negotiate(offer: Buffer): number {
  for (let i = 4; i < 20; i += 4) {
    const range = offer[i + 1]!;
    const minor = offer[i + 2]!;
    const major = offer[i + 3]!;
    if (major === BOLT_VERSION.major && minor >= BOLT_VERSION.minor && minor - range <= BOLT_VERSION.minor) {
      return (BOLT_VERSION.minor << 8) | BOLT_VERSION.major;
    }
  }
  return 0;
}

export async function startBoltServer(options: BoltServerOptions): Promise<BoltServer> {
  const live = new Set<BoltConnection>();
  const requests: BoltServer['requests'] = [];
  const sockets = new Set<Socket>();
  let nextId = 0;
  let bookmarks = 0;
  let dropOn: BoltRequestName | undefined;
  let port = 0;
  const shared = { ...options, port: () => port, bookmark: () => `FB:fake-neo4j:${++bookmarks}` };

  const record = (id: number, message: BoltStruct): string => {
    const name = requestName(message.signature) ?? `0x${message.signature.toString(16)}`;
    const [auth] = message.fields;
    const fields =
      name === 'LOGON' && isBoltMap(auth)
        ? [{ ...auth, credentials: '****' } satisfies BoltMap]
        : message.fields;
    requests.push({ connection: id, name, fields });
    return name;
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    const id = ++nextId;
    let connection: BoltConnection | undefined;
    let handshake = Buffer.alloc(0);
    const dechunker = new Dechunker();
    socket.on('close', () => {
      sockets.delete(socket);
      if (connection) {
        live.delete(connection);
        connection.closed();
      }
    });

    const shake = (data: Buffer): Buffer | undefined => {
      handshake = Buffer.concat([handshake, data]);
      if (handshake.length < 20) return undefined;
      if (handshake.readUInt32BE(0) !== 0x6060b017) {
        socket.destroy();
        return undefined;
      }
      const version = negotiate(handshake);
      const reply = Buffer.alloc(4);
      reply.writeUInt32BE(version, 0);
      socket.write(reply);
      if (version === 0) {
        socket.end();
        return undefined;
      }
      connection = new BoltConnection(id, socket, shared);
      live.add(connection);
      return handshake.subarray(20);
    };

    socket.on('data', (chunk: Buffer) => {
      const data = connection ? chunk : shake(chunk);
      if (!connection || !data || data.length === 0) return;
      let messages: BoltStruct[];
      try {
        messages = dechunker.feed(data).map(unpackMessage);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        if (record(id, message) === dropOn) {
          dropOn = undefined;
          socket.destroy();
          return;
        }
        connection.enqueue(message);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    requests,
    connections: () => [...live].map((connection) => connection.info()),
    dropConnectionOnNext(name) {
      dropOn = name;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
