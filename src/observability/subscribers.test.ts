import { afterEach, describe, expect, it } from 'vitest';
import { captureStream } from '../../test/support/log-capture.js';
import { type ClaraLogger, createLogger, type LoggerOptions, type LogRecord } from './index.js';

const open: ClaraLogger[] = [];

function make(options: Partial<LoggerOptions> = {}) {
  const capture = captureStream();
  const log = createLogger({
    level: 'info',
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

describe('ClaraLogger.subscribe', () => {
  it('hands listeners each record at or above the level: level name, time, logger name, message, error stack', () => {
    const { log } = make();
    const records: LogRecord[] = [];
    log.subscribe((record) => records.push(record));
    const engine = log.logger.child({ name: 'engine' });
    engine.debug('below the level');
    engine.info({ userId: 'discord-1' }, 'turn done');
    log.logger.error({ err: new Error('boom') }, 'reply failed');
    log.logger.warn({ err: new Error('only an error') });

    expect(records.map((r) => [r.level, r.name, r.msg])).toEqual([
      ['info', 'engine', 'turn done'],
      ['error', undefined, 'reply failed'],
      ['warn', undefined, 'only an error'],
    ]);
    expect(records[0]?.time).toBeInstanceOf(Date);
    expect(Number.isNaN(records[0]?.time.getTime())).toBe(false);
    expect(records[0]?.err).toBeUndefined();
    expect(records[1]?.err).toMatch(/^Error: boom\n\s+at /);
  });

  it('scrubs secret values from the message and the error before a listener sees them', () => {
    const secret = 'sk-live-0123456789abcdef';
    const { log, capture } = make({ secrets: [secret] });
    const records: LogRecord[] = [];
    log.subscribe((record) => records.push(record));
    log.logger
      .child({ name: 'llm' })
      .error({ err: new Error(`bad key ${secret}`) }, `calling with ${secret}`);

    const record = records[0];
    expect(record?.msg).toBe('calling with ****');
    expect(record?.err).toContain('bad key ****');
    expect(JSON.stringify(records)).not.toContain(secret);
    // The console saw the same scrubbed line.
    expect(capture.text()).not.toContain(secret);
  });

  it('stops after unsubscribing, survives a throwing listener and never feeds a listener its own logging', () => {
    const { log, capture } = make();
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('listener broke');
    });
    const off = log.subscribe((record) => {
      seen.push(record.msg);
      // Logging from inside a listener reaches the console but is not handed back to listeners.
      log.logger.info(`echo of ${record.msg}`);
    });
    log.logger.info('first');
    off();
    log.logger.info('second');

    expect(seen).toEqual(['first']);
    const consoleMessages = capture.lines().map((line) => JSON.parse(line).msg);
    expect(consoleMessages.sort()).toEqual(['echo of first', 'first', 'second']);
  });
});
