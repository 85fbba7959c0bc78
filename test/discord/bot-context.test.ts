/**
 * What a server message brings into the prompt besides its own text, end to end with the fake Discord and the fake
 * LLM: the reply chain (messages Clara never saw or answered, walked up to DISCORD_MAX_MESSAGES), the channel
 * history (the last DISCORD_CHANNEL_HISTORY_LIMIT messages) and the rolling channel summary of the messages older
 * than DISCORD_SUMMARY_AGE_MINUTES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordWorld, promptText, startDiscordWorld, waitUntil } from '../support/discord-bot.js';
import type { RecordedRequest } from '../support/fake-llm.js';

const isSummaryRequest = (request: RecordedRequest) =>
  String(request.body.messages?.[0]?.content ?? '').includes('Summarize this Discord conversation');

describe('Discord context: reply chain, channel history, channel summary', () => {
  let w: DiscordWorld;
  const replyRequests = () => w.llm.chatRequests().filter((r) => !isSummaryRequest(r));

  beforeAll(async () => {
    w = await startDiscordWorld({
      env: {
        DISCORD_CHANNEL_HISTORY_LIMIT: '3',
        DISCORD_MAX_MESSAGES: '2',
        DISCORD_SUMMARY_AGE_MINUTES: '30',
      },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('walks the reply chain to a message outside the history window that Clara never answered', async () => {
    // Mention mode (the default): Bob's messages are not addressed to Clara, so she never answers or stores them.
    const top = w.fake.userSays(w.general, w.bobId, 'zebras are striped, by the way');
    const booked = w.fake.userSays(w.general, w.bobId, 'I booked a table at Luigi’s for Friday at 8', {
      replyTo: top,
    });
    for (let i = 1; i <= 4; i++) w.fake.userSays(w.general, w.bobId, `unrelated chatter ${i}`);
    w.llm.script('Luigi’s is lovely.');
    w.fake.userSays(w.general, w.aliceId, 'is that place any good?', { mentionsBot: true, replyTo: booked });
    await w.fake.waitForMessage(w.general, (m) => m.content === 'Luigi’s is lovely.');
    const prompt = promptText(replyRequests().at(-1)!);
    // Four messages lie between: only the reply chain can bring Bob's booking in.
    expect(prompt).toContain('[Bob]: I booked a table at Luigi’s for Friday at 8');
    // DISCORD_MAX_MESSAGES=2: the anchor and one message up the chain.
    expect(prompt).not.toContain('zebras are striped');
    // DISCORD_CHANNEL_HISTORY_LIMIT=3: the last three channel messages, not the fourth.
    expect(prompt).toContain('[Bob]: unrelated chatter 4');
    expect(prompt).toContain('[Bob]: unrelated chatter 2');
    expect(prompt).not.toContain('unrelated chatter 1');
  });

  it('brings other people’s earlier channel messages into the prompt', async () => {
    w.fake.userSays(w.random, w.bobId, 'the standup moved to 3pm today');
    w.llm.script('It is at 3pm.');
    w.fake.userSays(w.random, w.aliceId, 'when is the standup?', { mentionsBot: true });
    await w.fake.waitForMessage(w.random, (m) => m.content === 'It is at 3pm.');
    const request = replyRequests().at(-1)!;
    expect(promptText(request)).toContain('[Bob]: the standup moved to 3pm today');
    // The history comes before the current message, as its own turn.
    const user = request.body.messages.filter((m: { role: string }) => m.role === 'user');
    expect(user.at(-1).content).toBe('[Alice]: when is the standup?');
  });

  it('folds messages older than DISCORD_SUMMARY_AGE_MINUTES into the channel summary used in the prompt', async () => {
    const planning = w.fake.addChannel(w.guild.id, { name: 'planning' });
    const hour = 3_600_000;
    const now = Date.now();
    // Sent two hours ago, before Clara connected: only a history fetch sees them.
    w.fake.userSays(planning, w.bobId, 'we agreed on the blue logo', { at: now - 2 * hour });
    w.fake.userSays(planning, w.aliceId, 'and the launch is on the 14th', { at: now - 2 * hour + 60_000 });
    w.fake.userSays(planning, w.bobId, 'I will order the stickers');
    const summary = 'Earlier, Bob and Alice agreed on the blue logo and a launch on the 14th.';
    // The summary job runs beside the reply; whichever asks first gets the matching answer.
    const answer = (text: string) => (request: RecordedRequest) =>
      isSummaryRequest(request) ? summary : text;
    w.llm.script(answer('First.'), answer('First.'));
    w.fake.userSays(planning, w.aliceId, 'what did we decide?', { mentionsBot: true });
    await w.fake.waitForMessage(planning, (m) => m.content === 'First.');
    const first = promptText(replyRequests().at(-1)!);
    expect(first).toContain('[Bob]: I will order the stickers');
    expect(first).not.toContain('we agreed on the blue logo');

    await waitUntil('the summary request', () => w.llm.chatRequests().some(isSummaryRequest));
    const input = promptText(w.llm.chatRequests().find(isSummaryRequest)!);
    expect(input).toContain('Bob: we agreed on the blue logo');
    expect(input).toContain('Alice: and the launch is on the 14th');
    expect(input).not.toContain('stickers');
    const key = `discord-channel-${planning}`;
    let stored: string | undefined;
    await waitUntil('the stored summary', () => {
      void w.app.db.repos.channelSummaries.get(key).then((row) => {
        stored = row?.summary;
      });
      return stored === summary;
    });

    w.llm.script('It was blue.');
    w.fake.userSays(planning, w.aliceId, 'remind me of the logo colour', { mentionsBot: true });
    await w.fake.waitForMessage(planning, (m) => m.content === 'It was blue.');
    const second = promptText(replyRequests().at(-1)!);
    expect(second).toContain(`Earlier channel context (summarized):\n${summary}`);
    expect(second).not.toContain('we agreed on the blue logo');
    // Nothing new got old: no second summary call.
    expect(w.llm.chatRequests().filter(isSummaryRequest)).toHaveLength(1);
  });
});
