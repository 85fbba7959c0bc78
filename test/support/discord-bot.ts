/**
 * A Discord world for adapter tests: the fake Discord (REST + gateway), the fake LLM, the real Clara app and the
 * real Discord adapter (`startDiscord`, discord.js inside) connected to the fake through DISCORD_API_URL.
 */

import type { BotEvent } from '../../src/adapters/discord/index.js';
import { createDiscord, type DiscordHandle } from '../../src/app/discord.js';
import { type Backend, startTestApp, type TestApp } from './app.js';
import { type AddedGuild, type FakeDiscord, Perm, startFakeDiscord } from './fake-discord.js';
import { type FakeLlm, startFakeLlm } from './fake-llm.js';

export interface DiscordWorld {
  fake: FakeDiscord;
  llm: FakeLlm;
  app: TestApp;
  discord: DiscordHandle;
  guild: AddedGuild;
  aliceId: string;
  bobId: string;
  botId: string;
  /** `general` and `random` channel ids. */
  general: string;
  random: string;
  events: BotEvent[];
  close(): Promise<void>;
}

export async function discordEnv(
  fake: FakeDiscord,
  env: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    DISCORD_BOT_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_EDIT_INTERVAL_MS: '250',
    DISCORD_MONITOR_ENABLED: 'false',
    // The rolling session summary's background LLM call would take a scripted reply meant for a turn.
    SUMMARY_INTERVAL: '1000',
    ...env,
  };
}

/** Fixed channel ids, so env allow-lists can name them before the world exists. */
export const CHANNEL_IDS = {
  general: '2000000000000000001',
  random: '2000000000000000002',
  logs: '2000000000000000003',
} as const;

/** discord.js spaces IDENTIFYs 5 s apart; against a local fake there is nothing to protect. */
export const NO_IDENTIFY_WAIT = {
  ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
} as const;

export async function startDiscordWorld(
  options: {
    backend?: Backend;
    env?: Record<string, string>;
    llm?: FakeLlm;
    fake?: FakeDiscord;
    dataDir?: string;
    /** The app's clock (sessions, stored messages); the bot itself keeps real time. */
    now?: () => Date;
  } = {},
): Promise<DiscordWorld> {
  const fake = options.fake ?? (await startFakeDiscord());
  const llm = options.llm ?? (await startFakeLlm({ chunkDelayMs: 1 }));
  const aliceId = fake.addUser({ username: 'alice', globalName: 'Alice' }).id;
  const bobId = fake.addUser({ username: 'bob', globalName: 'Bob' }).id;
  const guild = fake.addGuild({
    name: 'Clara Test',
    roles: [{ name: 'Clara-Admin', permissions: Perm.ManageChannels }],
    channels: [
      { id: CHANNEL_IDS.general, name: 'general' },
      { id: CHANNEL_IDS.random, name: 'random' },
      { id: CHANNEL_IDS.logs, name: 'clara-logs' },
    ],
  });
  fake.addMember(guild.id, aliceId, { roleIds: [guild.roles['Clara-Admin'] as string] });
  fake.addMember(guild.id, bobId);
  const app = await startTestApp({
    backend: options.backend ?? 'sqlite',
    fake: llm,
    dataDir: options.dataDir,
    now: options.now,
    env: await discordEnv(fake, options.env),
  });
  const events: BotEvent[] = [];
  const discord = createDiscord(app, {
    clientOptions: NO_IDENTIFY_WAIT,
    onEvent: (event) => events.push(event),
  });
  await discord.start();
  return {
    fake,
    llm,
    app,
    discord,
    guild,
    aliceId,
    bobId,
    botId: fake.botUser.id,
    general: guild.channels.general as string,
    random: guild.channels.random as string,
    events,
    async close() {
      await discord.stop(2_000);
      await app.stop({ timeoutMs: 2_000 });
      await llm.close();
      await fake.close();
    },
  };
}

/** The text of the last user turn the LLM received (string or the text parts of a content array). */
export function lastUserText(request: {
  body: { messages?: Array<{ role: string; content: unknown }> };
}): string {
  const user = (request.body.messages ?? []).filter((m) => m.role === 'user').at(-1);
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  return (user.content as Array<{ type: string; text?: string }>)
    .filter((p) => p.type === 'text')
    .map((p) => p.text ?? '')
    .join('\n');
}

export function promptText(request: {
  body: { messages?: Array<{ role: string; content: unknown }> };
}): string {
  return (request.body.messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

/** Polls `check` every 20 ms (for state outside the fake Discord, such as LLM requests) until it holds. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
