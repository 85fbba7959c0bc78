/**
 * A fake Smithery registry on 127.0.0.1 speaking the registry's REST shape, so Clara's real Smithery client runs
 * against it: `GET /servers?q=&page=&pageSize=` (search over name, display name and description) and
 * `GET /servers/<qualifiedName>` (details with `connections`, hosted ones with a `deploymentUrl`). `requests`
 * records each call with its Authorization header; `failNext` makes the next request answer an HTTP error.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSmitheryServer {
  qualifiedName: string;
  displayName?: string;
  description?: string;
  verified?: boolean;
  useCount?: number;
  /** Hosted: the Streamable HTTP endpoint the registry reports. */
  deploymentUrl?: string;
}

export interface FakeSmithery {
  readonly url: string;
  readonly servers: FakeSmitheryServer[];
  readonly requests: Array<{ path: string; authorization?: string }>;
  failNext(status: number, body?: string): void;
  close(): Promise<void>;
}

export async function startFakeSmithery(servers: FakeSmitheryServer[]): Promise<FakeSmithery> {
  const requests: FakeSmithery['requests'] = [];
  let failure: { status: number; body: string } | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (failure) {
      const { status, body } = failure;
      failure = undefined;
      return send(status, body);
    }
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (url.pathname === '/servers') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const page = Number(url.searchParams.get('page') ?? '1');
      const pageSize = Number(url.searchParams.get('pageSize') ?? '10');
      const hits = servers.filter((s) =>
        [s.qualifiedName, s.displayName ?? '', s.description ?? ''].some((t) => t.toLowerCase().includes(q)),
      );
      const slice = hits.slice((page - 1) * pageSize, page * pageSize);
      return send(200, {
        servers: slice.map((s) => ({
          qualifiedName: s.qualifiedName,
          displayName: s.displayName ?? null,
          description: s.description ?? '',
          iconUrl: null,
          homepage: `https://smithery.ai/server/${s.qualifiedName}`,
          verified: s.verified ?? false,
          useCount: s.useCount ?? 0,
          remote: Boolean(s.deploymentUrl),
          createdAt: '2025-01-01T00:00:00.000Z',
        })),
        pagination: {
          currentPage: page,
          pageSize,
          totalPages: Math.ceil(hits.length / pageSize),
          totalCount: hits.length,
        },
      });
    }
    if (url.pathname.startsWith('/servers/')) {
      const name = decodeURIComponent(url.pathname.slice('/servers/'.length));
      const found = servers.find((s) => s.qualifiedName === name);
      if (!found) return send(404, { error: 'Server not found' });
      return send(200, {
        qualifiedName: found.qualifiedName,
        displayName: found.displayName ?? found.qualifiedName,
        description: found.description ?? '',
        remote: Boolean(found.deploymentUrl),
        deploymentUrl: found.deploymentUrl ?? null,
        connections: found.deploymentUrl
          ? [{ type: 'http', deploymentUrl: found.deploymentUrl, configSchema: {} }]
          : [{ type: 'stdio', configSchema: {} }],
        tools: null,
      });
    }
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    servers,
    requests,
    failNext(status, body = '{"error":"boom"}') {
      failure = { status, body };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
