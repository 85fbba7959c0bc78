/**
 * The Discord monitor on the web server (spec §1.18, issue 4 point 5): JSON under `/api/monitor` and the
 * dashboard page at `/monitor`. The web server's token check covers every path here (only `/health` and
 * `/oauth/*` are open), so the monitor is protected exactly like the chat page.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type DiscordMonitor, MONITOR_EVENT_TYPES } from './monitor.js';

export interface MonitorRouteOptions {
  version: string;
  /** The web static folder (WEB_STATIC_DIR); the dashboard files live in its `monitor/` folder. */
  staticDir: string;
}

export const MAX_LOG_LIMIT = 100;

const LogsQuery = z.object({
  limit: z.preprocess(
    (value) => (value === undefined || value === '' ? undefined : Number(value)),
    z
      .number({ error: 'limit must be a whole number from 1 to 100' })
      .int('limit must be a whole number from 1 to 100')
      .min(1, 'limit must be a whole number from 1 to 100')
      .max(MAX_LOG_LIMIT, 'limit must be a whole number from 1 to 100')
      .default(50),
  ),
  event_type: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .enum(MONITOR_EVENT_TYPES, { error: `event_type must be one of ${MONITOR_EVENT_TYPES.join(', ')}` })
      .optional(),
  ),
});

const PAGE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/monitor': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/monitor/monitor.js': { file: 'monitor.js', type: 'text/javascript; charset=utf-8' },
  '/monitor/monitor.css': { file: 'monitor.css', type: 'text/css; charset=utf-8' },
};

/** Only our own files run on the page; guild icons may come from Discord's CDN. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function monitorRoutes(
  monitor: DiscordMonitor,
  options: MonitorRouteOptions,
): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/monitor', async () => ({ version: options.version, ...monitor.stats() }));

    app.get('/api/monitor/guilds', async () => ({ guilds: monitor.guilds() }));

    app.get('/api/monitor/users', async () => ({ users: monitor.users() }));

    app.get('/api/monitor/logs', async (request, reply) => {
      const parsed = LogsQuery.safeParse(request.query ?? {});
      if (!parsed.success) {
        const message = parsed.error.issues.map((issue) => issue.message).join('; ');
        return reply.code(400).send({ error: 'invalid_query', message });
      }
      const { limit, event_type: type } = parsed.data;
      return { logs: monitor.logs({ limit, type }) };
    });

    for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
      app.get(path, async (_request, reply) =>
        sendPageFile(reply, join(options.staticDir, 'monitor', file), type),
      );
    }
  };
}

async function sendPageFile(reply: FastifyReply, path: string, type: string): Promise<FastifyReply> {
  const body = await readFile(path);
  return reply
    .type(type)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('referrer-policy', 'no-referrer')
    .send(body);
}
