/**
 * Reliability of the Discord adapter: a gateway reconnect never starts one-time work twice and never answers a
 * replayed message twice; a `clara start` killed mid-reply answers the stored message after the restart, in the
 * same reply message (no second answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLlmEnv } from '../support/app.js';
import { spawnClara } from '../support/cli.js';
import { freshSqliteDir } from '../support/databases.js';
import { type DiscordWorld, discordEnv, startDiscordWorld, waitUntil } from '../support/discord-bot.js';
import { type FakeDiscord, startFakeDiscord } from '../support/fake-discord.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';

describe('Discord reconnects', () => {
  let w: DiscordWorld;

  beforeAll(async () => {
    w = await startDiscordWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('re-identifies after a non-resumable drop without running first-ready work again', async () => {
    w.fake.dropConnection({ resumable: false });
    await w.fake.waitForIdentify(2);
    w.fake.dropConnection();
    await w.fake.waitForResume(1);
    w.llm.script('Still here.');
    const asked = w.fake.userSays(w.general, w.aliceId, 'are you back?', { mentionsBot: true });
    await w.fake.waitForMessage(w.general, (m) => m.replyToId === asked && m.content === 'Still here.');
    expect(w.events.filter((e) => e.type === 'ready')).toHaveLength(1);
    expect(w.events.filter((e) => e.type === 'connection').length).toBeGreaterThanOrEqual(2);
    expect(w.llm.chatRequests()).toHaveLength(1);
  });

  it('answers a message once even when the gateway replays it after a resume', async () => {
    w.llm.reset();
    w.llm.script('Answered once.', 'Second message answered.');
    w.fake.dropConnection();
    // Sent while the connection is down: delivered by the replay on RESUME.
    const asked = w.fake.userSays(w.general, w.aliceId, 'replayed question', { mentionsBot: true });
    await w.fake.waitForResume(2);
    await w.fake.waitForMessage(w.general, (m) => m.replyToId === asked && m.content === 'Answered once.');
    // Drop again: a second resume must not deliver the old message as new work.
    w.fake.dropConnection();
    await w.fake.waitForResume(3);
    const next = w.fake.userSays(w.general, w.aliceId, 'next one', { mentionsBot: true });
    await w.fake.waitForMessage(w.general, (m) => m.replyToId === next);
    expect(
      w.fake.messages(w.general).filter((m) => m.replyToId === asked && m.authorId === w.botId),
    ).toHaveLength(1);
    expect(w.llm.chatRequests()).toHaveLength(2);
  });
});

describe('Discord restart mid-reply', () => {
  let fake: FakeDiscord;
  let llm: FakeLlm;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    llm = await startFakeLlm({ chunkDelayMs: 1 });
  });
  afterAll(async () => {
    await llm?.close();
    await fake?.close();
  });

  it('answers the stored message after a crash, editing the cut reply instead of answering twice', async () => {
    const alice = fake.addUser({ username: 'alice', globalName: 'Alice' }).id;
    const guild = fake.addGuild({ name: 'Crash Test', channels: [{ name: 'general' }] });
    fake.addMember(guild.id, alice);
    const channel = guild.channels.general as string;
    const env = {
      ...fakeLlmEnv(llm),
      ...(await discordEnv(fake)),
      DATA_DIR: await freshSqliteDir('clara-discord-crash-'),
      LOG_LEVEL: 'info',
      LLM_TIMEOUT_SECONDS: '60',
    };
    const partial = 'This answer was cut off by a crash ';
    llm.script({ text: `${partial}${'and would go on and on. '.repeat(20)}`, chunks: 40, chunkDelayMs: 250 });
    const first = spawnClara(['start'], { env });
    await first.waitFor(/Connected to Discord/, 60_000);
    const asked = fake.userSays(channel, alice, 'tell me a long story', { mentionsBot: true });
    const cut = await fake.waitForMessage(
      channel,
      (m) => m.replyToId === asked && m.content.length > 0,
      20_000,
    );
    await first.stop('SIGKILL');
    expect(fake.message(cut.id)?.content.length).toBeLessThan(partial.length + 24 * 20);

    llm.script('The complete answer, after the restart.');
    const second = spawnClara(['start'], { env });
    await fake.waitFor(
      'the cut reply edited into the full answer',
      () => fake.message(cut.id)?.content === 'The complete answer, after the restart.',
      60_000,
    );
    const replies = fake
      .messages(channel)
      .filter((m) => m.replyToId === asked && m.authorId === fake.botUser.id);
    expect(replies.map((m) => m.id)).toEqual([cut.id]);
    await waitUntil('both LLM calls', () => llm.chatRequests().length === 2);
    // The restarted Clara answered the stored message itself: the question appears once in its prompt.
    const prompt = JSON.stringify(llm.chatRequests()[1]?.body.messages);
    expect(prompt.match(/tell me a long story/g)).toHaveLength(1);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 120_000);

  it('exits with a clear message when the bot token is refused', async () => {
    const env = {
      ...fakeLlmEnv(llm),
      ...(await discordEnv(fake)),
      DISCORD_BOT_TOKEN: 'not-the-right-token',
      DATA_DIR: await freshSqliteDir('clara-discord-token-'),
      PORT: '0',
    };
    const run = spawnClara(['start'], { env });
    await run.waitFor(/Could not connect to Discord: .*token/i, 60_000);
    expect(await run.exited).toBe(1);
    expect(run.output()).not.toContain('not-the-right-token');
  }, 90_000);
});
