/**
 * The process logger (pino): console (pretty on a TTY, JSON lines otherwise), rotating JSON files, and the
 * `log_entries` table for warnings and above. Every line is scrubbed of secret values before any destination
 * sees it, and common secret-bearing fields are redacted.
 */
import pino from 'pino';
import { DbLogQueue, type DbLogStats, type LogEntrySink, SINK_FAILURE_FIELD } from './db-sink.js';
import { DEFAULT_ROTATION, type FileRotation, RollingFileStream } from './file-stream.js';
import { mostVerbose, toPinoLevel } from './levels.js';
import { type LineDestination, prettyDestination } from './pretty.js';
import { lineScrubber } from './scrub.js';
import { type LogListener, LogSubscribers } from './subscribers.js';

export interface LoggerOptions {
  /** pino or original level name (debug, info, warn/warning, error, fatal/critical), any case. */
  level: string;
  /** Human-readable console output (pass `process.stdout.isTTY`); JSON lines otherwise. */
  pretty: boolean;
  /** Directory for rotating log files, or null for none. */
  logDir: string | null;
  /** Values that must never appear in any output (see `secretValues` in src/config). */
  secrets: readonly string[];
  /** Console destination; defaults to process.stdout. */
  destination?: NodeJS.WritableStream;
  /** File rotation; defaults to daily + 10 MB, keeping 7 files. */
  rotation?: FileRotation;
  /** Database batching (tests use smaller values). */
  database?: { batchSize?: number; flushIntervalMs?: number; capacity?: number };
}

export interface ClaraLogger {
  /** The root logger; create area loggers with `logger.child({ name: 'engine' })`. */
  readonly logger: pino.Logger;
  /** Starts copying warnings and above into `log_entries` (entries logged earlier are kept, bounded). */
  attachDatabase(sink: LogEntrySink): void;
  /** Writes out everything pending (database batches, files). */
  flush(): Promise<void>;
  /** Flushes, stops the database timer and closes the log file. The console stream is left open. */
  close(): Promise<void>;
  /** Database sink counters (queued, written, dropped, failed). */
  databaseStats(): DbLogStats;
  /**
   * Calls `listener` with every record at or above the logger's level, after redaction and secret scrubbing
   * (it sees exactly what the console and files see). Returns the function that unsubscribes.
   */
  subscribe(listener: LogListener): () => void;
}

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
];
const SECRET_HEADER_KEYS = ['x-api-key', 'X-API-Key'];

/** pino redaction paths: each key at the top level and up to two levels deep (e.g. req.headers.authorization). */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ...SECRET_HEADER_KEYS.flatMap((key) => [`["${key}"]`, `*["${key}"]`, `*.*["${key}"]`]),
];

export function createLogger(options: LoggerOptions): ClaraLogger {
  const level = toPinoLevel(options.level);
  const scrub = lineScrubber(options.secrets);
  const output: LineDestination = options.destination ?? process.stdout;
  let logger: pino.Logger | undefined;
  let sinkFailureReported = false;

  const database = new DbLogQueue({
    ...options.database,
    onWriteError: (error, lost) => {
      if (sinkFailureReported) return;
      sinkFailureReported = true;
      logger?.warn(
        { [SINK_FAILURE_FIELD]: true, err: error, lostEntries: lost },
        'Could not write log entries to the database; they were dropped (further failures are not reported until a write succeeds).',
      );
    },
    onWriteOk: () => {
      sinkFailureReported = false;
    },
  });

  const file = options.logDir
    ? new RollingFileStream(options.logDir, options.rotation ?? DEFAULT_ROTATION, (error) => {
        logger?.warn(
          { err: error, logDir: options.logDir },
          `File logging disabled: cannot write log files in ${options.logDir}; make it writable or choose another log directory.`,
        );
      })
    : null;

  const consoleStream: LineDestination = options.pretty
    ? prettyDestination(output, scrub, true)
    : { write: (line: string) => output.write(line) };

  const subscribers = new LogSubscribers();
  const streams: pino.StreamEntry[] = [
    { level, stream: consoleStream },
    { level: 'warn', stream: database },
    { level, stream: subscribers },
  ];
  if (file) streams.push({ level, stream: file });

  logger = pino(
    {
      level: mostVerbose(level, 'warn'),
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: scrub },
    },
    pino.multistream(streams),
  );

  const flush = async () => {
    await database.flush();
    await file?.flush();
  };

  return {
    logger,
    attachDatabase: (sink) => database.attach(sink),
    flush,
    close: async () => {
      await database.close();
      await file?.close();
    },
    databaseStats: () => database.stats(),
    subscribe: (listener) => subscribers.subscribe(listener),
  };
}
