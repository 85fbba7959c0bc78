/** `clara start`: the main process — web server, background jobs and, with DISCORD_BOT_TOKEN, the Discord bot. */

import { createDiscord, type DiscordHandle } from '../app/discord.js';
import { buildApp } from '../app/index.js';
import type { Config } from '../config/index.js';

export async function runStart(config: Config): Promise<number> {
  const app = await buildApp({ config });
  const logger = app.log.logger;
  app.jobs.start();
  let stopping = false;
  let discord: DiscordHandle | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping Clara (replies in progress get up to 15 s to finish)…');
    await discord?.stop(15_000).catch((error) => logger.warn({ err: error }, 'Discord did not stop cleanly'));
    await app.stop({ timeoutMs: 15_000 });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  // Built first (its monitor routes go to the web server), connected after the web server is up.
  if (config.DISCORD_BOT_TOKEN) discord = createDiscord(app);
  const connectDiscord = async (): Promise<boolean> => {
    if (!discord) return true;
    try {
      await discord.start();
      return true;
    } catch (error) {
      logger.error({ err: error }, `Could not connect to Discord: ${(error as Error).message}`);
      await discord.stop(1_000).catch(() => undefined);
      await app.stop({ timeoutMs: 5_000 });
      return false;
    }
  };
  if (!config.DISCORD_MONITOR_ENABLED) {
    logger.info('The web server is off (DISCORD_MONITOR_ENABLED=false); Clara runs background work only.');
    if (!(await connectDiscord())) return 1;
    return new Promise<number>(() => {});
  }
  const web = await app.startWeb({
    routes: discord?.webRoutes,
    status: discord ? () => ({ discord: discord?.status() }) : undefined,
  });
  if (!(await connectDiscord())) return 1;
  logger.info(
    {
      database: app.databaseLabel,
      llm: app.llm.llm?.primary ?? 'not configured',
      persona: app.persona.source,
    },
    `Clara ${app.version} is running — open ${web.url} to chat`,
  );
  if (!app.llm.llm) logger.warn(app.llm.setupHint);
  process.stdout.write(`\n  Chat with ${app.persona.botName}: ${web.url}\n\n`);
  return new Promise<number>(() => {});
}
