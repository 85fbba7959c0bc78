/**
 * Hands every log record to in-process listeners (the Discord log channel mirror, for one). It is a pino
 * destination like the others, so it receives the line after redaction and secret scrubbing.
 */
import { type PinoLevel, toPinoLevel } from './levels.js';

/** One log record as listeners see it (already scrubbed of secrets). */
export interface LogRecord {
  /** pino level name: trace, debug, info, warn, error or fatal. */
  level: PinoLevel;
  time: Date;
  /** The area logger's name (`logger.child({ name })`); absent on the root logger. */
  name?: string;
  msg: string;
  /** The error's stack (or message) when the record carried `err` or `error`. */
  err?: string;
}

export type LogListener = (record: LogRecord) => void;

const LEVEL_LABELS: Readonly<Record<number, PinoLevel>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Parses one JSON log line into a record (null when the line is not a log record we understand). */
export function toLogRecord(line: string): LogRecord | null {
  const raw = JSON.parse(line) as Record<string, unknown>;
  const level =
    typeof raw.level === 'number'
      ? LEVEL_LABELS[raw.level]
      : typeof raw.level === 'string'
        ? toPinoLevel(raw.level)
        : undefined;
  if (!level) return null;
  const error = errorText(raw.err) ?? errorText(raw.error);
  const time = new Date(raw.time as string | number);
  const msg =
    typeof raw.msg === 'string' ? raw.msg : (errorMessage(raw.err) ?? errorMessage(raw.error) ?? '');
  return {
    level,
    time: Number.isNaN(time.getTime()) ? new Date() : time,
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    msg,
    ...(error ? { err: error } : {}),
  };
}

function errorText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { stack, message } = value as Record<string, unknown>;
  if (typeof stack === 'string') return stack;
  return typeof message === 'string' ? message : undefined;
}

function errorMessage(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { message } = value as Record<string, unknown>;
  return typeof message === 'string' ? message : undefined;
}

/**
 * A pino destination that parses lines only while someone listens. A listener that throws is ignored; a
 * record logged synchronously from inside a listener is not handed to the listeners again (no feedback loop),
 * though every other destination still gets it.
 */
export class LogSubscribers {
  private readonly listeners = new Set<LogListener>();
  private delivering = false;

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  write(line: string): void {
    if (this.listeners.size === 0 || this.delivering) return;
    let record: LogRecord | null;
    try {
      record = toLogRecord(line);
    } catch {
      return;
    }
    if (!record) return;
    this.delivering = true;
    try {
      for (const listener of [...this.listeners]) {
        try {
          listener(record);
        } catch {
          // A listener's failure must never break logging.
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
