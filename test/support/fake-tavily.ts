/**
 * A fake Tavily search API on 127.0.0.1: `POST /search` with `Authorization: Bearer <key>`, answering like the real
 * service (`{ query, answer, results: [{ title, url, content, score }], response_time }`), so the real fetch-based
 * client runs end to end.
 *
 * Scripting: `fake.script(...steps)` queues answers consumed in request order. A step is
 *   { status, body? }   → that HTTP status with `body` (default: Tavily's `{"detail":{"error": …}}` shape)
 *   { raw }             → 200 with this text verbatim (for malformed responses)
 *   { json }            → 200 with this JSON
 *   { hang: true }      → never answers (time-outs)
 * With an empty queue the answer is built from the query: an answer and `max_results` results.
 * A request with another key than `apiKey` gets 401 like the real service.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeTavilyStep =
  | { status: number; body?: unknown }
  | { raw: string }
  | { json: unknown }
  | { hang: true };

export interface FakeTavilyRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FakeTavily {
  /** For `TAVILY_BASE_URL`. */
  url: string;
  requests: FakeTavilyRequest[];
  script(...steps: FakeTavilyStep[]): void;
  reset(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The default answer: deterministic results derived from the query. */
export function defaultTavilyAnswer(query: string, maxResults: number) {
  return {
    query,
    answer: `A short answer about ${query}.`,
    images: [],
    follow_up_questions: null,
    response_time: 0.42,
    results: Array.from({ length: maxResults }, (_, i) => ({
      title: `Result ${i + 1} about ${query}`,
      url: `https://example.com/${encodeURIComponent(query)}/${i + 1}`,
      content: `Page ${i + 1} says something useful about ${query}. `.repeat(i === 0 ? 20 : 1),
      score: 0.9 - i * 0.1,
      raw_content: null,
    })),
  };
}

export async function startFakeTavily(options: { apiKey?: string } = {}): Promise<FakeTavily> {
  const requests: FakeTavilyRequest[] = [];
  let queue: FakeTavilyStep[] = [];
  const hanging = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // recorded as {}
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers, body });

    if (req.method !== 'POST' || req.url !== '/search') {
      sendJson(res, 404, { detail: 'Not Found' });
      return;
    }
    if (options.apiKey && headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(res, 401, { detail: { error: 'Unauthorized: missing or invalid API key.' } });
      return;
    }
    const step = queue.shift();
    if (!step) {
      const max = typeof body.max_results === 'number' ? body.max_results : 5;
      sendJson(res, 200, defaultTavilyAnswer(String(body.query ?? ''), max));
      return;
    }
    if ('hang' in step) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('raw' in step) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(step.raw);
      return;
    }
    if ('json' in step) {
      sendJson(res, 200, step.json);
      return;
    }
    sendJson(res, step.status, step.body ?? { detail: { error: `Fake error ${step.status}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(...steps) {
      queue.push(...steps);
    },
    reset() {
      queue = [];
      requests.length = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
