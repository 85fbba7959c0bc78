/** Connection health (spec §1.20) with fake timers: one loop however often it is started, warnings, recovery. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionHealth } from '../../src/adapters/discord/health.js';
import { DiscordMonitor } from '../../src/adapters/discord/monitor.js';
import { type ClaraLogger, createLogger } from '../../src/observability/index.js';
import { captureStream } from '../support/log-capture.js';

const MINUTE = 60_000;
let log: ClaraLogger;
let capture: ReturnType<typeof captureStream>;

function logged(): Array<{ level: number; msg: string; latencyMs?: number }> {
  return capture.lines().map((line) => JSON.parse(line));
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-24T10:00:00.000Z') });
  capture = captureStream();
  log = createLogger({
    level: 'info',
    pretty: false,
    logDir: null,
    secrets: [],
    destination: capture.stream,
  });
});

afterEach(async () => {
  vi.useRealTimers();
  await log.close();
});

describe('ConnectionHealth', () => {
  it('runs one loop however often start() is called (a reconnect must not add a second one)', async () => {
    let reads = 0;
    const health = new ConnectionHealth({
      readLatency: () => {
        reads += 1;
        return 40;
      },
      isReady: () => true,
      logger: log.logger,
    });
    health.start();
    health.start();
    health.start();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(reads).toBe(3);
    health.stop();
    health.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(health.running).toBe(false);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(reads).toBe(3);
    health.start();
    expect(vi.getTimerCount()).toBe(1);
    health.stop();
  });

  it('warns (log and monitor) each minute after three high readings in a row, then logs the recovery once', async () => {
    const readings = [120, 650, 700, 800, 900, 300, 200, 600, 700, 100];
    const monitor = new DiscordMonitor({ now: () => new Date() });
    const health = new ConnectionHealth({
      readLatency: () => readings.shift() ?? 100,
      isReady: () => true,
      logger: log.logger.child({ name: 'discord' }),
      monitor,
    });
    health.start();
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(logged()).toEqual([]);
    expect(health.state()).toMatchObject({ highStreak: 2, lastLatencyMs: 700 });
    expect(monitor.stats().connection.latencyMs).toBe(700);

    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    await vi.advanceTimersByTimeAsync(MINUTE);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    health.stop();

    expect(logged().map((r) => [r.level, r.msg])).toEqual([
      [40, 'High Discord latency: 800 ms (3 checks in a row above 500 ms).'],
      [40, 'High Discord latency: 900 ms (4 checks in a row above 500 ms).'],
      [30, 'Discord latency recovered: 300 ms.'],
    ]);
    expect(logged()[0]).toMatchObject({ name: 'discord', latencyMs: 800 });
    expect(
      monitor
        .logs({ type: 'system' })
        .map((e) => e.content)
        .reverse(),
    ).toEqual([
      'High Discord latency: 800 ms (3 checks in a row above 500 ms).',
      'High Discord latency: 900 ms (4 checks in a row above 500 ms).',
      'Discord latency recovered: 300 ms.',
    ]);
    // 600 and 700 later were only two in a row: no warning, and no recovery line for them either.
    expect(health.state()).toMatchObject({ highStreak: 0, lastLatencyMs: 100 });
    expect(monitor.stats().connection.latencyMs).toBe(100);
  });

  it('warns when the client is not ready, ignores unknown latency, and honours its own interval and threshold', async () => {
    let ready = false;
    let latency = -1;
    const monitor = new DiscordMonitor();
    const health = new ConnectionHealth({
      readLatency: () => latency,
      isReady: () => ready,
      logger: log.logger,
      monitor,
      intervalMs: 10_000,
      thresholdMs: 100,
      consecutive: 1,
    });
    health.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(logged().map((r) => r.msg)).toEqual([
      'Discord client is not ready: the gateway connection is down or still connecting.',
    ]);
    expect(health.state().ready).toBe(false);

    ready = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(logged()).toHaveLength(1);
    expect(monitor.stats().connection.latencyMs).toBeNull();

    latency = 150;
    await vi.advanceTimersByTimeAsync(10_000);
    health.stop();
    expect(logged().at(-1)?.msg).toBe('High Discord latency: 150 ms (1 check in a row above 100 ms).');
    expect(health.state()).toMatchObject({ ready: true, highStreak: 1 });
  });
});
