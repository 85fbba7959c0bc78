/**
 * The per-channel queue and the intake gates, end to end with the fake Discord: active-mode batching with ⏳
 * reactions, stop phrases, channel modes, allow-lists, other bots, and the per-person rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNEL_IDS,
  type DiscordWorld,
  lastUserText,
  startDiscordWorld,
  waitUntil,
} from '../support/discord-bot.js';

describe('Discord queue and stop phrases', () => {
  let w: DiscordWorld;

  beforeAll(async () => {
    w = await startDiscordWorld();
    await w.app.db.repos.channelConfigs.set({
      channelId: w.general,
      guildId: w.guild.id,
      mode: 'active',
      configuredBy: w.aliceId,
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('batches the messages that arrived while busy into one request', async () => {
    w.llm.script({ text: 'First answer.', delayMs: 3_000 }, 'Batch answer.');
    w.fake.userSays(w.general, w.aliceId, 'one');
    await waitUntil('the first LLM call', () => w.llm.chatRequests().length === 1);
    const two = w.fake.userSays(w.general, w.bobId, 'two');
    const three = w.fake.userSays(w.general, w.aliceId, 'three');
    await w.fake.waitFor('⏳ on both queued messages', () =>
      [two, three].every((id) => w.fake.message(id)?.reactions.get('⏳')?.has(w.botId)),
    );
    await w.fake.waitForMessage(w.general, (m) => m.content === 'Batch answer.');
    expect(w.fake.messages(w.general).some((m) => /📨 catching up on 2 messages/.test(m.content))).toBe(true);
    const batch = lastUserText(w.llm.chatRequests()[1]!);
    expect(batch).toContain('[Bob]: two');
    expect(batch).toContain('[Alice]: three');
    expect(batch).not.toContain('[Alice]: [');
    // discord.js spaces reaction requests on one route (Discord's hidden reaction limit), so allow it time.
    await w.fake.waitFor(
      '⏳ removed',
      () => [two, three].every((id) => !w.fake.message(id)?.reactions.get('⏳')?.has(w.botId)),
      20_000,
    );
    expect(w.llm.chatRequests()).toHaveLength(2);
  });

  it('tells a DM that waits its queue position and when it starts; a stop phrase with nothing running says so', async () => {
    w.llm.reset();
    w.llm.script({ text: 'Slow answer.', delayMs: 1_000 }, 'Second answer.', 'Third answer.');
    const dm = w.fake.dmChannel(w.aliceId);
    w.fake.userSays(dm, w.aliceId, 'first question');
    await waitUntil('the first LLM call', () => w.llm.chatRequests().length === 1);
    const second = w.fake.userSays(dm, w.aliceId, 'second question');
    const third = w.fake.userSays(dm, w.aliceId, 'third question');
    const notice = (id: string, pattern: RegExp) =>
      w.fake.waitForMessage(dm, (m) => m.replyToId === id && pattern.test(m.content));
    expect((await notice(second, /queued/)).content).toBe('-# ⏳ busy, your request is queued (position 1)');
    expect((await notice(third, /queued/)).content).toBe('-# ⏳ busy, your request is queued (position 2)');
    // DMs are never batched: each queued request starts on its own, with its own notice.
    expect((await notice(second, /▶️/)).content).toMatch(/^-# ▶️ starting your queued request \(waited \ds\)$/);
    expect((await notice(third, /▶️/)).content).toMatch(/^-# ▶️ starting your queued request \(waited \ds\)$/);
    await w.fake.waitForMessage(dm, (m) => m.content === 'Third answer.');
    const order = w.fake
      .messages(dm)
      .filter((m) => m.authorId === w.botId)
      .map((m) => m.content.replace(/\(waited \ds\)/, '(waited Ns)'));
    expect(order.slice(-4)).toEqual([
      '-# ▶️ starting your queued request (waited Ns)',
      'Second answer.',
      '-# ▶️ starting your queued request (waited Ns)',
      'Third answer.',
    ]);
    expect(w.llm.chatRequests()).toHaveLength(3);

    // The last task ends just after its text shows (the exchange is stored first).
    await waitUntil('an idle queue', () => w.discord.bot.queueStats().activeTasks === 0);
    const stop = w.fake.userSays(dm, w.aliceId, 'nevermind');
    expect((await w.fake.waitForMessage(dm, (m) => m.replyToId === stop)).content).toBe(
      '-# nothing was running',
    );
    expect(w.llm.chatRequests()).toHaveLength(3);
  });

  it('a stop phrase cancels the running reply, and the channel works again afterwards', async () => {
    w.llm.reset();
    w.llm.script({ hang: true }, 'Back again.');
    w.fake.userSays(w.general, w.aliceId, 'think about this forever');
    await waitUntil('the hanging LLM call', () => w.llm.chatRequests().length === 1);
    const stop = w.fake.userSays(w.general, w.bobId, 'Never Mind');
    const notice = await w.fake.waitForMessage(w.general, (m) => m.replyToId === stop);
    expect(notice.content).toContain('🛑 stopping');
    w.fake.userSays(w.general, w.aliceId, 'hello again');
    await w.fake.waitForMessage(w.general, (m) => m.content === 'Back again.');
  });

  it('ignores channels whose mode is off and messages from other bots', async () => {
    await w.app.db.repos.channelConfigs.set({
      channelId: w.random,
      guildId: w.guild.id,
      mode: 'off',
      configuredBy: w.aliceId,
    });
    const helper = w.fake.addUser({ username: 'otherbot', bot: true }).id;
    w.fake.addMember(w.guild.id, helper);
    w.llm.reset();
    w.llm.script('Only this one.');
    w.fake.userSays(w.random, w.aliceId, 'are you there?', { mentionsBot: true });
    w.fake.userSays(w.general, helper, 'hey Clara, bots talking', { mentionsBot: true });
    w.fake.userSays(w.general, w.aliceId, 'this one counts', { mentionsBot: true });
    await w.fake.waitForMessage(w.general, (m) => m.content === 'Only this one.');
    expect(w.llm.chatRequests()).toHaveLength(1);
    expect(lastUserText(w.llm.chatRequests()[0]!)).toBe('[Alice]: this one counts');
    expect(w.fake.messages(w.random).filter((m) => m.authorId === w.botId)).toEqual([]);
  });
});

describe('Discord allow-lists and rate limit', () => {
  let w: DiscordWorld;

  beforeAll(async () => {
    w = await startDiscordWorld({
      env: {
        DISCORD_ALLOWED_CHANNELS: CHANNEL_IDS.random,
        DISCORD_RATE_LIMIT_MESSAGES: '2',
        DISCORD_RATE_LIMIT_WINDOW_SECONDS: '3600',
      },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('stays silent in a channel that is not allow-listed', async () => {
    w.llm.script('Allowed here.');
    w.fake.userSays(w.general, w.aliceId, 'hello from general', { mentionsBot: true });
    w.fake.userSays(w.random, w.aliceId, 'hello from random', { mentionsBot: true });
    await w.fake.waitForMessage(w.random, (m) => m.content === 'Allowed here.');
    expect(w.fake.messages(w.general).filter((m) => m.authorId === w.botId)).toEqual([]);
    expect(w.llm.chatRequests()).toHaveLength(1);
  });

  it('tells a person once when they exceed the rate limit, and does not call the model', async () => {
    w.llm.script('Second.');
    w.fake.userSays(w.random, w.aliceId, 'two', { mentionsBot: true });
    await w.fake.waitForMessage(w.random, (m) => m.content === 'Second.');
    const third = w.fake.userSays(w.random, w.aliceId, 'three', { mentionsBot: true });
    const notice = await w.fake.waitForMessage(w.random, (m) => m.replyToId === third);
    expect(notice.content).toMatch(/faster than I can answer/);
    const fourth = w.fake.userSays(w.random, w.aliceId, 'four', { mentionsBot: true });
    // Bob is not limited; his answer is the barrier that shows the fourth message was handled (silently).
    w.llm.script('Hi Bob.');
    w.fake.userSays(w.random, w.bobId, 'hi', { mentionsBot: true });
    await w.fake.waitForMessage(w.random, (m) => m.content === 'Hi Bob.');
    expect(w.fake.messages(w.random).filter((m) => m.replyToId === fourth)).toEqual([]);
    expect(w.llm.chatRequests()).toHaveLength(3);
  });
});
