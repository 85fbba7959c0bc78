/**
 * Discord reply latency: the real Discord adapter (discord.js inside Clara) against the fake Discord, with a fake
 * LLM that streams every reply at a fixed rate (40 chunks, 25 ms apart ≈ 1 s). For 1 and 20 busy channels it
 * prints the time from MESSAGE_CREATE (the fake dispatching the person's message) to the first visible reply text,
 * and how many edits per second Discord receives (per reply and in total).
 *
 *   npm run bench:discord
 *   npm run bench:discord -- --channels 1 --channels 50 --rounds 5 --edit-interval 1000
 *
 * Everything runs in one process on this machine, so the fake Discord's own CPU time counts against Clara.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createDiscord } from '../src/app/discord.js';
import { buildApp } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { NO_IDENTIFY_WAIT } from '../test/support/discord-bot.js';
import { startFakeDiscord } from '../test/support/fake-discord.js';
import { startFakeLlm } from '../test/support/fake-llm.js';

const { values } = parseArgs({
  options: {
    channels: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '5' },
    'edit-interval': { type: 'string', default: '1000' },
  },
});
const channelCounts = (values.channels ?? ['1', '20']).map(Number);
const rounds = Number(values.rounds);
const CHUNKS = 40;
const CHUNK_DELAY_MS = 25;
const REPLY = 'Streaming reply word '.repeat(30).trim();

/** The reply itself, not a silent notice (⏳ queued) that also replies to the message. */
const isReplyText = (asked: string) => (m: { replyToId: string | null; content: string; flags: number }) =>
  m.replyToId === asked && m.content.length > 0 && (m.flags & 4096) === 0;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

async function run(channelCount: number) {
  const fake = await startFakeDiscord();
  const llm = await startFakeLlm({ chunkDelayMs: CHUNK_DELAY_MS });
  const guild = fake.addGuild({
    name: 'Bench',
    channels: Array.from({ length: channelCount }, (_, i) => ({ name: `c${i}` })),
  });
  const users = Array.from({ length: channelCount }, (_, i) => {
    const id = fake.addUser({ username: `user${i}` }).id;
    fake.addMember(guild.id, id);
    return id;
  });
  const config = loadConfig({
    envFile: false,
    env: {
      DATA_DIR: await mkdtemp(join(tmpdir(), 'clara-bench-discord-')),
      CLARA_LOG_DIR: 'off',
      LOG_LEVEL: 'warn',
      LLM_PROVIDER: 'openai',
      CUSTOM_OPENAI_BASE_URL: llm.openaiBaseUrl,
      CUSTOM_OPENAI_API_KEY: 'bench',
      LLM_MAX_RETRIES: '0',
      MEMORY_ENABLED: 'false',
      DISCORD_BOT_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_EDIT_INTERVAL_MS: values['edit-interval'],
      DISCORD_RATE_LIMIT_MESSAGES: '0',
      DISCORD_CHANNEL_HISTORY_LIMIT: '20',
    },
  });
  const app = await buildApp({ config, logDestination: new Writable({ write: (_c, _e, done) => done() }) });
  app.jobs.start();
  const discord = createDiscord(app, { clientOptions: NO_IDENTIFY_WAIT });
  await discord.start();
  const channels = Object.values(guild.channels);
  const firstVisible: number[] = [];
  const editRates: number[] = [];
  let edits = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    llm.script(...channels.map(() => ({ text: REPLY, chunks: CHUNKS, chunkDelayMs: CHUNK_DELAY_MS })));
    await Promise.all(
      channels.map(async (channel, i) => {
        const sentAt = performance.now();
        const asked = fake.userSays(channel, users[i] as string, `question ${round}`, { mentionsBot: true });
        const reply = await fake.waitForMessage(channel, isReplyText(asked), 60_000);
        const visibleAt = performance.now();
        firstVisible.push(visibleAt - sentAt);
        await fake
          .waitFor('the full reply', () => fake.message(reply.id)?.content === REPLY, 5_000)
          .catch((e) => {
            console.log(JSON.stringify(fake.message(reply.id)?.content), fake.edits(reply.id).length);
            throw e;
          });
        const done = performance.now();
        const count = fake.edits(reply.id).length - 1;
        edits += count;
        editRates.push(count / ((done - visibleAt) / 1000));
      }),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  await discord.stop(2_000);
  await app.stop({ timeoutMs: 2_000 });
  await llm.close();
  await fake.close();
  const sorted = firstVisible.sort((a, b) => a - b);
  const rates = editRates.sort((a, b) => a - b);
  console.log(
    `${String(channelCount).padStart(3)} busy channel(s), ${sorted.length} replies: ` +
      `first visible p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms · ` +
      `edits/s per reply p50 ${percentile(rates, 0.5).toFixed(2)} (max ${rates.at(-1)?.toFixed(2)}) · ` +
      `all edits ${(edits / elapsed).toFixed(1)}/s`,
  );
}

console.log(
  `Discord reply latency — fake LLM streams ${CHUNKS} chunks ${CHUNK_DELAY_MS} ms apart; edit interval ${values['edit-interval']} ms`,
);
for (const count of channelCounts) await run(count);
process.exit(0);
