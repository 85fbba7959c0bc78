/**
 * Failures in the middle of answering, end to end: Discord refusing the channel-history fetch (403 Missing Access,
 * injected into the fake Discord) and the LLM failing. The person always gets a short answer, and the log line
 * names the message, the person and the channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordWorld, startDiscordWorld, waitUntil } from '../support/discord-bot.js';

type LogLine = Record<string, unknown> & { msg?: string; err?: { message?: string } };

function logLines(w: DiscordWorld): LogLine[] {
  return w.app
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);
}

describe('Discord failures mid-reply', () => {
  let w: DiscordWorld;

  beforeAll(async () => {
    w = await startDiscordWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('answers with a short apology naming the missing permission when the history fetch is refused', async () => {
    w.fake.failRoute({
      method: 'GET',
      route: '/channels/:channel/messages',
      params: { channel: w.general },
      status: 403,
      code: 50001,
      message: 'Missing Access',
    });
    const asked = w.fake.userSays(w.general, w.aliceId, 'what were we talking about?', { mentionsBot: true });
    const notice = await w.fake.waitForMessage(w.general, (m) => m.replyToId === asked);
    expect(notice.content).toMatch(/^-# ⚠️ Sorry, I ran into an error/);
    expect(notice.content).toContain('Missing Access');
    expect(notice.content).toContain('Read Message History');
    expect(w.llm.chatRequests()).toHaveLength(0);
    expect(w.fake.requests.some((r) => r.route === '/channels/:channel/messages' && r.status === 403)).toBe(
      true,
    );

    const line = logLines(w).find((l) => l.msg === 'could not answer a Discord message');
    expect(line).toMatchObject({
      level: 50,
      messageId: asked,
      userId: w.aliceId,
      channelId: w.general,
      guildId: w.guild.id,
    });
    expect(line?.err?.message).toContain('Missing Access');

    // Once the permission is back, the channel works again.
    w.fake.clearFaults();
    w.llm.script('Back on track.');
    w.fake.userSays(w.general, w.aliceId, 'and now?', { mentionsBot: true });
    await w.fake.waitForMessage(w.general, (m) => m.content === 'Back on track.');
  });

  it('tells the person when the LLM fails, and logs which message it was', async () => {
    w.llm.script({ status: 500, message: 'upstream exploded' });
    const dm = w.fake.dmChannel(w.bobId);
    const asked = w.fake.userSays(dm, w.bobId, 'are you there?');
    const reply = await w.fake.waitForMessage(dm, (m) => m.replyToId === asked);
    expect(reply.content).toMatch(/^⚠️ The language model .* is unavailable right now/);
    const ended = (l: LogLine) => l.msg === 'a Discord reply ended with an error';
    // The line is written once the reply is complete, just after the message above.
    await waitUntil('the log line', () => logLines(w).some(ended));
    const line = logLines(w).find(ended);
    expect(line).toMatchObject({
      messageId: asked,
      userId: w.bobId,
      channelId: dm,
      code: 'llm_unavailable',
    });
    expect(String(line?.error)).toContain('unavailable');
  });
});
