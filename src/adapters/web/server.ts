/**
 * The web server: `/health`, the chat API (replies streamed as server-sent events) and the chat page.
 * Other capabilities (monitor, OAuth callbacks) add their routes through `routes`.
 */

import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ReplyEvent } from '../../domain/index.js';
import type { Engine } from '../../engine/index.js';
import { isLoopback, requireToken } from './auth.js';
import { openEventStream, writeEvent } from './sse.js';

export interface WebIdentity {
  /** Memory user id of the person using the page. */
  userId: string;
  userName: string;
  displayName: string;
  /** Session owner of the web conversation. */
  conversationId: string;
  /** May use admin-only tools (the owner's page). */
  isAdmin?: boolean;
}

export interface WebStatus {
  version: string;
  llm: { ready: boolean; provider: string; model?: string; setupHint?: string };
  database: string;
  /** Present when the Discord bot runs (health checks restart a bot that lost its connection). */
  discord?: { connected: boolean; guilds: number; latencyMs: number | null };
}

export interface WebServerOptions {
  engine: Engine;
  logger: Logger;
  host: string;
  port: number;
  token?: string;
  identity: WebIdentity;
  /** Folder holding index.html, app.js and style.css. */
  staticDir: string;
  status: () => WebStatus;
  /** Called for every turn so shutdown can wait for replies in progress. */
  signal?: AbortSignal;
  routes?: Array<(app: FastifyInstance) => void | Promise<void>>;
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number;
}

const ChatBody = z.object({
  message: z.string(),
  tier: z.enum(['high', 'mid', 'low', 'auto']).optional(),
  clientMessageId: z.string().max(100).optional(),
});

const STATIC_FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
};
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const WEB_GUIDELINES =
  'You are talking in a web chat page that renders Markdown (code blocks, lists, bold, links). Be concise.';

export async function createWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  if (!isLoopback(options.host) && !options.token) {
    throw new Error(
      `The web server would listen on ${options.host} without a token. Set CLARA_WEB_TOKEN, or bind to 127.0.0.1 with CLARA_WEB_HOST.`,
    );
  }
  const app = Fastify({
    loggerInstance: options.logger.child({ name: 'web' }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (options.token) app.addHook('onRequest', requireToken(options.token));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) options.logger.error({ err: error }, 'web request failed');
    const message =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request is too large. Send a shorter message or attach the content as a file.'
        : status >= 500
          ? 'Internal error; it has been logged.'
          : error.message;
    reply.code(status).send({ error: error.code ?? 'error', message });
  });

  app.get('/health', async () => ({ status: 'ok', ...options.status() }));
  app.get('/api/status', async () => ({ ...options.status(), user: options.identity.displayName }));

  app.get('/api/messages', async () => {
    const rows = await options.engine.history(options.identity.conversationId, 100);
    return {
      messages: rows.map((m) => ({ id: m.id, role: m.role, content: m.content, createdAt: m.createdAt })),
    };
  });

  app.post('/api/conversations/new', async () => {
    const { sessionId } = await options.engine.startNewSession(options.identity.conversationId, 'Web chat', {
      userId: options.identity.userId,
      environment: { kind: 'web' },
    });
    return { sessionId };
  });

  app.post('/api/chat', async (request, reply) => {
    const parsed = ChatBody.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({
        error: 'invalid_body',
        message: 'Send JSON like {"message": "hello"} (optional "tier": high|mid|low|auto).',
      });
    }
    const body = parsed.data;
    reply.hijack();
    openEventStream(reply.raw);
    const { identity } = options;
    try {
      for await (const event of options.engine.handle(
        {
          platform: 'web',
          userId: identity.userId,
          userName: identity.userName,
          displayName: identity.displayName,
          conversationId: identity.conversationId,
          isAdmin: identity.isAdmin,
          conversationTitle: 'Web chat',
          content: body.message,
          platformMessageId: body.clientMessageId ? `web-${body.clientMessageId}` : undefined,
          environment: { kind: 'web' },
          tier: body.tier,
          platformGuidelines: WEB_GUIDELINES,
        },
        { signal: options.signal },
      )) {
        writeEvent(reply.raw, event.type, forTheWire(event));
      }
    } finally {
      reply.raw.end();
    }
  });

  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const file = STATIC_FILES[path];
    if (!file) return reply.code(404).send({ error: 'not_found', message: `Nothing at ${path}.` });
    const body = await readFile(join(options.staticDir, file));
    return reply
      .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });

  for (const register of options.routes ?? []) await register(app);
  return app;
}

/** Attachment bytes travel as base64 (a Uint8Array would serialise as one JSON key per byte). */
function forTheWire(event: ReplyEvent): unknown {
  if (event.type !== 'attachment') return event;
  const { data, ...rest } = event;
  return { ...rest, size: data.byteLength, base64: Buffer.from(data).toString('base64') };
}
