import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureStream, MemoryLogSink } from '../../test/support/log-capture.js';
import { type ClaraLogger, createLogger, type LoggerOptions, toLogEntry, toOriginalLevel } from './index.js';

const open: ClaraLogger[] = [];

function make(options: Partial<LoggerOptions> = {}) {
  const capture = captureStream();
  const log = createLogger({
    level: 'debug',
    pretty: false,
    logDir: null,
    secrets: [],
    destination: capture.stream,
    ...options,
  });
  open.push(log);
  return { log, capture };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((log) => log.close()));
});

describe('database sink', () => {
  it('stores warnings and above with the original level names, logger name and fields', async () => {
    const { log } = make({ level: 'error' });
    const sink = new MemoryLogSink();
    log.attachDatabase(sink);
    const email = log.logger.child({ name: 'email.imap' });
    email.debug('debug');
    email.info('info');
    email.warn({ userId: 'discord-1', sessionId: 's-1', account: 'a@b.c', attempt: 2 }, 'slow server');
    log.logger.error(new Error('broken'), 'check failed');
    log.logger.fatal('down');
    await log.flush();
    expect(sink.entries.map((e) => [e.level, e.loggerName, e.message])).toEqual([
      ['WARNING', 'email.imap', 'slow server'],
      ['ERROR', 'clara', 'check failed'],
      ['CRITICAL', 'clara', 'down'],
    ]);
    const [warning, error] = sink.entries;
    expect(warning).toMatchObject({
      userId: 'discord-1',
      sessionId: 's-1',
      exception: null,
      extraData: { account: 'a@b.c', attempt: 2 },
    });
    expect(warning?.timestamp).toBeInstanceOf(Date);
    expect(error?.exception).toMatch(/^Error: broken\n\s+at /);
    expect(error?.extraData).toBeNull();
  });

  it('writes in batches of at most 50', async () => {
    const { log } = make();
    const sink = new MemoryLogSink();
    for (let i = 0; i < 120; i++) log.logger.warn({ i }, 'w');
    log.attachDatabase(sink);
    await log.flush();
    expect(sink.batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(sink.entries.map((e) => e.extraData?.i)).toEqual([...Array(120).keys()]);
  });

  it('flushes on its own timer without an explicit flush', async () => {
    const { log } = make({ database: { flushIntervalMs: 20 } });
    const sink = new MemoryLogSink();
    log.attachDatabase(sink);
    log.logger.warn('later');
    await vi.waitFor(() => expect(sink.entries.map((e) => e.message)).toEqual(['later']));
  });

  it('bounds the queue and counts what it dropped', async () => {
    const { log } = make({ database: { capacity: 10 } });
    for (let i = 0; i < 15; i++) log.logger.warn({ i }, 'w');
    expect(log.databaseStats()).toMatchObject({ queued: 10, dropped: 5 });
    const sink = new MemoryLogSink();
    log.attachDatabase(sink);
    await log.flush();
    expect(sink.entries).toHaveLength(10);
    expect(log.databaseStats()).toMatchObject({ queued: 0, written: 10, dropped: 5 });
  });

  it('survives a failing sink without recursing into it, and reports the failure once on the console', async () => {
    const { log, capture } = make();
    const sink = new MemoryLogSink();
    sink.failWith = new Error('database is down');
    log.attachDatabase(sink);
    log.logger.error('first');
    await log.flush();
    log.logger.error('second');
    await log.flush();
    expect(sink.calls).toBe(2);
    expect(log.databaseStats()).toMatchObject({ queued: 0, failed: 2 });
    const reports = capture.lines().filter((line) => line.includes('Could not write log entries'));
    expect(reports).toHaveLength(1);
    expect(JSON.parse(reports[0] ?? '{}').err.message).toBe('database is down');

    sink.failWith = null;
    log.logger.error('third');
    await log.flush();
    expect(sink.entries.map((e) => e.message)).toEqual(['third']);
  });

  it('never throws into the caller, even when insertMany throws synchronously', async () => {
    const { log } = make();
    log.attachDatabase({
      insertMany: () => {
        throw new Error('sync failure');
      },
    });
    expect(() => log.logger.error('x')).not.toThrow();
    await expect(log.flush()).resolves.toBeUndefined();
    expect(log.databaseStats().failed).toBe(1);
  });
});

describe('toLogEntry and level mapping', () => {
  it('maps pino levels to the original names', () => {
    expect([10, 20, 30, 40, 50, 60].map(toOriginalLevel)).toEqual([
      'DEBUG',
      'DEBUG',
      'INFO',
      'WARNING',
      'ERROR',
      'CRITICAL',
    ]);
    expect(toOriginalLevel('warn')).toBe('WARNING');
  });

  it('skips the logger’s own sink-failure reports and keeps non-error `error` fields as data', () => {
    expect(toLogEntry(JSON.stringify({ level: 40, msg: 'x', logSinkFailure: true }))).toBeNull();
    const entry = toLogEntry(JSON.stringify({ level: 50, time: 0, msg: 'm', error: 'plain text' }));
    expect(entry).toMatchObject({ exception: null, extraData: { error: 'plain text' }, loggerName: 'clara' });
  });
});
