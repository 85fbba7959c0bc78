/**
 * A wire-level fake of the Qdrant REST API on 127.0.0.1 (node:http), so the real `@qdrant/js-client-rest` runs end
 * to end. It keeps collections in memory and implements what the memory store uses, for real: collections
 * (create / get / exists / delete), payload indexes, points (upsert, retrieve, delete by ids or filter, set payload,
 * batch), scroll (with order_by), count, search and query (cosine scoring with filters), and Qdrant's filter
 * semantics (see `fake-qdrant-filter.ts`). Optional `api-key` check. `requests` records every call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FilterError, filterMatches, type Payload, type TextIndex, valuesAt } from './fake-qdrant-filter.js';

export interface FakePoint {
  id: string | number;
  vector: number[];
  payload: Payload;
}

export interface FakeCollection {
  size: number;
  distance: string;
  points: Map<string, FakePoint>;
  /** field → schema as sent (`'keyword'` or `{ type: 'text', … }`). */
  indexes: Map<string, unknown>;
}

export interface FakeQdrant {
  readonly url: string;
  readonly collections: Map<string, FakeCollection>;
  readonly requests: Array<{ method: string; path: string; body: unknown }>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function pointKey(id: unknown): string {
  if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return String(id);
  if (typeof id === 'string' && UUID_RE.test(id)) return id.toLowerCase();
  throw new HttpError(400, `Format error in JSON body: value ${JSON.stringify(id)} is not a valid point ID`);
}

function normalise(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector.slice() : vector.map((x) => x / norm);
}

function textIndexes(collection: FakeCollection): Map<string, TextIndex> {
  const out = new Map<string, TextIndex>();
  for (const [field, schema] of collection.indexes) {
    if (schema && typeof schema === 'object' && (schema as Payload).type === 'text') {
      const params = schema as { tokenizer?: string; lowercase?: boolean };
      out.set(field, { tokenizer: params.tokenizer ?? 'word', lowercase: params.lowercase ?? true });
    }
  }
  return out;
}

function selectPayload(payload: Payload, withPayload: unknown): Payload | null {
  if (withPayload === false || withPayload === undefined) return null;
  if (Array.isArray(withPayload)) {
    return Object.fromEntries(withPayload.filter((key) => key in payload).map((key) => [key, payload[key]]));
  }
  return structuredClone(payload);
}

function output(point: FakePoint, body: Payload, score?: number): Payload {
  return {
    id: point.id,
    version: 1,
    ...(score === undefined ? {} : { score }),
    payload: selectPayload(point.payload, body.with_payload ?? score === undefined),
    vector: body.with_vector ? point.vector : null,
  };
}

function compareIds(a: FakePoint, b: FakePoint): number {
  const ka = typeof a.id === 'number' ? `0${String(a.id).padStart(20, '0')}` : `1${a.id}`;
  const kb = typeof b.id === 'number' ? `0${String(b.id).padStart(20, '0')}` : `1${b.id}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export async function startFakeQdrant(options: { apiKey?: string } = {}): Promise<FakeQdrant> {
  const collections = new Map<string, FakeCollection>();
  const requests: FakeQdrant['requests'] = [];

  const need = (name: string): FakeCollection => {
    const collection = collections.get(name);
    if (!collection) throw new HttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return collection;
  };
  const filtered = (c: FakeCollection, filter: unknown): FakePoint[] => {
    const ctx = { textIndexes: textIndexes(c) };
    return [...c.points.values()]
      .filter((p) => filterMatches(p, filter as Payload | undefined, ctx))
      .sort(compareIds);
  };
  const upsert = (c: FakeCollection, points: Array<{ id: unknown; vector: unknown; payload?: Payload }>) => {
    const prepared = points.map((point) => {
      const vector = point.vector as number[];
      if (!Array.isArray(vector) || vector.length !== c.size) {
        throw new HttpError(
          400,
          `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${Array.isArray(vector) ? vector.length : 0}`,
        );
      }
      const key = pointKey(point.id);
      const id = typeof point.id === 'number' ? point.id : key;
      return {
        key,
        point: {
          id,
          vector: c.distance === 'Cosine' ? normalise(vector) : vector,
          payload: point.payload ?? {},
        },
      };
    });
    for (const { key, point } of prepared) c.points.set(key, structuredClone(point));
  };
  const selected = (c: FakeCollection, body: Payload): FakePoint[] =>
    Array.isArray(body.points)
      ? (body.points as unknown[]).flatMap((id) => c.points.get(pointKey(id)) ?? [])
      : filtered(c, body.filter);
  const setPayload = (c: FakeCollection, body: Payload) => {
    for (const point of selected(c, body))
      Object.assign(point.payload, structuredClone(body.payload as Payload));
  };
  const remove = (c: FakeCollection, body: Payload) => {
    for (const point of selected(c, body)) c.points.delete(pointKey(point.id));
  };
  const scored = (c: FakeCollection, body: Payload, vector: number[]) => {
    if (vector.length !== c.size) {
      throw new HttpError(
        400,
        `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${vector.length}`,
      );
    }
    const query = normalise(vector);
    const threshold = typeof body.score_threshold === 'number' ? body.score_threshold : -Infinity;
    const offset = Number(body.offset ?? 0);
    return filtered(c, body.filter)
      .map((point) => ({ point, score: point.vector.reduce((sum, x, i) => sum + x * (query[i] ?? 0), 0) }))
      .filter((hit) => hit.score >= threshold)
      .sort((a, b) => b.score - a.score || compareIds(a.point, b.point))
      .slice(offset, offset + Number(body.limit ?? 10))
      .map((hit) => output(hit.point, body, hit.score));
  };

  const routes: Array<[string, RegExp, (m: string[], body: Payload) => unknown]> = [
    ['GET', /^\/$/, () => ({ title: 'qdrant - vector search engine (fake)', version: '1.18.0' })],
    ['GET', /^\/collections$/, () => ({ collections: [...collections.keys()].map((name) => ({ name })) })],
    ['GET', /^\/collections\/([^/]+)\/exists$/, ([n]) => ({ exists: collections.has(n!) })],
    [
      'GET',
      /^\/collections\/([^/]+)$/,
      ([n]) => {
        const c = need(n!);
        const payloadSchema = Object.fromEntries(
          [...c.indexes].map(([field, schema]) => [
            field,
            typeof schema === 'string'
              ? { data_type: schema, points: c.points.size }
              : { data_type: (schema as Payload).type, params: schema, points: c.points.size },
          ]),
        );
        return {
          status: 'green',
          optimizer_status: 'ok',
          points_count: c.points.size,
          indexed_vectors_count: 0,
          segments_count: 1,
          config: {
            params: {
              vectors: { size: c.size, distance: c.distance },
              shard_number: 1,
              replication_factor: 1,
            },
            hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
            optimizer_config: {},
            wal_config: {},
          },
          payload_schema: payloadSchema,
        };
      },
    ],
    [
      'PUT',
      /^\/collections\/([^/]+)$/,
      ([n], body) => {
        if (collections.has(n!)) throw new HttpError(409, `Wrong input: Collection \`${n}\` already exists!`);
        const vectors = body.vectors as { size?: number; distance?: string } | undefined;
        if (!vectors || typeof vectors.size !== 'number')
          throw new HttpError(400, 'Wrong input: vectors.size is required');
        collections.set(n!, {
          size: vectors.size,
          distance: vectors.distance ?? 'Cosine',
          points: new Map(),
          indexes: new Map(),
        });
        return true;
      },
    ],
    ['DELETE', /^\/collections\/([^/]+)$/, ([n]) => collections.delete(n!)],
    [
      'PUT',
      /^\/collections\/([^/]+)\/index$/,
      ([n], body) => {
        need(n!).indexes.set(String(body.field_name), body.field_schema);
        return { operation_id: 1, status: 'completed' };
      },
    ],
    [
      'PUT',
      /^\/collections\/([^/]+)\/points$/,
      ([n], body) => {
        const c = need(n!);
        if (body.batch) {
          const batch = body.batch as { ids: unknown[]; vectors: unknown[]; payloads?: Payload[] };
          upsert(
            c,
            batch.ids.map((id, i) => ({ id, vector: batch.vectors[i], payload: batch.payloads?.[i] ?? {} })),
          );
        } else upsert(c, body.points as Array<{ id: unknown; vector: unknown; payload?: Payload }>);
        return { operation_id: 1, status: 'completed' };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points$/,
      ([n], body) => {
        const c = need(n!);
        return (body.ids as unknown[]).flatMap((id) => {
          const point = c.points.get(pointKey(id));
          return point ? [output(point, body)] : [];
        });
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/delete$/,
      ([n], body) => {
        remove(need(n!), body);
        return { operation_id: 1, status: 'completed' };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/payload$/,
      ([n], body) => {
        setPayload(need(n!), body);
        return { operation_id: 1, status: 'completed' };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/batch$/,
      ([n], body) => {
        const c = need(n!);
        for (const op of body.operations as Payload[]) {
          if (op.upsert)
            upsert(
              c,
              (op.upsert as Payload).points as Array<{ id: unknown; vector: unknown; payload?: Payload }>,
            );
          else if (op.set_payload) setPayload(c, op.set_payload as Payload);
          else if (op.delete) remove(c, op.delete as Payload);
          else throw new HttpError(400, `Unsupported batch operation ${Object.keys(op).join(',')}`);
        }
        return (body.operations as unknown[]).map(() => ({ operation_id: 1, status: 'completed' }));
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/scroll$/,
      ([n], body) => {
        const c = need(n!);
        let points = filtered(c, body.filter);
        const limit = Number(body.limit ?? 10);
        const orderBy = body.order_by as { key: string; direction?: string } | string | undefined;
        if (orderBy) {
          const key = typeof orderBy === 'string' ? orderBy : orderBy.key;
          const sign = typeof orderBy === 'object' && orderBy.direction === 'desc' ? -1 : 1;
          const at = (p: FakePoint) =>
            valuesAt(p.payload, key).find((v) => typeof v === 'number') as number | undefined;
          points = points
            .filter((p) => at(p) !== undefined)
            .sort((a, b) => sign * (at(a)! - at(b)!) || compareIds(a, b));
          return { points: points.slice(0, limit).map((p) => output(p, body)), next_page_offset: null };
        }
        if (body.offset !== undefined && body.offset !== null) {
          const start = pointKey(body.offset);
          points = points.filter((p) => compareIds(p, { id: start, vector: [], payload: {} }) >= 0);
        }
        return {
          points: points.slice(0, limit).map((p) => output(p, body)),
          next_page_offset: points[limit]?.id ?? null,
        };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/count$/,
      ([n], body) => ({ count: filtered(need(n!), body.filter).length }),
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/search$/,
      ([n], body) => scored(need(n!), body, body.vector as number[]),
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/query$/,
      ([n], body) => {
        const query = body.query as unknown;
        const vector = Array.isArray(query) ? query : (query as { nearest?: unknown } | undefined)?.nearest;
        if (!Array.isArray(vector))
          throw new HttpError(400, 'The fake Qdrant supports only nearest-vector queries');
        return { points: scored(need(n!), body, vector as number[]) };
      },
    ],
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const send = (status: number, payload: Payload) => {
      const time = Number(process.hrtime.bigint() - started) / 1e9;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...payload, time }));
    };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Payload;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({ method: req.method ?? 'GET', path, body });
      if (options.apiKey !== undefined && req.headers['api-key'] !== options.apiKey) {
        throw new HttpError(401, 'Invalid api-key');
      }
      for (const [method, pattern, run] of routes) {
        const match = pattern.exec(path);
        if (method === req.method && match) {
          const result = run(match.slice(1).map(decodeURIComponent), body);
          send(200, { result, status: 'ok' });
          return;
        }
      }
      throw new HttpError(404, `Not found: ${req.method} ${path}`);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : error instanceof FilterError ? 400 : 500;
      send(status, { status: { error: error instanceof Error ? error.message : String(error) } });
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    collections,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
