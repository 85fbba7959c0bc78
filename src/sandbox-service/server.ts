/**
 * The sandbox service HTTP API (spec §6.3.2) in front of any SandboxBackend: API-key auth (except /health),
 * a per-key rate limit, a cap on active sandboxes, zod-checked params and bodies, `{error}` bodies on failure.
 */
import { statfs } from 'node:fs/promises';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  CreateRequest,
  type ExecResult,
  ExecuteRequest,
  PipInstallRequest,
  SAFE_USER_ID,
  type SandboxBackend,
  SandboxError,
  ShellRequest,
  STATUS_OF,
  UnzipRequest,
  WORKSPACE,
  WriteFileRequest,
} from '../sandbox/index.js';
import { apiGuard, RateLimiter } from './guard.js';
import { type Session, Sessions } from './sessions.js';
import { sandboxPath } from './workspace-files.js';

/** A backend that can also delete one file directly (the bubblewrap backend can). */
export type ServiceBackend = SandboxBackend & { deleteFile?(userId: string, path: string): Promise<boolean> };

export interface SandboxServiceOptions {
  backend: ServiceBackend;
  apiKey: string;
  logger: Logger;
  version: string;
  /** `SANDBOX_MAX_CONTAINERS`. */
  maxSandboxes: number;
  /** `SANDBOX_DOCKER_TIMEOUT` in ms: idle sandboxes are removed after it. */
  idleMs: number;
  /** `SANDBOX_MAX_EXECUTION_TIMEOUT` in seconds: every run is clamped to it. */
  maxTimeoutSeconds: number;
  /** `SANDBOX_DEFAULT_EXECUTION_TIMEOUT` in seconds. */
  defaultTimeoutSeconds: number;
  /** `SANDBOX_RATE_LIMIT`: requests per minute per API key. */
  rateLimitPerMinute: number;
  /** Largest file accepted or returned, in bytes (default 50 MiB). */
  maxFileBytes?: number;
  /** Folder whose disk space /info reports. */
  dataDir?: string;
  /** Clock of the rate limit and idle sweep (tests). */
  now?: () => Date;
}

export interface SandboxService {
  app: FastifyInstance;
  sessions: Sessions;
  /** Stops the idle sweep, removes every sandbox and closes the HTTP server. */
  close(): Promise<void>;
}

const UserParams = z.object({
  userId: z.string().regex(SAFE_USER_ID, {
    error:
      'Invalid user id: use letters, digits and _ . : @ - (at most 128, starting with a letter or digit).',
  }),
});
const PathQuery = z.object({ path: z.string().min(1, 'path is missing').max(4096) });
const FilesQuery = z.object({ path: z.string().max(4096).optional() });

function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequest(`Invalid ${what}: ${zodMessage(result.error)}`);
  return result.data;
}

class BadRequest extends Error {}

function toResponse(result: ExecResult) {
  return {
    success: result.ok,
    output: result.output,
    error: result.error ?? null,
    exit_code: result.exitCode ?? null,
    execution_time: result.durationMs / 1000,
    timed_out: result.timedOut === true,
    truncated: result.truncated === true,
  };
}

/** SandboxInfo (spec §6.3.2): the session, plus the container id and live usage when the backend has them. */
async function sessionInfo(session: Session, backend: SandboxBackend) {
  const details = await backend.sessionDetails?.(session.userId).catch(() => undefined);
  return {
    user_id: session.userId,
    container_id: details?.containerId ?? null,
    status: 'running',
    created_at: session.createdAt.toISOString(),
    last_used: session.lastUsed.toISOString(),
    execution_count: session.executionCount,
    memory_usage_mb: details?.memoryMb ?? null,
    cpu_percent: details?.cpuPercent ?? null,
  };
}

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export async function createSandboxService(options: SandboxServiceOptions): Promise<SandboxService> {
  if (!options.apiKey) {
    throw new Error('SANDBOX_API_KEY is not set: the sandbox service refuses to run without an API key.');
  }
  const { backend } = options;
  const maxFileBytes = options.maxFileBytes ?? 50 * 1024 * 1024;
  const logger = options.logger.child({ name: 'sandbox-service' });
  const sessions = new Sessions({
    backend,
    maxSessions: options.maxSandboxes,
    idleMs: options.idleMs,
    now: options.now,
    onError: (error, userId) => logger.warn({ err: error, userId }, 'could not remove an idle sandbox'),
  });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: Math.ceil((maxFileBytes * 4) / 3) + 64 * 1024,
    // Long enough for any user id, so the id check (not the router) answers too-long ones.
    routerOptions: { maxParamLength: 512 },
    logController: new LogController({ disableRequestLogging: true }),
  });
  // JSON bodies; an empty body (POST /stop from some clients) is no body rather than an error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (typeof body !== 'string' || body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(new BadRequest('The request body is not valid JSON.'), undefined);
    }
  });
  app.addHook(
    'onRequest',
    apiGuard(
      options.apiKey,
      new RateLimiter(options.rateLimitPerMinute, () => (options.now ? options.now().getTime() : Date.now())),
    ),
  );

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `No such endpoint: ${request.method} ${request.url.split('?')[0]}` });
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof SandboxError) {
      return reply.code(STATUS_OF[error.code]).send({ error: error.message, code: error.code });
    }
    if (error instanceof BadRequest)
      return reply.code(400).send({ error: error.message, code: 'invalid_request' });
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ error: error.message });
    logger.error({ err: error }, 'sandbox request failed');
    return reply.code(500).send({ error: 'Internal server error' });
  });

  const user = (request: FastifyRequest) => parse(UserParams, request.params, 'user id').userId;
  const clamp = (seconds: number | undefined, fallback: number) =>
    Math.min(seconds ?? fallback, options.maxTimeoutSeconds) * 1000;
  /** Aborted when the caller goes away before the answer is sent (the run is then stopped). */
  const signalOf = (reply: FastifyReply) => {
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) controller.abort();
    });
    return controller.signal;
  };

  app.get('/health', async () => {
    const availability = await backend
      .available()
      .catch((error: Error) => ({ ok: false, reason: error.message }));
    return {
      status: availability.ok ? 'healthy' : 'unhealthy',
      docker: availability.ok && backend.kind === 'docker',
      backend: backend.kind === 'process' ? 'bubblewrap' : backend.kind,
      version: options.version,
      ...(availability.ok ? {} : { reason: availability.reason }),
    };
  });

  app.get('/info', async () => {
    const availability = await backend.available().catch(() => ({ ok: false }));
    const disk = await statfs(options.dataDir ?? '.').catch(() => undefined);
    const gb = (blocks: number) =>
      disk ? Math.round(((blocks * disk.bsize) / 1024 ** 3) * 100) / 100 : null;
    return {
      version: options.version,
      available: availability.ok,
      backend: backend.kind === 'process' ? 'bubblewrap' : backend.kind,
      docker_version: (await backend.engineVersion?.().catch(() => null)) ?? null,
      active_sandboxes: sessions.size,
      max_sandboxes: sessions.max,
      max_execution_timeout: options.maxTimeoutSeconds,
      backend_stats: await backend.stats().catch(() => ({})),
      host_info: { disk_free_gb: gb(disk?.bavail ?? 0), disk_total_gb: gb(disk?.blocks ?? 0) },
    };
  });

  /** Acquires the person's session and creates their sandbox now; 503 when that fails (spec §6.3.2). */
  const create = async (userId: string) => {
    const session = sessions.acquire(userId);
    try {
      await backend.prepare?.(userId);
    } catch (error) {
      await sessions.remove(userId).catch(() => undefined);
      const why = error instanceof Error ? error.message : String(error);
      throw new SandboxError('unavailable', `Could not create the sandbox for ${userId}: ${why}`);
    }
    return sessionInfo(session, backend);
  };

  app.post('/sandbox/:userId/create', async (request) => {
    const userId = user(request);
    parse(CreateRequest, request.body ?? undefined, 'body');
    return create(userId);
  });

  app.get('/sandbox/:userId/status', async (request) => {
    const userId = user(request);
    const session = sessions.get(userId);
    if (!session) throw new SandboxError('not_found', `No sandbox is running for ${userId}.`);
    return sessionInfo(session, backend);
  });

  app.post('/sandbox/:userId/stop', async (request) => {
    const existed = await sessions.remove(user(request));
    return { status: existed ? 'stopped' : 'not_found' };
  });

  app.post('/sandbox/:userId/restart', async (request) => {
    const userId = user(request);
    await sessions.remove(userId);
    return create(userId);
  });

  app.delete('/sandbox/:userId', async (request) => {
    const existed = await sessions.remove(user(request));
    return { status: existed ? 'deleted' : 'not_found', files_preserved: true };
  });

  app.post('/sandbox/:userId/execute', async (request, reply) => {
    const userId = user(request);
    const body = parse(ExecuteRequest, request.body, 'body');
    sessions.acquire(userId, true);
    const timeoutMs = clamp(body.timeout, options.defaultTimeoutSeconds);
    return toResponse(await backend.runPython(userId, body.code, { timeoutMs, signal: signalOf(reply) }));
  });

  app.post('/sandbox/:userId/shell', async (request, reply) => {
    const userId = user(request);
    const body = parse(ShellRequest, request.body, 'body');
    sessions.acquire(userId, true);
    const timeoutMs = clamp(body.timeout, 60);
    return toResponse(await backend.runShell(userId, body.command, { timeoutMs, signal: signalOf(reply) }));
  });

  app.post('/sandbox/:userId/pip/install', async (request, reply) => {
    const userId = user(request);
    const body = parse(PipInstallRequest, request.body, 'body');
    sessions.acquire(userId, true);
    const timeoutMs = clamp(body.timeout, 120);
    return toResponse(
      await backend.installPackage(userId, body.package, { timeoutMs, signal: signalOf(reply) }),
    );
  });

  app.get('/sandbox/:userId/pip/list', async (request) => {
    const userId = user(request);
    sessions.acquire(userId);
    const timeoutMs = clamp(30, 30);
    return toResponse(await backend.runShell(userId, 'python3 -m pip list 2>/dev/null', { timeoutMs }));
  });

  app.get('/sandbox/:userId/files', async (request) => {
    const userId = user(request);
    const query = parse(FilesQuery, request.query, 'query');
    sessions.acquire(userId);
    return toResponse(await backend.listFiles(userId, sandboxPath(query.path ?? WORKSPACE)));
  });

  app.get('/sandbox/:userId/file', async (request) => {
    const userId = user(request);
    const { path } = parse(PathQuery, request.query, 'query');
    const where = sandboxPath(path);
    sessions.acquire(userId);
    const bytes = await backend.readFile(userId, where);
    if (bytes.length > maxFileBytes) {
      throw new SandboxError(
        'too_large',
        `${where} is ${bytes.length} bytes; the limit is ${maxFileBytes} bytes.`,
      );
    }
    const text = decodeText(bytes);
    return text === undefined
      ? {
          path: where,
          content: Buffer.from(bytes).toString('base64'),
          encoding: 'base64',
          size: bytes.length,
        }
      : { path: where, content: text, encoding: 'utf-8', size: bytes.length };
  });

  app.post('/sandbox/:userId/file', async (request) => {
    const userId = user(request);
    const body = parse(WriteFileRequest, request.body, 'body');
    const where = sandboxPath(body.path);
    const bytes =
      body.encoding === 'base64' ? Buffer.from(body.content, 'base64') : Buffer.from(body.content, 'utf8');
    if (bytes.length > maxFileBytes) {
      throw new SandboxError(
        'too_large',
        `The file is ${bytes.length} bytes; the limit is ${maxFileBytes} bytes.`,
      );
    }
    sessions.acquire(userId);
    await backend.writeFile(userId, where, bytes);
    return toResponse({ ok: true, output: `Written ${bytes.length} bytes to ${where}`, durationMs: 0 });
  });

  app.delete('/sandbox/:userId/file', async (request) => {
    const userId = user(request);
    const { path } = parse(PathQuery, request.query, 'query');
    const where = sandboxPath(path);
    sessions.acquire(userId);
    if (backend.deleteFile) {
      const deleted = await backend.deleteFile(userId, where);
      return toResponse({
        ok: true,
        output: deleted ? `Deleted ${where}` : `No file at ${where}`,
        durationMs: 0,
      });
    }
    const quoted = `'${where.replaceAll("'", `'\\''`)}'`;
    return toResponse(await backend.runShell(userId, `rm -f -- ${quoted}`, { timeoutMs: 10_000 }));
  });

  app.post('/sandbox/:userId/unzip', async (request, reply) => {
    const userId = user(request);
    const body = parse(UnzipRequest, request.body, 'body');
    const archive = sandboxPath(body.path);
    const destination = body.destination ? sandboxPath(body.destination) : undefined;
    sessions.acquire(userId, true);
    const timeoutMs = clamp(body.timeout, 60);
    return toResponse(
      await backend.unzip(userId, archive, destination, { timeoutMs, signal: signalOf(reply) }),
    );
  });

  sessions.start();
  return {
    app,
    sessions,
    async close() {
      await sessions.close();
      await app.close();
      await backend.close();
    },
  };
}
