import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChannelMessage, ChannelSummaries } from '../../src/engine/index.js';
import { InProcessJobQueue } from '../../src/jobs/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';

describe('rolling channel summaries', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let app: TestApp;
  let jobs: InProcessJobQueue;
  let summaries: ChannelSummaries;
  const now = new Date('2026-11-23T18:00:00Z');
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const message = (authorName: string, content: string, ago: number, isBot = false): ChannelMessage => ({
    authorName,
    content,
    isBot,
    at: minutesAgo(ago),
  });

  beforeEach(async () => {
    fake = llm.current;
    app = await startTestApp({ backend: 'sqlite', fake });
    jobs = new InProcessJobQueue();
    jobs.start();
    summaries = new ChannelSummaries({
      repos: app.db.repos,
      jobs,
      llm: () => app.llm.llm,
      ageMinutes: 30,
      botName: 'Clara',
    });
  });
  afterEach(async () => {
    await jobs.stop();
    await app.stop();
  });

  it('returns recent messages verbatim at once and summarises older ones in the background', async () => {
    const channel = [
      message('Ana', 'Shall we plan the trip to Lisbon?', 90),
      message('Clara', 'Happy to help plan Lisbon.', 89, true),
      message('Ben', 'I can only go in May', 60),
      message('Ana', 'What about flights?', 5),
    ];
    fake.script('Ana proposed a Lisbon trip; Ben can only travel in May.');
    const first = await summaries.prepare('discord-channel-1', channel, now);
    expect(first.summary).toBe('');
    expect(first.recent).toEqual([
      expect.objectContaining({ role: 'user', authorName: 'Ana', content: 'What about flights?' }),
    ]);
    await jobs.idle();
    const request = fake.chatRequests()[0]?.body.messages[1].content as string;
    expect(request).toBe(
      'Ana: Shall we plan the trip to Lisbon?\nClara: Happy to help plan Lisbon.\nBen: I can only go in May',
    );
    const stored = await app.db.repos.channelSummaries.get('discord-channel-1');
    expect(stored?.summary).toBe('Ana proposed a Lisbon trip; Ben can only travel in May.');
    expect(stored?.summaryCutoffAt).toEqual(minutesAgo(60));

    // Same messages again: nothing newer than the cutoff, so no new summary call.
    const second = await summaries.prepare('discord-channel-1', channel, now);
    await jobs.idle();
    expect(second.summary).toBe('Ana proposed a Lisbon trip; Ben can only travel in May.');
    expect(fake.chatRequests()).toHaveLength(1);

    // A message ages past the window: the summary is extended from the previous one.
    fake.script('They planned Lisbon for May and asked about flights.');
    await summaries.prepare('discord-channel-1', channel, new Date(now.getTime() + 40 * 60_000));
    await jobs.idle();
    const extend = fake.chatRequests()[1]?.body.messages[1].content as string;
    expect(extend).toBe(
      'Previous summary:\nAna proposed a Lisbon trip; Ben can only travel in May.\n\nNew messages:\nAna: What about flights?',
    );
  });

  it('creates no row for a channel without old messages', async () => {
    const result = await summaries.prepare('discord-channel-2', [message('Ana', 'hi', 1)], now);
    await jobs.idle();
    expect(result.recent).toHaveLength(1);
    expect(await app.db.repos.channelSummaries.get('discord-channel-2')).toBeUndefined();
    expect(fake.chatRequests()).toHaveLength(0);
  });
});
