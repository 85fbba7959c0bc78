import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  captureStream,
  MemoryLogSink,
  plain,
  readLogFiles,
  tempDir,
} from '../../test/support/log-capture.js';
import { type ClaraLogger, createLogger, type LoggerOptions } from './index.js';

const open: ClaraLogger[] = [];
const dirs: string[] = [];

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

function newDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((log) => log.close()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('console output', () => {
  it('writes one JSON object per line with level, ISO time, child name and message', () => {
    const { log, capture } = make();
    log.logger.child({ name: 'engine' }).info({ userId: 'discord-1' }, 'hello');
    const [line] = capture.lines();
    const record = JSON.parse(line ?? '{}');
    expect(record).toMatchObject({ level: 30, name: 'engine', userId: 'discord-1', msg: 'hello' });
    expect(new Date(record.time).toISOString()).toBe(record.time);
  });

  it('pretty-prints like the original: time, level, [tag], message and context', () => {
    const { log, capture } = make({ pretty: true });
    log.logger
      .child({ name: 'llm' })
      .warn({ userId: 'discord-7', sessionId: 'abcdef0123456789' }, 'slow reply');
    log.logger.info('root line');
    const [first, second] = plain(capture.text()).split('\n');
    expect(first).toMatch(
      /^\[\d\d:\d\d:\d\d\] WARN: \[llm\] slow reply \(user=discord-7, session=abcdef01\)$/,
    );
    expect(second).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: \[clara\] root line$/);
    expect(() => JSON.parse(first ?? '')).toThrow();
  });

  it('honours the level and accepts the original level names', () => {
    const { log, capture } = make({ level: 'WARNING' });
    log.logger.info('hidden');
    log.logger.warn('shown');
    expect(capture.lines().map((l) => JSON.parse(l).msg)).toEqual(['shown']);
    expect(() => createLogger({ level: 'loud', pretty: false, logDir: null, secrets: [] })).toThrow(
      /Unknown log level "loud": use one of debug, info, warning, error, critical/,
    );
  });
});

describe('secrets never reach any output', () => {
  const secret = 'sk-live-0123456789abcdef';
  const quoted = 'pa"ss\\word-42';

  it('scrubs a secret in the message, an error stack and a nested field from stdout, files and the database', async () => {
    const dir = newDir();
    const sink = new MemoryLogSink();
    for (const pretty of [false, true]) {
      const { log, capture } = make({ pretty, logDir: dir, secrets: [secret, quoted] });
      log.attachDatabase(sink);
      const logger = log.logger.child({ name: 'tools' });
      logger.warn(`calling the API with ${secret}`);
      logger.error({ err: new Error(`request failed for key ${secret}`) }, 'tool failed');
      logger.error({ context: { request: { note: `header was ${secret}` } }, other: quoted }, 'nested');
      await log.flush();
      const outputs = [capture.text(), readLogFiles(dir), JSON.stringify(sink.entries)];
      for (const output of outputs) {
        expect(output).not.toContain(secret);
        expect(output).not.toContain('0123456789abcdef');
        expect(output).not.toContain('ss\\\\word');
        expect(output).not.toContain('ss\\word');
        expect(output).toContain('****');
      }
    }
    expect(sink.entries.find((e) => e.message === 'tool failed')?.exception).toMatch(
      /^Error: request failed for key \*\*\*\*\n/,
    );
  });

  it('redacts secret-bearing keys at any of the first three levels', () => {
    const { log, capture } = make();
    log.logger.info(
      {
        apiKey: 'k1',
        password: 'p1',
        req: { headers: { authorization: 'Bearer t1', 'x-api-key': 'x1' } },
        oauth: { tokens: { access_token: 'a1', refresh_token: 'r1' } },
        tokensUsed: 12,
      },
      'call',
    );
    const record = JSON.parse(capture.lines()[0] ?? '{}');
    expect(record.apiKey).toBe('[redacted]');
    expect(record.password).toBe('[redacted]');
    expect(record.req.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]' });
    expect(record.oauth.tokens).toEqual({ access_token: '[redacted]', refresh_token: '[redacted]' });
    expect(record.tokensUsed).toBe(12);
  });
});

describe('log files', () => {
  it('writes JSON lines into a file in logDir, at the console level', async () => {
    const dir = newDir();
    const { log } = make({ level: 'info', logDir: dir });
    log.logger.child({ name: 'db' }).info('opened');
    log.logger.debug('not in the file');
    await log.close();
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^clara\.\d{4}-\d{2}-\d{2}\.1\.log$/);
    const lines = readLogFiles(dir).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([{ name: 'db', msg: 'opened' }]);
  });

  it('rotates by size and keeps a bounded number of files', async () => {
    const dir = newDir();
    const { log } = make({ logDir: dir, rotation: { size: '1k', frequency: 'daily', keep: 2 } });
    await log.flush();
    for (let i = 0; i < 60; i++) {
      log.logger.info({ i, padding: 'x'.repeat(80) }, 'line');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await log.flush();
    await vi.waitFor(() => {
      const files = fs.readdirSync(dir).filter((name) => name.endsWith('.log'));
      expect(files.length).toBeGreaterThanOrEqual(2);
      expect(files.length).toBeLessThanOrEqual(3);
    });
    const numbers = fs.readdirSync(dir).map((name) => Number(name.split('.')[2]));
    expect(Math.max(...numbers)).toBeGreaterThan(3);
    for (const line of readLogFiles(dir).trim().split('\n')) expect(JSON.parse(line).msg).toBe('line');
  });

  it('keeps logging to the console when the log directory cannot be created', async () => {
    const dir = newDir();
    const blocker = `${dir}/not-a-dir`;
    fs.writeFileSync(blocker, 'x');
    const { log, capture } = make({ logDir: `${blocker}/logs` });
    log.logger.info('still here');
    await log.flush();
    const messages = capture.lines().map((line) => JSON.parse(line).msg);
    expect(messages).toContain('still here');
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^File logging disabled: cannot write log files in .*not-a-dir\/logs; make it writable/,
      ),
    );
  });
});
