/**
 * Builds the Discord adapter for an app (`clara start` with DISCORD_BOT_TOKEN): the bot, its monitor (served by the
 * web server under /monitor and /api/monitor), log-channel mirroring, connection health and the email notifier.
 */
import type { ClientOptions } from 'discord.js';
import {
  type BackupCommandsPort,
  type SandboxCommandsPort,
  type SlashCommandDeps,
  SlashCommands,
} from '../adapters/discord/commands/index.js';
import {
  type BotEventListener,
  ConnectionHealth,
  DiscordBot,
  DiscordMonitor,
  DiscordNotifier,
  type DiscordSettings,
  LOG_MIRROR_LOGGER_NAME,
  LogMirror,
  memoryEmbed,
  mirrorBotEvents,
  monitorBotEvents,
  monitorRoutes,
} from '../adapters/discord/index.js';
import type { Config } from '../config/index.js';
import { createLoggingNotifier } from '../email/index.js';
import { ChannelSummaries } from '../engine/index.js';
import type { App } from './app.js';
import { WEB_STATIC_DIR } from './paths.js';
import type { WebRoutes } from './web.js';

export function discordSettings(config: Config, token: string): DiscordSettings {
  return {
    token,
    apiUrl: config.DISCORD_API_URL,
    clientId: config.DISCORD_CLIENT_ID,
    allowedServers: config.DISCORD_ALLOWED_SERVERS,
    allowedChannels: config.DISCORD_ALLOWED_CHANNELS,
    allowedRoles: config.DISCORD_ALLOWED_ROLES,
    adminRole: config.CLARA_ADMIN_ROLE,
    stopPhrases: config.DISCORD_STOP_PHRASES,
    maxChainMessages: config.DISCORD_MAX_MESSAGES,
    maxChars: config.DISCORD_MAX_CHARS,
    maxFileSize: config.DISCORD_MAX_FILE_SIZE,
    historyLimit: config.DISCORD_CHANNEL_HISTORY_LIMIT,
    maxImageDimension: config.DISCORD_MAX_IMAGE_DIMENSION,
    maxImageSize: config.DISCORD_MAX_IMAGE_SIZE,
    maxImagesPerRequest: config.DISCORD_MAX_IMAGES_PER_REQUEST,
    autoContinue: config.DISCORD_AUTO_CONTINUE,
    autoContinueMax: config.DISCORD_AUTO_CONTINUE_MAX,
    logChannelId: config.DISCORD_LOG_CHANNEL_ID,
    rateLimitMessages: config.DISCORD_RATE_LIMIT_MESSAGES,
    rateLimitWindowSeconds: config.DISCORD_RATE_LIMIT_WINDOW_SECONDS,
    editIntervalMs: config.DISCORD_EDIT_INTERVAL_MS,
    recoveryMinutes: config.DISCORD_RECOVERY_MINUTES,
  };
}

/** What the slash commands use: the app's real services (memory under `discord-<id>`, MCP, email, backups). */
export function slashCommandDeps(
  app: App,
  extra: { backup?: BackupCommandsPort; sandbox?: SandboxCommandsPort; now?: () => Date } = {},
): SlashCommandDeps {
  const { config } = app;
  return {
    repos: app.db.repos,
    mcp: {
      manager: app.mcp.manager,
      installer: app.mcp.install.installer,
      smithery: app.mcp.install.smithery,
      oauth: app.mcp.install.oauth,
    },
    memory: app.memory?.engine,
    email: app.email.service,
    backup: extra.backup ?? app.backups,
    sandbox: extra.sandbox ?? {
      status: async (guildId) => app.sandbox.status(await app.sandbox.modeFor(guildId)),
    },
    settings: {
      botName: config.BOT_NAME,
      version: app.version,
      adminRoleName: config.CLARA_ADMIN_ROLE,
      llm: { provider: app.llm.status.provider, ready: app.llm.status.ready },
      defaultTier: config.MODEL_TIER,
      autoTierSelection: config.AUTO_TIER_SELECTION,
      orsEnabled: config.ORS_ENABLED,
      memoryDescription: app.memory?.description,
    },
    logger: app.log.logger.child({ name: 'discord-commands' }),
    ...(extra.now ? { now: extra.now } : {}),
  };
}

export interface DiscordOptions {
  /** Extra discord.js options (tests and benchmarks: no identify throttling). */
  clientOptions?: Partial<ClientOptions>;
  onEvent?: BotEventListener;
}

export interface DiscordHandle {
  bot: DiscordBot;
  monitor: DiscordMonitor;
  /** Monitor routes for the web server (`/monitor`, `/api/monitor…`). */
  webRoutes: WebRoutes;
  /** Connection summary for `/health`. */
  status(): { connected: boolean; guilds: number; latencyMs: number | null };
  /** Logs in; resolves after the first ready. */
  start(): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
}

export function createDiscord(app: App, options: DiscordOptions = {}): DiscordHandle {
  const { config } = app;
  const token = config.DISCORD_BOT_TOKEN;
  if (!token) throw new Error('DISCORD_BOT_TOKEN is not set; the Discord adapter needs a bot token.');
  const settings = discordSettings(config, token);
  const logger = app.log.logger.child({ name: 'discord' });
  const summaries = new ChannelSummaries({
    repos: app.db.repos,
    jobs: app.jobs,
    llm: () => app.llm.llm,
    ageMinutes: config.DISCORD_SUMMARY_AGE_MINUTES,
    botName: app.persona.botName,
  });
  const monitor = new DiscordMonitor();
  const mirror = settings.logChannelId ? buildMirror(app, settings.logChannelId, () => bot) : undefined;
  const unsubscribeLog = mirror ? app.log.subscribe(mirror.handle) : () => {};
  // Memory events as log-channel embeds (spec §1.17), paced with the log lines.
  const unsubscribeMemory =
    mirror && app.memory
      ? app.memory.events.subscribe((event) => mirror.embed(memoryEmbed(event)))
      : () => {};
  const listeners = [
    monitorBotEvents(monitor),
    ...(mirror ? [mirrorBotEvents(mirror, { version: app.version })] : []),
  ];
  if (options.onEvent) listeners.push(options.onEvent);
  const commands = new SlashCommands(slashCommandDeps(app));
  const bot: DiscordBot = new DiscordBot({
    settings,
    engine: app.engine,
    repos: app.db.repos,
    logger,
    summaries,
    commands,
    saveAttachment: async (owner, name, bytes) => {
      await app.files.save(owner, name, Buffer.from(bytes));
    },
    onEvent: (event) => {
      for (const listener of listeners) listener(event);
    },
    clientOptions: options.clientOptions,
  });
  monitor.setQueueStats(() => bot.queueStats());
  const health = new ConnectionHealth({
    readLatency: () => bot.client.ws.ping,
    isReady: () => bot.client.isReady(),
    logger,
    monitor,
  });
  return {
    bot,
    monitor,
    webRoutes: [monitorRoutes(monitor, { version: app.version, staticDir: WEB_STATIC_DIR })],
    status() {
      const ready = bot.client.isReady();
      const ping = bot.client.ws.ping;
      return {
        connected: ready,
        guilds: bot.client.guilds.cache.size,
        latencyMs: ready && ping >= 0 ? ping : null,
      };
    },
    async start() {
      await bot.start();
      health.start();
      app.email.useNotifier(new DiscordNotifier(bot.client, createLoggingNotifier(logger)));
    },
    async stop(timeoutMs = 15_000) {
      health.stop();
      mirror?.lifecycle({ kind: 'shutting-down' });
      await bot.stopAccepting(timeoutMs);
      unsubscribeMemory();
      await mirror?.close({ timeoutMs: 5_000 });
      unsubscribeLog();
      commands.close();
      await bot.disconnect();
    },
  };
}

function buildMirror(app: App, channelId: string, bot: () => DiscordBot): LogMirror {
  return new LogMirror({
    level: app.config.LOG_LEVEL,
    timeZone: app.config.DEFAULT_TIMEZONE,
    botName: app.persona.botName,
    startPaused: true,
    logger: app.log.logger.child({ name: LOG_MIRROR_LOGGER_NAME }),
    send: async (content) => {
      const channel = await bot().client.channels.fetch(channelId);
      if (!channel?.isSendable())
        throw new Error(`DISCORD_LOG_CHANNEL_ID ${channelId} is not a text channel Clara can post in`);
      await channel.send({ content, allowedMentions: { parse: [] } });
    },
    sendEmbeds: async (embeds) => {
      const channel = await bot().client.channels.fetch(channelId);
      if (!channel?.isSendable())
        throw new Error(`DISCORD_LOG_CHANNEL_ID ${channelId} is not a text channel Clara can post in`);
      await channel.send({ embeds, allowedMentions: { parse: [] } });
    },
  });
}
