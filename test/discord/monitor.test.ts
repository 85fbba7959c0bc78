/**
 * The Discord monitor: its in-memory state, and its routes and dashboard served by the real web server
 * (token check included), with the dashboard rendered in headless Chromium to prove message text stays text.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordMonitor, monitorBotEvents, type QueueStats } from '../../src/adapters/discord/monitor.js';
import { monitorRoutes } from '../../src/adapters/discord/monitor-routes.js';
import { createWebServer } from '../../src/adapters/web/index.js';
import { WEB_STATIC_DIR } from '../../src/app/paths.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from '../support/browser.js';

/** The page polls every 3 s; a loaded machine may be slower still. */
const PATIENT = { timeout: 15_000 };

function clock(start = '2026-11-24T10:00:00.000Z') {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('DiscordMonitor', () => {
  it('keeps the last 100 entries newest first, cut to 500 characters, and counts each type', () => {
    const time = clock();
    const monitor = new DiscordMonitor({ now: time.now });
    for (let i = 0; i < 105; i += 1) {
      monitor.record({
        type: i % 2 === 0 ? 'message' : 'response',
        content: `entry ${i}`,
        guild: 'G',
        channel: 'c',
      });
      time.advance(1000);
    }
    monitor.record({ type: 'dm', content: 'x'.repeat(600), user: 'Alice' });
    monitor.record({ type: 'error', content: 'Error in messageCreate' });
    monitor.record({ type: 'system', content: 'Joined server: Test' });

    const logs = monitor.logs();
    expect(logs).toHaveLength(100);
    expect(logs.slice(0, 3).map((e) => e.type)).toEqual(['system', 'error', 'dm']);
    expect(logs[2]?.content).toHaveLength(500);
    expect(logs[2]?.content.endsWith('…')).toBe(true);
    // 108 recorded, 100 kept: the oldest kept is entry 8.
    expect(logs.at(-1)?.content).toBe('entry 8');
    expect(logs[3]).toEqual({
      time: '2026-11-24T10:01:44.000Z',
      type: 'message',
      guild: 'G',
      channel: 'c',
      user: null,
      content: 'entry 104',
    });
    expect(monitor.logs({ type: 'error' }).map((e) => e.content)).toEqual(['Error in messageCreate']);
    expect(monitor.logs({ limit: 2 }).map((e) => e.type)).toEqual(['system', 'error']);
    expect(monitor.stats().counters).toEqual({ messages: 53, dms: 1, responses: 52, errors: 1 });
  });

  it('tracks guilds, the bot user, uptime, connection state, latency, reconnects and queue stats', () => {
    const time = clock();
    let queue: QueueStats = { activeTasks: 2, totalQueued: 5, channelsBusy: 1 };
    const monitor = new DiscordMonitor({ now: time.now, queueStats: () => queue });
    monitor.setGuilds([
      { id: '2', name: 'Beta', memberCount: 10, iconUrl: null },
      { id: '1', name: 'Alpha', memberCount: 3, iconUrl: 'https://cdn.example/a.png' },
    ]);
    monitor.upsertGuild({ id: '3', name: 'Gamma', memberCount: 1, iconUrl: null });
    monitor.upsertGuild({ id: '2', name: 'Beta', memberCount: 11, iconUrl: null });
    monitor.removeGuild('3');
    monitor.setBotUser({ id: '99', name: 'Clara' });
    expect(monitor.stats().connection).toEqual({
      state: 'connecting',
      since: '2026-11-24T10:00:00.000Z',
      latencyMs: null,
      reconnects: 0,
    });

    time.advance(5_000);
    monitor.setConnection('connected');
    monitor.setLatency(-1);
    expect(monitor.stats().connection.latencyMs).toBeNull();
    monitor.setLatency(42.4);
    time.advance(60_000);
    monitor.setConnection('resuming');
    time.advance(2_000);
    monitor.setConnection('connected');
    monitor.setConnection('connected');
    queue = { activeTasks: 0, totalQueued: 0, channelsBusy: 0 };
    time.advance(500);

    expect(monitor.guilds().map((g) => [g.name, g.memberCount])).toEqual([
      ['Alpha', 3],
      ['Beta', 11],
    ]);
    expect(monitor.stats()).toEqual({
      botUser: { id: '99', name: 'Clara' },
      startTime: '2026-11-24T10:00:00.000Z',
      uptimeSeconds: 67,
      connection: { state: 'connected', since: '2026-11-24T10:01:07.000Z', latencyMs: 42, reconnects: 1 },
      counters: { messages: 0, dms: 0, responses: 0, errors: 0 },
      guildCount: 2,
      queue: { activeTasks: 0, totalQueued: 0, channelsBusy: 0 },
    });
    expect(new DiscordMonitor({ now: time.now }).stats().queue).toEqual({
      activeTasks: 0,
      totalQueued: 0,
      channelsBusy: 0,
    });
  });

  it('keeps per-user stats: messages and DMs, replies, last seen, the latest name; bounded', () => {
    const time = clock();
    const monitor = new DiscordMonitor({ now: time.now, maxUsers: 2 });
    monitor.record({ type: 'message', content: 'hi', userId: 'u1', user: 'Alice' });
    time.advance(1000);
    monitor.record({ type: 'response', content: 'hello Alice', userId: 'u1', user: 'Alice' });
    monitor.record({ type: 'dm', content: 'psst', userId: 'u1', user: 'Alice A.' });
    time.advance(1000);
    monitor.record({ type: 'message', content: 'yo', userId: 'u2', user: 'Bob' });
    expect(monitor.users()).toEqual([
      { userId: 'u1', name: 'Alice A.', messages: 2, responses: 1, lastSeen: '2026-11-24T10:00:01.000Z' },
      { userId: 'u2', name: 'Bob', messages: 1, responses: 0, lastSeen: '2026-11-24T10:00:02.000Z' },
    ]);
    time.advance(1000);
    monitor.record({ type: 'message', content: 'me too', userId: 'u3', user: 'Cat' });
    // Alice was the least recently active of the two kept.
    expect(monitor.users().map((u) => u.userId)).toEqual(['u3', 'u2']);
    expect(monitor.snapshot().users).toHaveLength(2);
  });
});

describe('monitorBotEvents', () => {
  it("turns the bot's events into monitor state and activity entries", () => {
    const time = clock();
    const monitor = new DiscordMonitor({ now: time.now });
    const feed = monitorBotEvents(monitor);
    const guild = { id: '10', name: 'Clara Test', memberCount: 4, iconUrl: null };
    feed({ type: 'ready', botUser: { id: '1', tag: 'Clara#0001' }, guilds: [guild], latencyMs: 55 });
    feed({
      type: 'message',
      dm: false,
      guild: 'Clara Test',
      channel: 'general',
      userId: 'a',
      userName: 'Alice',
      content: 'hi',
      messageId: 'm1',
    });
    feed({ type: 'message', dm: true, userId: 'a', userName: 'Alice', content: 'psst', messageId: 'm2' });
    feed({ type: 'response', dm: true, userId: 'a', userName: 'Alice', content: 'hello!', edits: 2 });
    feed({ type: 'error', where: 'message', message: 'Error: boom' });
    feed({ type: 'guild_join', guild: { id: '11', name: 'New Place', memberCount: 2, iconUrl: null } });
    feed({ type: 'guild_leave', guild });
    feed({ type: 'connection', state: 'reconnecting' });
    expect(monitor.stats().connection.state).toBe('resuming');
    feed({ type: 'connection', state: 'resumed', latencyMs: 70 });
    feed({ type: 'connection', state: 'disconnected' });
    feed({ type: 'connection', state: 'connected', latencyMs: 80 });
    feed({ type: 'system', text: 'MCP ready' });

    const stats = monitor.stats();
    expect(stats.botUser).toEqual({ id: '1', name: 'Clara#0001' });
    expect(stats.counters).toEqual({ messages: 1, dms: 1, responses: 1, errors: 1 });
    expect(stats.connection).toMatchObject({ state: 'connected', latencyMs: 80, reconnects: 2 });
    expect(monitor.guilds().map((g) => g.name)).toEqual(['New Place']);
    expect(monitor.users()).toMatchObject([{ userId: 'a', name: 'Alice', messages: 2, responses: 1 }]);
    expect(
      monitor
        .logs()
        .map((e) => `${e.type}: ${e.content}`)
        .reverse(),
    ).toEqual([
      'system: Logged in as Clara#0001',
      'message: hi',
      'dm: psst',
      'response: hello!',
      'error: Error in message: Error: boom',
      'system: Joined server: New Place',
      'system: Left server: Clara Test',
      'system: Resumed the Discord session',
      'system: Disconnected from Discord',
      'system: Reconnected to Discord',
      'system: MCP ready',
    ]);
    expect(monitor.logs({ type: 'message' })[0]).toMatchObject({
      guild: 'Clara Test',
      channel: 'general',
      user: 'Alice',
    });
  });
});

describe('monitor routes on the web server', () => {
  const token = 'monitor-test-token-0123';
  let app: TestApp;
  let monitor: DiscordMonitor;
  let server: FastifyInstance;
  let browser: Browser;

  async function webServer(withToken: boolean): Promise<FastifyInstance> {
    return createWebServer({
      engine: app.engine,
      logger: app.log.logger,
      host: '127.0.0.1',
      port: 0,
      token: withToken ? token : undefined,
      identity: { userId: 'tester', userName: 'tester', displayName: 'Tester', conversationId: 'web-tester' },
      staticDir: WEB_STATIC_DIR,
      status: () => ({ version: '9.9.9', llm: { ready: false, provider: 'openai' }, database: 'sqlite' }),
      routes: [monitorRoutes(monitor, { version: '2026.11.24', staticDir: WEB_STATIC_DIR })],
    });
  }

  beforeAll(async () => {
    app = await startTestApp({ backend: 'sqlite' });
    monitor = new DiscordMonitor({ queueStats: () => ({ activeTasks: 1, totalQueued: 3, channelsBusy: 1 }) });
    monitor.setBotUser({ id: '1', name: 'Clara' });
    monitor.setConnection('connected');
    monitor.setLatency(87);
    monitor.setGuilds([{ id: '10', name: 'Clara Test', memberCount: 4, iconUrl: null }]);
    monitor.record({
      type: 'message',
      content: 'hello',
      guild: 'Clara Test',
      channel: 'general',
      user: 'Alice',
      userId: 'a',
    });
    monitor.record({ type: 'error', content: 'Error in messageCreate' });
    server = await webServer(true);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.stop();
  });

  it('serves stats, guilds, users and logs, and answers a bad query with 400 and a clear message', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const stats = await server.inject({ url: '/api/monitor', headers: auth });
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toMatchObject({
      version: '2026.11.24',
      botUser: { id: '1', name: 'Clara' },
      connection: { state: 'connected', latencyMs: 87, reconnects: 0 },
      counters: { messages: 1, dms: 0, responses: 0, errors: 1 },
      guildCount: 1,
      queue: { activeTasks: 1, totalQueued: 3, channelsBusy: 1 },
    });
    expect(typeof stats.json().uptimeSeconds).toBe('number');

    const guilds = await server.inject({ url: '/api/monitor/guilds', headers: auth });
    expect(guilds.json()).toEqual({
      guilds: [{ id: '10', name: 'Clara Test', memberCount: 4, iconUrl: null }],
    });
    const users = await server.inject({ url: '/api/monitor/users', headers: auth });
    expect(users.json().users).toMatchObject([{ userId: 'a', name: 'Alice', messages: 1, responses: 0 }]);

    const all = await server.inject({ url: '/api/monitor/logs', headers: auth });
    expect(all.json().logs.map((e: { type: string }) => e.type)).toEqual(['error', 'message']);
    const errors = await server.inject({ url: '/api/monitor/logs?limit=5&event_type=error', headers: auth });
    expect(errors.json().logs).toHaveLength(1);
    const one = await server.inject({ url: '/api/monitor/logs?limit=1&event_type=', headers: auth });
    expect(one.json().logs.map((e: { type: string }) => e.type)).toEqual(['error']);

    for (const [query, message] of [
      ['limit=0', 'limit must be a whole number from 1 to 100'],
      ['limit=abc', 'limit must be a whole number from 1 to 100'],
      ['limit=500', 'limit must be a whole number from 1 to 100'],
      ['event_type=spam', 'event_type must be one of message, dm, response, error, system'],
    ] as const) {
      const bad = await server.inject({ url: `/api/monitor/logs?${query}`, headers: auth });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ error: 'invalid_query', message });
    }
  });

  it('requires the token on every monitor path when one is set, like the chat page; open without one on loopback', async () => {
    for (const url of [
      '/api/monitor',
      '/api/monitor/guilds',
      '/api/monitor/logs',
      '/api/monitor/users',
      '/monitor',
      '/monitor/monitor.js',
      '/',
    ]) {
      const denied = await server.inject({ url });
      expect(denied.statusCode, url).toBe(401);
      expect(denied.body).not.toContain('Clara Test');
      const wrong = await server.inject({ url, headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode, url).toBe(401);
    }
    const page = await server.inject({ url: `/monitor?token=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('Discord monitor');
    // The page has no third-party resources: everything comes from this server.
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const cookie = String(page.headers['set-cookie']).split(';')[0] ?? '';
    const script = await server.inject({ url: '/monitor/monitor.js', headers: { cookie } });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');

    const open = await webServer(false);
    try {
      expect((await open.inject({ url: '/api/monitor' })).statusCode).toBe(200);
      expect((await open.inject({ url: '/monitor' })).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('renders the dashboard in Chromium with HTML in message content shown as text, and filters by type', async () => {
    const hostile = '<img src=x onerror="document.title=\'pwned\'"><b>bold?</b> & "quotes"';
    monitor.record({ type: 'dm', content: hostile, user: '<script>alert(1)</script>', userId: 'evil' });
    monitor.upsertGuild({
      id: '11',
      name: '<i>Evil</i> Guild',
      memberCount: 2,
      iconUrl: 'javascript:alert(1)',
    });

    await server.listen({ host: '127.0.0.1', port: 0 });
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/monitor?token=${token}`);

    const firstEntry = page.locator('#log li').first();
    await expect.poll(() => firstEntry.locator('.content').textContent(), PATIENT).toBe(hostile);
    expect(await page.locator('#log img, #log b, #log script').count()).toBe(0);
    expect(await firstEntry.locator('.user').textContent()).toBe('<script>alert(1)</script>');
    expect(await page.locator('#guilds').textContent()).toContain('<i>Evil</i> Guild');
    expect(await page.locator('#guilds i, #guilds img').count()).toBe(0);
    expect(await page.title()).toBe('Clara · Discord monitor');
    // The token left the address bar and the stats arrived through the same token mechanism as the chat page.
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator('#stat-servers').textContent(), PATIENT).toBe('2');
    expect(await page.locator('#stat-latency').textContent()).toBe('87 ms');
    expect(await page.locator('#status-dot').getAttribute('class')).toBe('dot connected');

    await page.locator('.tabs button[data-type="error"]').click();
    await expect
      .poll(() => page.locator('#log li .content').allTextContents(), PATIENT)
      .toEqual(['Error in messageCreate']);

    // The page refreshes on its own (every 3 s): a new error appears without a reload.
    monitor.record({ type: 'error', content: 'second failure' });
    await expect
      .poll(() => page.locator('#log li .content').allTextContents(), PATIENT)
      .toEqual(['second failure', 'Error in messageCreate']);
    await page.close();
  });
});
