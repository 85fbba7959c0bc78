/**
 * A fake LLM server on 127.0.0.1 that speaks the real wire protocols, so the real `openai` and
 * `@anthropic-ai/sdk` clients run end to end:
 *
 *   OpenAI     POST /v1/chat/completions (JSON or SSE), POST /v1/embeddings, GET /v1/models
 *   Anthropic  POST /v1/messages (JSON or SSE), GET /v1/models (when `anthropic-version` is sent)
 *
 * Scripting: `fake.script(...steps)` queues steps in ONE queue shared by both chat endpoints
 * (`/v1/chat/completions` and `/v1/messages`), consumed in request order. A step is:
 *   'text'                                 → that text, streamed in a few chunks
 *   { text?, toolCalls?, usage?, … }       → a reply (tool-call arguments are streamed in pieces)
 *   { status, headers?, body?, message? }  → an HTTP error in the protocol's error shape
 *   { hang: true }                         → never answers (timeouts)
 *   { drop: true }                         → destroys the connection without answering
 *   { text, dropAfterChunks: n }           → streams n chunks, then destroys the connection
 *   (request) => step                      → decided per request
 * Any step may carry `delayMs`. With an empty queue the answer is `You said: <last user text>`.
 * Embeddings are answered deterministically; `fake.scriptEmbeddings(...)` queues error/hang steps for them.
 *
 * Usage: `const fake = await startFakeLlm(); … fake.openaiBaseUrl …; await fake.close();`
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicErrorBody, anthropicModels, writeAnthropicMessage } from './fake-llm-anthropic.js';
import { openAIErrorBody, openAIModels, writeEmbeddings, writeOpenAIChat } from './fake-llm-openai.js';
import { echoReply } from './fake-llm-text.js';
import type { FakeError, FakeProtocol, FakeReply, FakeStep, RecordedRequest } from './fake-llm-types.js';

export type * from './fake-llm-types.js';

export interface FakeLlmOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Pause between streamed chunks (default 1 ms). */
  chunkDelayMs?: number;
  /** Benchmarks: no pause between chunks (scripted `delayMs` still applies). */
  zeroLatency?: boolean;
  /** When set, requests with another key get 401 (Bearer token or `x-api-key`). */
  apiKey?: string;
  /** Ids listed by GET /v1/models. */
  models?: string[];
}

export interface FakeLlm {
  url: string;
  port: number;
  /** For the `openai` SDK (`baseURL`). */
  openaiBaseUrl: string;
  /** For `@anthropic-ai/sdk` (`baseURL`). */
  anthropicBaseUrl: string;
  /** Every request received, in order (live array; `reset()` empties it). */
  requests: RecordedRequest[];
  /** Only chat requests (`/v1/chat/completions` and `/v1/messages`). */
  chatRequests(): RecordedRequest[];
  script(...steps: FakeStep[]): void;
  scriptEmbeddings(...steps: FakeStep[]): void;
  /** Scripted chat steps not consumed yet. */
  pending(): number;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['fake-model', 'gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'text-embedding-3-small'];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function protocolOf(method: string, path: string, headers: Record<string, string>): FakeProtocol | undefined {
  if (method === 'POST' && path === '/v1/chat/completions') return 'openai';
  if (method === 'POST' && path === '/v1/messages') return 'anthropic';
  if (method === 'POST' && path === '/v1/embeddings') return 'embeddings';
  if (method === 'GET' && path === '/v1/models') return headers['anthropic-version'] ? 'anthropic' : 'models';
  return undefined;
}

const DEFAULT_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Invalid API key',
  403: 'Forbidden',
  404: 'The model does not exist',
  429: 'Rate limit exceeded',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  529: 'Overloaded',
};

function sendError(res: ServerResponse, protocol: FakeProtocol, step: FakeError): void {
  const message = step.message ?? DEFAULT_ERROR_MESSAGES[step.status] ?? `HTTP ${step.status}`;
  const body =
    step.body ??
    (protocol === 'anthropic'
      ? anthropicErrorBody(step.status, message)
      : openAIErrorBody(step.status, message));
  res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const chunkDelayMs = options.zeroLatency ? 0 : (options.chunkDelayMs ?? 1);
  const models = options.models ?? DEFAULT_MODELS;
  const requests: RecordedRequest[] = [];
  const chatQueue: FakeStep[] = [];
  const embeddingQueue: FakeStep[] = [];
  let closing = false;
  const sleep = (ms: number) =>
    ms > 0 && !closing ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

  async function answer(res: ServerResponse, request: RecordedRequest, queued: FakeStep | undefined) {
    let step: FakeStep = queued ?? (request.protocol === 'embeddings' ? {} : echoReply(request));
    while (typeof step === 'function') step = step(request);
    if (typeof step === 'string') step = { text: step };
    if ('hang' in step) return;
    if ('delayMs' in step && step.delayMs) await sleep(step.delayMs);
    if ('drop' in step) {
      res.socket?.destroy();
      return;
    }
    if ('status' in step) {
      sendError(res, request.protocol, step);
      return;
    }
    const reply: FakeReply = step;
    if (request.protocol === 'embeddings') {
      writeEmbeddings(res, request);
      return;
    }
    const context = { res, request, reply, chunkDelayMs, sleep };
    if (request.protocol === 'anthropic') await writeAnthropicMessage(context);
    else await writeOpenAIChat(context);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => {});
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const headers = headersOf(req);
    const text = await readBody(req);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the raw text
    }
    const protocol = protocolOf(method, path, headers);
    if (!protocol) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `No route for ${method} ${path}`, type: 'not_found' } }));
      return;
    }
    const request: RecordedRequest = { protocol, method, path, headers, body };
    requests.push(request);
    const received = performance.now();
    res.on('finish', () => {
      request.servedMs = performance.now() - received;
    });
    if (options.apiKey) {
      const given = headers['x-api-key'] ?? headers.authorization?.replace(/^Bearer\s+/i, '');
      if (given !== options.apiKey) {
        sendError(res, protocol, { status: 401, message: 'Invalid API key' });
        return;
      }
    }
    if (method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(protocol === 'anthropic' ? anthropicModels(models) : openAIModels(models)));
      return;
    }
    const queue = protocol === 'embeddings' ? embeddingQueue : chatQueue;
    await answer(res, request, queue.shift());
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: `fake LLM failed: ${String(error)}`, type: 'server_error' } }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    chatRequests: () =>
      requests.filter((r) => r.method === 'POST' && (r.protocol === 'openai' || r.protocol === 'anthropic')),
    script: (...steps) => {
      chatQueue.push(...steps);
    },
    scriptEmbeddings: (...steps) => {
      embeddingQueue.push(...steps);
    },
    pending: () => chatQueue.length,
    reset: () => {
      requests.length = 0;
      chatQueue.length = 0;
      embeddingQueue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
