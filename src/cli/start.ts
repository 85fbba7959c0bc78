/** `clara start`: the main process — web server, background jobs, and (once that capability lands) Discord. */
import { buildApp } from '../app/index.js';
import type { Config } from '../config/index.js';

export async function runStart(config: Config): Promise<number> {
  const app = await buildApp({ config });
  const logger = app.log.logger;
  app.jobs.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping Clara (replies in progress get up to 15 s to finish)…');
    await app.stop({ timeoutMs: 15_000 });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  if (config.DISCORD_BOT_TOKEN) {
    logger.warn(
      'DISCORD_BOT_TOKEN is set, but this build of Clara does not include the Discord adapter yet; only the web page and `clara chat` are available.',
    );
  }
  if (!config.DISCORD_MONITOR_ENABLED) {
    logger.info('The web server is off (DISCORD_MONITOR_ENABLED=false); Clara runs background work only.');
    return new Promise<number>(() => {});
  }
  const web = await app.startWeb();
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
