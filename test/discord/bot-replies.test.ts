/**
 * The Discord adapter end to end: the real discord.js client inside Clara against the fake Discord, the real engine
 * with the fake LLM. Replies stream by edits, long replies split without breaking code blocks, DMs, reply chains,
 * images resized for vision, files attached.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordWorld, lastUserText, promptText, startDiscordWorld } from '../support/discord-bot.js';

describe('Discord replies', () => {
  let w: DiscordWorld;

  beforeAll(async () => {
    w = await startDiscordWorld({ env: { DISCORD_MAX_IMAGE_DIMENSION: '256' } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('answers a mention with one reply that is edited as the text streams', async () => {
    const text = 'Hello Alice! This reply arrives in several pieces, so Discord shows it growing.';
    // The model "thinks" for a moment first: Discord shows typing until the first text appears.
    w.llm.script({ text, chunks: 6, chunkDelayMs: 300, delayMs: 800 });
    const asked = w.fake.userSays(w.general, w.aliceId, 'hi there', { mentionsBot: true });
    const reply = await w.fake.waitForMessage(w.general, (m) => m.authorId === w.botId && m.content === text);
    expect(reply.replyToId).toBe(asked);
    const versions = w.fake.edits(reply.id);
    expect(versions.length).toBeGreaterThanOrEqual(3);
    // Each version extends the previous one: the text only ever grows.
    for (let i = 1; i < versions.length; i++)
      expect(versions[i]?.startsWith(versions[i - 1] ?? '')).toBe(true);
    expect(lastUserText(w.llm.chatRequests().at(-1)!)).toBe('[Alice]: hi there');
    expect(w.fake.typingCount(w.general)).toBeGreaterThan(0);
    expect(w.fake.unexpectedRequests()).toEqual([]);
  });

  it('splits a long reply past 2,000 characters without breaking its code block', async () => {
    const code = Array.from({ length: 60 }, (_, i) => `const value${i} = compute(${i}); // line ${i}`).join(
      '\n',
    );
    const text = `${'Intro paragraph. '.repeat(40)}\n\n\`\`\`ts\n${code}\n\`\`\`\nThat is all.`;
    w.llm.script({ text, chunks: 10, chunkDelayMs: 20 });
    w.fake.userSays(w.random, w.aliceId, 'show me code', { mentionsBot: true });
    await w.fake.waitForMessage(
      w.random,
      (m) => m.authorId === w.botId && m.content.endsWith('That is all.'),
    );
    const parts = w.fake.messages(w.random).filter((m) => m.authorId === w.botId);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) {
      expect(part.content.length).toBeLessThanOrEqual(2000);
      expect((part.content.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(parts[1]?.content.startsWith('```ts')).toBe(true);
    const joined = parts.map((p) => p.content).join('\n');
    for (const line of code.split('\n')) expect(joined).toContain(line);
  });

  it('treats a thread as its own conversation, in its parent channel’s mode', async () => {
    const thread = w.fake.addThread(w.general, { name: 'trip planning' });
    w.llm.script('Happy to plan the trip.');
    w.fake.userSays(thread, w.bobId, 'let us plan a trip', { mentionsBot: true });
    await w.fake.waitForMessage(thread, (m) => m.content === 'Happy to plan the trip.');
    const session = await w.app.db.repos.sessions.findLatest(`discord-channel-${thread}`);
    expect(session?.title).toBe('Clara Test #general › trip planning');
    expect(promptText(w.llm.chatRequests().at(-1)!)).not.toContain('show me code');
  });

  it('answers a DM in the DM channel, without the name prefix', async () => {
    w.llm.script('Hi from your DMs.');
    const dm = w.fake.dmChannel(w.bobId);
    w.fake.userSays(dm, w.bobId, 'a private question');
    await w.fake.waitForMessage(dm, (m) => m.authorId === w.botId && m.content === 'Hi from your DMs.');
    const request = w.llm.chatRequests().at(-1)!;
    expect(lastUserText(request)).toBe('a private question');
    expect(promptText(request)).toMatch(/private DM|DM with|direct message/i);
  });

  it('puts the DM message being replied to into the context, even one from before Clara was running', async () => {
    const dm = w.fake.dmChannel(w.aliceId);
    // Sent an hour ago while Clara was offline: never delivered, never stored, so only the reply chain has it.
    const earlier = w.fake.userSays(dm, w.aliceId, 'my favourite colour is teal', {
      at: Date.now() - 3_600_000,
    });
    w.llm.script('You said teal.');
    w.fake.userSays(dm, w.aliceId, 'what did I say?', { replyTo: earlier });
    await w.fake.waitForMessage(dm, (m) => m.content === 'You said teal.');
    expect(promptText(w.llm.chatRequests().at(-1)!)).toContain('my favourite colour is teal');
  });

  it('resizes an image for the model and saves the original to the person’s files', async () => {
    const png = await sharp({
      create: { width: 1200, height: 600, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    w.llm.script('A green rectangle.');
    w.fake.userSays(w.general, w.aliceId, 'what is this?', {
      mentionsBot: true,
      attachments: [{ name: 'shape.png', data: png, contentType: 'image/png', width: 1200, height: 600 }],
    });
    await w.fake.waitForMessage(w.general, (m) => m.content === 'A green rectangle.');
    const user = w.llm
      .chatRequests()
      .at(-1)!
      .body.messages.filter((m: { role: string }) => m.role === 'user')
      .at(-1);
    const image = (user.content as Array<{ type: string; image_url?: { url: string } }>).find(
      (p) => p.type === 'image_url',
    );
    const data = Buffer.from(image!.image_url!.url.split(',')[1]!, 'base64');
    const meta = await sharp(data).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(256);
    expect(meta.width).toBe(256);
    expect(meta.height).toBe(128);
    const files = await w.app.files.list({ userId: `discord-${w.aliceId}`, channelId: w.general });
    expect(files.map((f) => f.name)).toContain('shape.png');
  });

  it('uploads inline file blocks as attachments and replaces them by a note', async () => {
    w.llm.script('Here it is:\n<<<file:notes.md>>>\n# Notes\n- one\n- two\n<<</file>>>\nEnjoy.');
    const dm = w.fake.dmChannel(w.bobId);
    w.fake.userSays(dm, w.bobId, 'write me notes');
    const upload = await w.fake.waitFor('an upload', () =>
      w.fake.uploads(dm).find((u) => u.name === 'notes.md'),
    );
    expect(upload.bytes.toString()).toContain('- two');
    const reply = await w.fake.waitForMessage(dm, (m) => m.content.includes('📎 *Attached: notes.md*'));
    expect(reply.content).not.toContain('<<<file');
  });
});
