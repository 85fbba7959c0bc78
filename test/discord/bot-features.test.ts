/**
 * More of the Discord reply path end to end: tier lines, tool status lines and tool attachments, auto-continue,
 * text attachments read into the prompt, several images answered in batches, and a graceful stop mid-reply.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/tools/index.js';
import { type DiscordWorld, lastUserText, promptText, startDiscordWorld } from '../support/discord-bot.js';

describe('Discord reply features', () => {
  let w: DiscordWorld;
  let dm: string;

  beforeAll(async () => {
    // No rolling session summary: its background LLM call would take one of the scripted replies.
    w = await startDiscordWorld({ env: { DISCORD_MAX_IMAGE_DIMENSION: '128', SUMMARY_INTERVAL: '1000' } });
    dm = w.fake.dmChannel(w.aliceId);
    // A slow tool that reports progress, registered in the real registry like any built-in.
    w.app.tools.register(
      defineTool({
        name: 'slow_job',
        description: 'A long job that reports progress.',
        schema: z.object({}),
        run: async (_args, context) => {
          for (const step of ['fetching data', 'crunching numbers']) {
            context.progress?.(step);
            await new Promise((resolve) => setTimeout(resolve, 700));
          }
          return 'job finished';
        },
      }),
    );
  });
  afterAll(async () => {
    await w?.close();
  });

  it('shows the tier line for a !high prefix and strips the prefix', async () => {
    w.llm.script('Deep answer.');
    w.fake.userSays(dm, w.aliceId, '!high why is the sky blue?');
    await w.fake.waitForMessage(dm, (m) => m.content === 'Deep answer.');
    expect(w.fake.messages(dm).some((m) => m.content.startsWith('-# 🔴 Using High (Opus-class)'))).toBe(true);
    expect(lastUserText(w.llm.chatRequests().at(-1)!)).toBe('why is the sky blue?');
  });

  it('shows a status line per tool call, marks it done, and uploads the file the tool attached', async () => {
    w.llm.script(
      {
        toolCalls: [
          {
            name: 'create_file_attachment',
            arguments: { filename: 'plan.txt', content: 'step one\nstep two' },
          },
        ],
      },
      'I attached the plan.',
    );
    w.fake.userSays(dm, w.aliceId, 'make me a plan file');
    await w.fake.waitForMessage(dm, (m) => m.content === 'I attached the plan.');
    const status = w.fake.messages(dm).find((m) => m.content.startsWith('-# 📎'));
    expect(status?.content).toMatch(/done in \d+\.\d s/);
    const upload = await w.fake.waitFor('the plan upload', () =>
      w.fake.uploads(dm).find((u) => u.name === 'plan.txt'),
    );
    expect(upload.bytes.toString()).toBe('step one\nstep two');
  });

  it('shows a running tool’s progress under its status line', async () => {
    w.llm.script({ toolCalls: [{ name: 'slow_job', arguments: {} }] }, 'The job is done.');
    w.fake.userSays(dm, w.aliceId, 'run the long job');
    await w.fake.waitForMessage(dm, (m) => m.content === 'The job is done.');
    const status = w.fake.messages(dm).find((m) => m.content.startsWith('-# ⚙️'));
    const versions = w.fake.edits(status!.id);
    expect(versions.some((v) => v.includes('↳ fetching data') || v.includes('↳ crunching numbers'))).toBe(
      true,
    );
    expect(versions.at(-1)).toMatch(/done in/);
  });

  it('shows a link a tool offers as a button', async () => {
    w.app.tools.register(
      defineTool({
        name: 'authorize_service',
        description: 'Gives the person an authorization link.',
        schema: z.object({}),
        run: async (_args, context) => {
          context.link?.({ label: 'Authorize Example', url: 'https://auth.example.org/authorize?x=1' });
          context.link?.({ label: 'Never shown', url: 'javascript:alert(1)' });
          return 'Link sent.';
        },
      }),
    );
    w.llm.script(
      { toolCalls: [{ name: 'authorize_service', arguments: {} }] },
      'Open the button to sign in.',
    );
    w.fake.userSays(dm, w.aliceId, 'connect my account');
    await w.fake.waitForMessage(dm, (m) => m.content === 'Open the button to sign in.');
    const links = w.fake
      .messages(dm)
      .filter((m) => JSON.stringify(m.components).includes('auth.example.org'));
    expect(links).toHaveLength(1);
    expect(JSON.stringify(links[0]?.components)).toContain('"style":5');
    expect(JSON.stringify(w.fake.messages(dm).map((m) => m.components))).not.toContain('javascript:');
  });

  it('continues automatically when the reply asks permission to go on', async () => {
    w.llm.script('I have a plan. Shall I proceed?', 'Done, all steps finished.');
    w.fake.userSays(dm, w.aliceId, 'organise my week');
    await w.fake.waitForMessage(dm, (m) => m.content === 'Done, all steps finished.');
    expect(w.fake.messages(dm).some((m) => m.content.includes('▶️ proceeding automatically'))).toBe(true);
    expect(lastUserText(w.llm.chatRequests().at(-1)!)).toBe('Yes, go ahead.');
  });

  it('reads a text attachment into the prompt', async () => {
    w.llm.script('Your list has three items.');
    w.fake.userSays(dm, w.aliceId, 'summarise this', {
      attachments: [{ name: 'list.md', data: '- apples\n- pears\n- plums\n', contentType: 'text/markdown' }],
    });
    await w.fake.waitForMessage(dm, (m) => m.content === 'Your list has three items.');
    const text = lastUserText(w.llm.chatRequests().at(-1)!);
    expect(text).toContain('--- File: list.md ---');
    expect(text).toContain('- plums');
  });

  it('answers several images in batches of DISCORD_MAX_IMAGES_PER_REQUEST (1)', async () => {
    const image = (r: number) =>
      sharp({ create: { width: 300, height: 200, channels: 3, background: { r, g: 0, b: 0 } } })
        .png()
        .toBuffer();
    w.llm.script('First image: red.', 'Second image: dark red.');
    const before = w.llm.chatRequests().length;
    w.fake.userSays(dm, w.aliceId, 'describe these', {
      attachments: [
        { name: 'a.png', data: await image(250), contentType: 'image/png', width: 300, height: 200 },
        { name: 'b.png', data: await image(120), contentType: 'image/png', width: 300, height: 200 },
      ],
    });
    await w.fake.waitForMessage(dm, (m) => m.content === 'Second image: dark red.');
    const calls = w.llm.chatRequests().slice(before);
    expect(calls).toHaveLength(2);
    expect(lastUserText(calls[1]!)).toContain('Continue with image(s) 2–2 of 2: b.png');
    expect(promptText(calls[0]!).match(/"type":"image_url"/g)).toHaveLength(1);
    expect(promptText(calls[1]!).match(/"type":"image_url"/g)).toHaveLength(1);
    expect(w.fake.messages(dm).some((m) => m.content.includes('processing 2 images in 2 batches'))).toBe(
      true,
    );
  });
});

describe('Discord graceful stop', () => {
  let w: DiscordWorld;

  beforeAll(async () => {
    w = await startDiscordWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('cuts a reply still streaming at the deadline with a note, and tells queued people', async () => {
    w.llm.script({ text: 'A very long answer '.repeat(40), chunks: 40, chunkDelayMs: 200 });
    const asked = w.fake.userSays(w.general, w.aliceId, 'tell me everything', { mentionsBot: true });
    const queued = w.fake.userSays(w.general, w.bobId, 'me too', { mentionsBot: true });
    const reply = await w.fake.waitForMessage(
      w.general,
      (m) => m.replyToId === asked && m.content.startsWith('A very long'),
    );
    await w.discord.stop(300);
    expect(w.fake.message(reply.id)?.content).toContain('Clara is restarting');
    const notice = w.fake.messages(w.general).filter((m) => m.replyToId === queued);
    expect(notice.map((m) => m.content).join('\n')).toMatch(/could not get to this message/);
  });
});
