/**
 * Log-channel mirroring (spec §1.19): formatting, batching under Discord's rate limit, overflow, no feedback loop,
 * secrets scrubbed. Unit cases use an in-test `send` and fake timers; one case runs the real discord.js client
 * against the fake Discord and reads the lines back from the log channel.
 */
import { Client, GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DISCORD_MESSAGE_LIMIT,
  formatLogRecord,
  LOG_MIRROR_LOGGER_NAME,
  LogMirror,
  type LogMirrorOptions,
  lifecycleLine,
  mirrorBotEvents,
} from '../../src/adapters/discord/log-mirror.js';
import { type ClaraLogger, createLogger, type LogRecord } from '../../src/observability/index.js';
import { startFakeDiscord } from '../support/fake-discord.js';
import { captureStream } from '../support/log-capture.js';

const at = new Date('2026-11-24T09:05:07.000Z');
const utc = (time: Date) => time.toISOString().slice(11, 19);

function record(overrides: Partial<LogRecord> = {}): LogRecord {
  return { level: 'info', time: at, name: 'engine', msg: 'turn finished', ...overrides };
}

/** A `send` that records what it got and when (fake-timer clock). */
function recorder() {
  const sent: Array<{ at: number; content: string }> = [];
  const send = async (content: string) => {
    sent.push({ at: Date.now(), content });
  };
  return { sent, send, lines: () => sent.flatMap((s) => s.content.split('\n')) };
}

/** How many messages of ≤ 2,000 characters the lines need when packed in order. */
function greedyMessageCount(lines: string[]): number {
  let count = 0;
  let length = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    if (length + 1 + line.length > DISCORD_MESSAGE_LIMIT) {
      count += 1;
      length = line.length;
    } else {
      length += 1 + line.length;
    }
  }
  return count;
}

function mirror(options: Partial<LogMirrorOptions> & Pick<LogMirrorOptions, 'send'>): LogMirror {
  return new LogMirror({ level: 'info', timeZone: 'UTC', ...options });
}

const loggers: ClaraLogger[] = [];
function realLogger(secrets: string[] = [], level = 'debug') {
  const capture = captureStream();
  const log = createLogger({ level, pretty: false, logDir: null, secrets, destination: capture.stream });
  loggers.push(log);
  return { log, capture };
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(loggers.splice(0).map((log) => log.close()));
});

describe('formatting', () => {
  it('formats info, warning, error and critical records like the original, without ANSI codes', () => {
    expect(formatLogRecord(record({ msg: '\u001b[32mready\u001b[0m in 3 s' }), utc)).toBe(
      '`09:05:07` **[engine]** ready in 3 s',
    );
    expect(formatLogRecord(record({ level: 'warn', name: 'llm', msg: 'slow reply' }), utc)).toBe(
      '⚠️ `09:05:07` **[llm]**\n```fix\nslow reply\n```',
    );
    expect(
      formatLogRecord(
        record({ level: 'error', msg: 'reply failed', err: 'Error: boom\n    at x (y.ts:1:2)' }),
        utc,
      ),
    ).toBe('❌ `09:05:07` **[engine]**\n```diff\n- reply failed\n- Error: boom\n-     at x (y.ts:1:2)\n```');
    expect(formatLogRecord(record({ level: 'fatal', name: undefined, msg: 'out of memory' }), utc)).toBe(
      '🔴 `09:05:07` **[clara]**\n```diff\n- out of memory\n```',
    );
  });

  it('never pings @everyone, never breaks out of its code block, and stays within 2,000 characters', () => {
    expect(formatLogRecord(record({ msg: 'ping @everyone and @here' }), utc)).toBe(
      '`09:05:07` **[engine]** ping @\u200beveryone and @\u200bhere',
    );
    const escaped = formatLogRecord(record({ level: 'warn', msg: 'a ``` b' }), utc);
    expect(escaped.match(/```/g)).toHaveLength(2);
    for (const level of ['info', 'warn', 'error'] as const) {
      const long = formatLogRecord(record({ level, msg: 'x'.repeat(5000) }), utc);
      expect(long.length).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMIT);
      expect(long).toContain('…');
      if (level !== 'info') expect(long.endsWith('\n```')).toBe(true);
    }
  });

  it('writes the lifecycle lines in bold', () => {
    expect(lifecycleLine({ kind: 'started', version: '2026.11.24', user: 'Clara#0001' })).toBe(
      '🟢 **Clara v2026.11.24 started – logged in as Clara#0001**',
    );
    expect(lifecycleLine({ kind: 'reconnected' })).toBe('🔄 **Clara reconnected**');
    expect(lifecycleLine({ kind: 'resumed', latencyMs: 41.6 })).toBe('🔄 **Clara resumed** (42 ms)');
    expect(lifecycleLine({ kind: 'disconnected' })).toBe('🟡 **Clara disconnected**');
    expect(lifecycleLine({ kind: 'shutting-down' })).toBe('🔴 **Clara shutting down**');
  });
});

describe('batching and rate limit', () => {
  it('joins lines into as few messages as fit in 2,000 characters and sends at most one per interval', async () => {
    vi.useFakeTimers({ now: at });
    const out = recorder();
    const m = mirror({ send: out.send });
    const lines = Array.from(
      { length: 150 },
      (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(80)}`,
    );
    for (const msg of lines) m.handle(record({ msg }));
    // A second burst later on.
    await vi.advanceTimersByTimeAsync(500);
    for (const msg of lines.slice(0, 10)) m.handle(record({ msg: `again ${msg}` }));
    await vi.runAllTimersAsync();

    const expected = [...lines, ...lines.slice(0, 10).map((l) => `again ${l}`)].map(
      (msg) => `\`09:05:07\` **[engine]** ${msg}`,
    );
    expect(out.lines()).toEqual(expected);
    // As few messages as the 2,000-character limit allows (lines are never split).
    expect(out.sent.length).toBe(greedyMessageCount(expected));
    expect(out.sent.length).toBeLessThan(15);
    for (const { content } of out.sent) expect(content.length).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMIT);
    const gaps = out.sent.slice(1).map((s, i) => s.at - (out.sent[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1200);
    // Never more than 5 messages in any 5-second window (Discord's per-channel limit).
    for (const { at: start } of out.sent) {
      expect(out.sent.filter((s) => s.at >= start && s.at < start + 5000).length).toBeLessThanOrEqual(5);
    }
    expect(m.stats()).toEqual({ queued: 0, sent: out.sent.length, dropped: 0, failed: 0 });
  });

  it('sends lifecycle lines through the same queue, and only records at or above LOG_LEVEL', async () => {
    vi.useFakeTimers({ now: at });
    const out = recorder();
    const m = mirror({ send: out.send, level: 'WARNING' });
    m.lifecycle({ kind: 'started', version: '1.2.3', user: 'Clara' });
    m.handle(record({ level: 'info', msg: 'hidden' }));
    m.handle(record({ level: 'debug', msg: 'hidden too' }));
    m.handle(record({ level: 'warn', msg: 'shown' }));
    await vi.runAllTimersAsync();
    m.lifecycle({ kind: 'disconnected' });
    await vi.advanceTimersByTimeAsync(100);
    expect(out.sent).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(out.sent.map((s) => s.content)).toEqual([
      '🟢 **Clara v1.2.3 started – logged in as Clara**\n⚠️ `09:05:07` **[engine]**\n```fix\nshown\n```',
      '🟡 **Clara disconnected**',
    ]);
    expect((out.sent[1]?.at ?? 0) - (out.sent[0]?.at ?? 0)).toBe(1200);
  });

  it('keeps at most 500 waiting lines and says how many were dropped, in order', async () => {
    vi.useFakeTimers({ now: at });
    const sent: string[] = [];
    let release: () => void = () => {};
    let blocked = true;
    const send = async (content: string) => {
      sent.push(content);
      if (blocked) {
        blocked = false;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      }
    };
    const m = mirror({ send });
    m.handle(record({ msg: 'first' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    // Discord is slow (the first send hangs): 600 more lines arrive, 100 do not fit.
    for (let i = 0; i < 600; i += 1) m.handle(record({ msg: `burst ${i}` }));
    expect(m.stats()).toMatchObject({ queued: 500, dropped: 100 });
    release();
    await vi.advanceTimersByTimeAsync(1200);
    m.handle(record({ msg: 'after the burst' }));
    await vi.runAllTimersAsync();

    const lines = sent.flatMap((s) => s.split('\n'));
    expect(lines).toHaveLength(1 + 500 + 1 + 1);
    expect(lines[500]).toBe('`09:05:07` **[engine]** burst 499');
    expect(lines[501]).toBe('_… 100 log lines dropped (the log channel could not keep up)_');
    expect(lines[502]).toBe('`09:05:07` **[engine]** after the burst');
    expect(m.stats()).toMatchObject({ queued: 0, dropped: 100, failed: 0 });
  });

  it('flush() sends everything pending (still paced); close() gives up on a hanging send after its timeout', async () => {
    vi.useFakeTimers({ now: at });
    const out = recorder();
    const m = mirror({ send: out.send });
    for (let i = 0; i < 60; i += 1) m.handle(record({ msg: `${i} ${'y'.repeat(90)}` }));
    const flushed = m.flush();
    await vi.runAllTimersAsync();
    await flushed;
    expect(out.lines()).toHaveLength(60);
    expect(m.stats().queued).toBe(0);

    const hanging = mirror({ send: () => new Promise<void>(() => {}) });
    hanging.handle(record({ msg: 'stuck' }));
    await vi.advanceTimersByTimeAsync(0);
    hanging.handle(record({ msg: 'waiting' }));
    hanging.lifecycle({ kind: 'shutting-down' });
    const closed = hanging.close({ timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(3000);
    await closed;
    expect(hanging.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 2 });
    hanging.handle(record({ msg: 'after close' }));
    expect(hanging.stats().queued).toBe(0);
  });
});

describe('startPaused', () => {
  it('holds start-up lines until start(), then sends them (flush and close meanwhile send nothing)', async () => {
    vi.useFakeTimers({ now: at });
    const out = recorder();
    const m = mirror({ send: out.send, startPaused: true });
    m.handle(record({ msg: 'config loaded' }));
    m.handle(record({ msg: 'connecting to Discord' }));
    await m.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(out.sent).toEqual([]);
    expect(m.stats().queued).toBe(2);
    mirrorBotEvents(m, { version: '1.0.0' })({
      type: 'ready',
      botUser: { id: '1', tag: 'Clara#0001' },
      guilds: [],
      latencyMs: 30,
    });
    await vi.runAllTimersAsync();
    expect(out.lines()).toEqual([
      '`09:05:07` **[engine]** config loaded',
      '`09:05:07` **[engine]** connecting to Discord',
      '🟢 **Clara v1.0.0 started – logged in as Clara#0001**',
    ]);
    m.start();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('mirrorBotEvents', () => {
  it('posts 🟢 on the first ready, 🔄 on reconnect and resume, 🟡 on disconnect, nothing for chat events', async () => {
    vi.useFakeTimers({ now: at });
    const out = recorder();
    const m = mirror({ send: out.send, intervalMs: 0 });
    const feed = mirrorBotEvents(m, { version: '2026.11.24' });
    feed({ type: 'ready', botUser: { id: '1', tag: 'Clara#0001' }, guilds: [], latencyMs: 40 });
    feed({ type: 'message', dm: true, userId: 'a', userName: 'Alice', content: 'hi', messageId: 'm1' });
    feed({ type: 'connection', state: 'disconnected' });
    feed({ type: 'connection', state: 'reconnecting' });
    feed({ type: 'connection', state: 'resumed', latencyMs: 61 });
    feed({ type: 'connection', state: 'connected', latencyMs: 50 });
    await vi.runAllTimersAsync();
    expect(out.lines()).toEqual([
      '🟢 **Clara v2026.11.24 started – logged in as Clara#0001**',
      '🟡 **Clara disconnected**',
      '🔄 **Clara resumed** (61 ms)',
      '🔄 **Clara reconnected**',
    ]);
  });
});

describe('no feedback loop, no secrets', () => {
  it('a failing send is logged at debug to the normal outputs only, and its own records are never mirrored', async () => {
    vi.useFakeTimers({ now: at });
    const { log, capture } = realLogger();
    let calls = 0;
    const m = mirror({
      send: async () => {
        calls += 1;
        throw new Error('Missing Access');
      },
      level: 'debug',
      logger: log.logger.child({ name: LOG_MIRROR_LOGGER_NAME }),
    });
    log.subscribe(m.handle);
    log.logger.child({ name: 'discord' }).warn('something to mirror');
    await vi.runAllTimersAsync();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(calls).toBe(1);
    expect(m.stats()).toMatchObject({ sent: 0, failed: 1, queued: 0 });
    const failure = capture
      .lines()
      .map((line) => JSON.parse(line))
      .find((r) => r.name === LOG_MIRROR_LOGGER_NAME);
    expect(failure).toMatchObject({ level: 20, msg: expect.stringContaining('Could not post log lines') });
    expect(failure.err.message).toBe('Missing Access');
    m.handle(record({ name: LOG_MIRROR_LOGGER_NAME, level: 'error', msg: 'direct' }));
    expect(m.stats().queued).toBe(0);
  });

  it('mirrors records with secret values already scrubbed', async () => {
    vi.useFakeTimers({ now: at });
    const secret = 'discord-bot-token-0123456789';
    const { log } = realLogger([secret], 'info');
    const out = recorder();
    const m = mirror({ send: out.send });
    log.subscribe(m.handle);
    log.logger
      .child({ name: 'discord' })
      .error({ err: new Error(`login failed for ${secret}`) }, `token ${secret} rejected`);
    log.logger.info(`plain ${secret}`);
    await vi.runAllTimersAsync();
    const text = out.sent.map((s) => s.content).join('\n');
    expect(text).toContain('- token **** rejected');
    expect(text).toContain('- Error: login failed for ****');
    expect(text).toContain('plain ****');
    expect(text).not.toContain(secret);
  });
});

describe('with the real discord.js client against the fake Discord', () => {
  it('delivers batched log lines and lifecycle lines to the log channel, scrubbed and without pings', async () => {
    const fake = await startFakeDiscord();
    const guild = fake.addGuild({ name: 'Ops', channels: [{ name: 'clara-logs' }] });
    const channelId = guild.channels['clara-logs'] as string;
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const { log } = realLogger([fake.token], 'info');
    try {
      // Built before login, as the app does: lines wait until the first ready starts the mirror.
      const m = new LogMirror({
        level: 'info',
        intervalMs: 50,
        startPaused: true,
        send: async (content) => {
          const channel = await client.channels.fetch(channelId);
          if (!channel?.isSendable()) throw new Error(`channel ${channelId} is not a text channel`);
          await channel.send({ content, allowedMentions: { parse: [] } });
        },
        logger: log.logger.child({ name: LOG_MIRROR_LOGGER_NAME }),
      });
      log.subscribe(m.handle);
      const feed = mirrorBotEvents(m, { version: '2026.11.24' });
      log.logger.child({ name: 'discord' }).info('connecting to Discord');
      const ready = new Promise<void>((resolve) =>
        client.once('clientReady', (c) => {
          feed({
            type: 'ready',
            botUser: { id: c.user.id, tag: c.user.tag },
            guilds: [],
            latencyMs: c.ws.ping,
          });
          resolve();
        }),
      );
      await client.login(fake.token);
      await ready;
      const area = log.logger.child({ name: 'engine' });
      for (let i = 0; i < 40; i += 1) area.info(`turn ${i} done ${'z'.repeat(60)}`);
      area.warn(`heads up @everyone, token is ${fake.token}`);
      area.error({ err: new Error('boom') }, 'reply failed');
      m.lifecycle({ kind: 'shutting-down' });
      await m.close();

      const messages = fake.messages(channelId);
      const text = messages.map((msg) => msg.content).join('\n');
      // 45 lines and 2 lifecycle lines, batched into a few messages of at most 2,000 characters.
      expect(messages.length).toBeLessThanOrEqual(6);
      for (const msg of messages) expect(msg.content.length).toBeLessThanOrEqual(2000);
      expect(messages.every((msg) => msg.authorId === fake.botUser.id)).toBe(true);
      expect(text).toMatch(
        /^`\d\d:\d\d:\d\d` \*\*\[discord\]\*\* connecting to Discord\n🟢 \*\*Clara v2026\.11\.24 started – logged in as /,
      );
      expect(text).toContain('**[engine]** turn 39 done');
      expect(text).toContain('⚠️');
      expect(text).toContain('heads up @\u200beveryone, token is ****');
      expect(text).toContain('```diff\n- reply failed\n- Error: boom');
      expect(text.endsWith('🔴 **Clara shutting down**')).toBe(true);
      expect(text).not.toContain(fake.token);
      expect(messages.some((msg) => msg.mentionEveryone)).toBe(false);
      expect(m.stats()).toMatchObject({ queued: 0, dropped: 0, failed: 0, sent: messages.length });
      expect(fake.unexpectedRequests()).toEqual([]);
    } finally {
      await client.destroy();
      await fake.close();
    }
  });
});
