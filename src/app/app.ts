/**
 * The composition root: reads one validated Config, builds every service, wires them, and starts/stops them.
 * Nothing else in Clara constructs services.
 */
import type { FastifyInstance } from 'fastify';
import type { WebStatus } from '../adapters/web/index.js';
import { type BackupService, createBackupService } from '../backup/index.js';
import { createClaudeCode, registerClaudeCodeTools } from '../claude-code/index.js';
import type { Config } from '../config/index.js';
import { dataPath, logDir, redactUrl, secretValues, webPort } from '../config/index.js';
import { type MainDatabase, openDatabase } from '../db/index.js';
import { createEmailSetup, type EmailSetup } from '../email/index.js';
import { createTimeFormatter, Engine, loadPersona, type Persona } from '../engine/index.js';
import { InProcessJobQueue, type JobQueue } from '../jobs/index.js';
import { type ClaraLogger, createLogger } from '../observability/index.js';
import {
  createSandbox,
  RemoteBackend,
  registerSandboxTools,
  type SandboxSelector,
} from '../sandbox/index.js';
import { createFileStore, type FileStore } from '../storage/index.js';
import { registerBuiltinTools, ToolRegistry } from '../tools/index.js';
import { buildLlm, type LlmSetup } from './llm.js';
import { buildMcp, type McpSetup } from './mcp.js';
import { buildMemory, type MemorySetup } from './memory.js';
import { packageVersion, SHIPPED_PERSONALITIES } from './paths.js';
import { startWeb, type WebHandle, type WebRoutes } from './web.js';

export interface AppOptions {
  config: Config;
  /** Console destination for logs (default stdout). */
  logDestination?: NodeJS.WritableStream;
  /** Human-readable console logs (default: the destination is a TTY). */
  prettyLogs?: boolean;
  /** Console/file log level override (e.g. `warn` for the terminal chat). */
  logLevel?: string;
  now?: () => Date;
}

export interface App {
  readonly config: Config;
  readonly version: string;
  readonly log: ClaraLogger;
  readonly db: MainDatabase;
  readonly jobs: JobQueue;
  readonly engine: Engine;
  readonly tools: ToolRegistry;
  /** MCP servers: config store and manager (servers start in the background once the app is built). */
  readonly mcp: McpSetup;
  /** Email: monitoring service and watcher (EMAIL_MONITORING_ENABLED), Clara's mailbox tools. */
  readonly email: EmailSetup;
  /** People's saved files: the local folder (CLARA_FILES_DIR) or S3 (S3_ENABLED). */
  readonly files: FileStore;
  /** The code sandbox (SANDBOX_MODE: Docker, the remote sandbox service, or none). */
  readonly sandbox: SandboxSelector;
  /** Database backups (`clara backup`, `/backup`): S3, BACKUP_DIR or DATA_DIR/backups. */
  readonly backups: BackupService;
  /** Long-term memory; undefined when MEMORY_ENABLED=false. */
  readonly memory: MemorySetup | undefined;
  readonly llm: LlmSetup;
  readonly persona: Persona;
  /** A short description of where the data lives (password masked). */
  readonly databaseLabel: string;
  /** Starts the web server (plus routes of other adapters, e.g. the Discord monitor); resolves with its address. */
  startWeb(options?: { routes?: WebRoutes; status?: () => Pick<WebStatus, 'discord'> }): Promise<WebHandle>;
  /** Graceful stop: web, in-flight replies, background jobs, database, logs. Safe to call twice. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const destination = options.logDestination ?? process.stdout;
  const log = createLogger({
    level: options.logLevel ?? config.LOG_LEVEL,
    pretty: options.prettyLogs ?? (destination as { isTTY?: boolean }).isTTY === true,
    logDir: logDir(config),
    secrets: secretValues(config),
    destination,
  });
  const logger = log.logger;
  let db: MainDatabase;
  try {
    db = await openDatabase({
      url: config.DATABASE_URL,
      dataDir: dataPath(config),
      logger: logger.child({ name: 'db' }),
    });
    await db.migrate();
  } catch (error) {
    await log.close();
    throw error;
  }
  log.attachDatabase(db.repos.logEntries);
  const databaseLabel = config.DATABASE_URL
    ? `PostgreSQL ${redactUrl(config.DATABASE_URL)}`
    : `SQLite ${dataPath(config, 'assistant.db')}`;

  const llmLogger = logger.child({ name: 'llm' });
  const llm = buildLlm(config, (call) => {
    if (!call.ok)
      llmLogger.warn({ provider: call.provider, model: call.model, error: call.error }, 'LLM call failed');
  });

  const jobs = new InProcessJobQueue({
    logger: logger.child({ name: 'jobs' }),
    concurrency: config.DISCORD_IO_THREADS,
  });
  const persona = loadPersona({
    file: config.BOT_PERSONALITY_FILE,
    text: config.BOT_PERSONALITY,
    name: config.CLARA_PERSONALITY,
    directories: [dataPath(config, 'personalities'), SHIPPED_PERSONALITIES],
    botName: config.BOT_NAME,
    warn: (message) => logger.warn(message),
  });
  const tools = new ToolRegistry({
    logger: logger.child({ name: 'tools' }),
    recorder: db.repos.toolCalls,
    maxResultChars: config.DISCORD_MAX_TOOL_RESULT_CHARS,
  });
  let memory: MemorySetup | undefined;
  try {
    memory = await buildMemory({ config, db, jobs, logger, chatLlm: llm.llm });
  } catch (error) {
    await db.close();
    await log.close();
    throw error;
  }
  const files = createFileStore(config);
  const backups = createBackupService({ config, db, logger: logger.child({ name: 'backup' }) });
  registerBuiltinTools(tools, {
    files: { store: files },
    chatHistory: {
      conversation: memory?.conversation,
      messages: db.repos.messages,
      botName: config.BOT_NAME,
      timeZone: config.DEFAULT_TIMEZONE,
      ...(options.now ? { now: options.now } : {}),
    },
    systemLogs: {
      logEntries: db.repos.logEntries,
      timeZone: config.DEFAULT_TIMEZONE,
      ...(options.now ? { now: options.now } : {}),
    },
    webSearch: { apiKey: config.TAVILY_API_KEY, baseUrl: config.TAVILY_BASE_URL },
  });
  const sandbox = createSandbox({
    config,
    logger: logger.child({ name: 'sandbox' }),
    remote: (remoteOptions) => new RemoteBackend(remoteOptions),
    guildConfigs: db.repos.guildConfigs,
  });
  const sandboxTools = await registerSandboxTools(tools, {
    sandbox,
    files,
    modeFor: (context) => sandbox.modeFor(context.guildId),
  });
  const claudeCode = createClaudeCode({ config, logger: logger.child({ name: 'claude-code' }) });
  registerClaudeCodeTools(tools, claudeCode);
  const mcp = buildMcp({ config, logger: logger.child({ name: 'mcp' }), version: packageVersion(), tools });
  const email = createEmailSetup({ config, db, logger: logger.child({ name: 'email' }), llm: llm.llm });
  for (const tool of email.tools()) tools.register(tool);
  const shutdown = new AbortController();
  const engine = new Engine({
    repos: db.repos,
    llm: llm.llm,
    notConfiguredMessage: llm.setupHint,
    jobs,
    logger: logger.child({ name: 'engine' }),
    persona,
    time: createTimeFormatter(config.DEFAULT_TIMEZONE),
    tools,
    memory: memory?.slot,
    observers: memory ? [memory.observer, memory.conversationObserver] : [],
    settings: {
      projectName: config.DEFAULT_PROJECT,
      contextMessageCount: config.CONTEXT_MESSAGE_COUNT,
      sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
      summaryInterval: config.SUMMARY_INTERVAL,
      maxToolIterations: config.MAX_TOOL_ITERATIONS,
      maxToolResultChars: config.DISCORD_MAX_TOOL_RESULT_CHARS,
      maxInputChars: config.CLARA_MAX_INPUT_CHARS,
      autoTier: config.AUTO_TIER_SELECTION,
      defaultTier: config.MODEL_TIER,
    },
    now: options.now,
  });

  const version = packageVersion();
  let web: FastifyInstance | undefined;
  let stopping: Promise<void> | undefined;

  const app: App = {
    config,
    version,
    log,
    db,
    jobs,
    engine,
    tools,
    mcp,
    email,
    files,
    backups,
    sandbox,
    memory,
    llm,
    persona,
    databaseLabel,
    async startWeb(webOptions = {}) {
      const handle = await startWeb({
        routes: webOptions.routes,
        status: webOptions.status,
        app,
        host: config.CLARA_WEB_HOST,
        port: webPort(config),
        signal: shutdown.signal,
      });
      web = handle.server;
      return handle;
    },
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        const timeoutMs = stopOptions.timeoutMs ?? 15_000;
        logger.info('Shutting down…');
        await web?.close();
        await engine.drain(timeoutMs);
        await mcp.manager.stop();
        await claudeCode.close();
        sandboxTools.stop();
        await sandbox.close();
        await email.stop();
        files.close?.();
        backups.close();
        shutdown.abort();
        const { pending, running } = jobs.stats();
        if (pending + running > 0) {
          logger.info(
            { pending, running },
            'Finishing background work (memory extraction, summaries) before exit…',
          );
        }
        // Exchanges still inside MEMORY_EXTRACTION_DELAY_SECONDS are extracted now rather than lost with the process.
        await jobs.stop({ timeoutMs, runDelayed: true });
        await memory?.close();
        await log.flush();
        await db.close();
        await log.close();
      })();
      return stopping;
    },
  };
  // MCP servers start in the background (bounded by MCP_START_TIMEOUT_SECONDS each); Clara does not wait for them.
  void mcp.manager.start().catch((error) => logger.warn({ error: String(error) }, 'MCP start failed'));
  void email
    .start()
    .catch((error) => logger.warn({ error: String(error) }, 'Email monitoring failed to start'));
  return app;
}
