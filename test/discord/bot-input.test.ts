/**
 * Bad input end to end (issue "Bad input"): attachments Clara cannot use get a short line to the person (not only a
 * note to the model), a bare mention gets a clear answer, and an empty unaddressed message is ignored on purpose.
 * Unknown slash commands and missing permissions are covered in commands/slash-commands.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordWorld, lastUserText, startDiscordWorld } from '../support/discord-bot.js';

describe('Discord bad input', () => {
  let w: DiscordWorld;

  beforeAll(async () => {
    w = await startDiscordWorld({ env: { DISCORD_MAX_FILE_SIZE: '1000' } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('tells the person which attachments it could not read, and still answers with the rest', async () => {
    w.llm.script('I read your notes.');
    const asked = w.fake.userSays(w.general, w.aliceId, 'have a look at these', {
      mentionsBot: true,
      attachments: [
        { name: 'report.pdf', data: Buffer.from('%PDF-1.4 not really'), contentType: 'application/pdf' },
        { name: 'big.log', data: 'x'.repeat(5000), contentType: 'text/plain' },
        { name: 'notes.txt', data: 'buy milk', contentType: 'text/plain' },
      ],
    });
    const notice = await w.fake.waitForMessage(
      w.general,
      (m) => m.replyToId === asked && m.content.includes('📎'),
    );
    expect(notice.content.split('\n')).toEqual([
      '-# 📎 report.pdf: I can only read text files and images, so I didn’t read this one. It is saved, so my file tools can still open it.',
      '-# 📎 big.log: too large for me to read (5.0 KB; the limit is 1.0 KB). It is saved in your files. Ask me to open it if you need it.',
    ]);
    await w.fake.waitForMessage(w.general, (m) => m.content === 'I read your notes.');
    const prompt = lastUserText(w.llm.chatRequests().at(-1)!);
    expect(prompt).toContain('--- File: notes.txt ---\nbuy milk');
    expect(prompt).toContain('[Attachment: big.log] text file too large to include');
    const files = await w.app.files.list({ userId: `discord-${w.aliceId}`, channelId: w.general });
    expect(files.map((f) => f.name).sort()).toEqual(['big.log', 'notes.txt', 'report.pdf']);
  });

  it('answers a bare mention with a clear line, without calling the model', async () => {
    const before = w.llm.chatRequests().length;
    const asked = w.fake.userSays(w.general, w.bobId, '', { mentionsBot: true });
    const reply = await w.fake.waitForMessage(w.general, (m) => m.replyToId === asked);
    expect(reply.content).toBe('⚠️ Your message was empty, so there is nothing to answer.');
    expect(w.llm.chatRequests()).toHaveLength(before);
  });

  it('ignores an empty message nobody addressed to Clara, even in an active channel', async () => {
    await w.app.db.repos.channelConfigs.set({
      channelId: w.random,
      guildId: w.guild.id,
      mode: 'active',
      configuredBy: w.aliceId,
    });
    const before = w.llm.chatRequests().length;
    const empty = w.fake.userSays(w.random, w.bobId, '');
    // The next message is the barrier: it is handled after the empty one (same gateway connection, in order).
    w.llm.script('Hi Bob.');
    w.fake.userSays(w.random, w.bobId, 'hello');
    await w.fake.waitForMessage(w.random, (m) => m.content === 'Hi Bob.');
    expect(w.fake.messages(w.random).filter((m) => m.replyToId === empty)).toEqual([]);
    expect(w.llm.chatRequests()).toHaveLength(before + 1);
    expect(lastUserText(w.llm.chatRequests().at(-1)!)).toBe('[Bob]: hello');
  });
});
