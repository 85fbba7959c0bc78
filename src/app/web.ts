/** Starts the web adapter for an app: chat page, chat API and health. */
import type { FastifyInstance } from 'fastify';
import { createWebServer, type WebStatus } from '../adapters/web/index.js';
import { emailAlertsRoute } from '../email/index.js';
import type { App } from './app.js';
import { localIdentity } from './identity.js';
import { WEB_STATIC_DIR } from './paths.js';

export interface WebHandle {
  server: FastifyInstance;
  /** The chat page's address (with the token when one is required). */
  url: string;
}

export type WebRoutes = Array<(server: FastifyInstance) => void | Promise<void>>;

export async function startWeb(options: {
  app: App;
  routes?: WebRoutes;
  /** Extra `/health` and `/api/status` fields from other adapters (the Discord connection). */
  status?: () => Pick<WebStatus, 'discord'>;
  host: string;
  port: number;
  signal: AbortSignal;
}): Promise<WebHandle> {
  const { app } = options;
  const identity = localIdentity(app.config, 'web');
  const model = app.llm.llm?.modelFor(app.config.MODEL_TIER);
  const server = await createWebServer({
    engine: app.engine,
    logger: app.log.logger,
    host: options.host,
    port: options.port,
    token: app.config.CLARA_WEB_TOKEN,
    identity,
    staticDir: WEB_STATIC_DIR,
    signal: options.signal,
    routes: [
      ...app.mcp.install.webRoutes,
      emailAlertsRoute(app.email.service, identity.userId),
      ...(options.routes ?? []),
    ],
    status: () => ({
      version: app.version,
      llm: {
        ready: app.llm.llm !== undefined,
        provider: app.llm.llm?.primary ?? app.config.LLM_PROVIDER,
        model,
        setupHint: app.llm.setupHint || undefined,
      },
      database: app.db.dialect,
      ...options.status?.(),
    }),
  });
  try {
    await server.listen({ host: options.host, port: options.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Port ${options.port} on ${options.host} is already in use. Stop the other program or choose another port with PORT=<number>.`,
      );
    }
    throw error;
  }
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { server, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/` };
}
