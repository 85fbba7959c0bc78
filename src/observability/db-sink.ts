/**
 * Writes warnings and errors into `log_entries`: batched, bounded, never throwing into the logging caller.
 * Receives the same (already scrubbed) JSON lines as every other destination.
 */
import type { LogEntryInput, Repositories } from '../db/types.js';
import { toOriginalLevel } from './levels.js';

export type LogEntrySink = Pick<Repositories['logEntries'], 'insertMany'>;

/** Set on the logger's own report of a failing sink, so that report never goes back into the sink. */
export const SINK_FAILURE_FIELD = 'logSinkFailure';

export interface DbLogQueueOptions {
  batchSize?: number;
  flushIntervalMs?: number;
  capacity?: number;
  /** Called (never re-entrantly into the sink) when a batch could not be written. */
  onWriteError?: (error: unknown, lostEntries: number) => void;
  /** Called after a batch was written. */
  onWriteOk?: () => void;
}

export interface DbLogStats {
  readonly queued: number;
  readonly written: number;
  /** Entries dropped because the queue was full (or the logger closed). */
  readonly dropped: number;
  /** Entries lost because the sink failed. */
  readonly failed: number;
}

const STANDARD_FIELDS = new Set([
  'level',
  'time',
  'msg',
  'name',
  'pid',
  'hostname',
  'err',
  'error',
  'userId',
  'sessionId',
]);

/** Parses one JSON log line into a `log_entries` row (null for lines that must not be stored). */
export function toLogEntry(line: string): LogEntryInput | null {
  const record = JSON.parse(line) as Record<string, unknown>;
  if (record[SINK_FAILURE_FIELD] === true) return null;
  const error = errorLike(record.err) ?? errorLike(record.error);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!STANDARD_FIELDS.has(key)) extra[key] = value;
  }
  if (record.error !== undefined && !errorLike(record.error)) extra.error = record.error;
  const time = new Date(record.time as string | number);
  return {
    timestamp: Number.isNaN(time.getTime()) ? new Date() : time,
    level: toOriginalLevel(record.level as number | string),
    loggerName: typeof record.name === 'string' ? record.name : 'clara',
    message: typeof record.msg === 'string' ? record.msg : (error?.message ?? ''),
    exception: error?.stack ?? null,
    extraData: Object.keys(extra).length > 0 ? extra : null,
    userId: typeof record.userId === 'string' ? record.userId : null,
    sessionId: typeof record.sessionId === 'string' ? record.sessionId : null,
  };
}

function errorLike(value: unknown): { message?: string; stack?: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { message, stack } = value as Record<string, unknown>;
  if (typeof stack !== 'string' && typeof message !== 'string') return null;
  return {
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof stack === 'string' ? { stack } : {}),
  };
}

export class DbLogQueue {
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly capacity: number;
  private readonly queue: LogEntryInput[] = [];
  private sink: LogEntrySink | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private soon = false;
  private closed = false;
  private written = 0;
  private dropped = 0;
  private failed = 0;

  constructor(private readonly options: DbLogQueueOptions = {}) {
    this.batchSize = options.batchSize ?? 50;
    this.flushIntervalMs = options.flushIntervalMs ?? 2000;
    this.capacity = options.capacity ?? 1000;
  }

  /** pino destination interface: one JSON line. Never throws. */
  write(line: string): void {
    try {
      const entry = toLogEntry(line);
      if (entry) this.enqueue(entry);
    } catch {
      this.dropped += 1;
    }
  }

  /** Starts writing (entries logged before are kept, up to the capacity). */
  attach(sink: LogEntrySink): void {
    this.sink = sink;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
    if (this.queue.length > 0) this.flushSoon();
  }

  /** Writes everything queued (no-op before `attach`). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.drain());
    return this.chain;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
    this.closed = true;
  }

  stats(): DbLogStats {
    return { queued: this.queue.length, written: this.written, dropped: this.dropped, failed: this.failed };
  }

  private enqueue(entry: LogEntryInput): void {
    if (this.closed || this.queue.length >= this.capacity) {
      this.dropped += 1;
      return;
    }
    this.queue.push(entry);
    if (this.queue.length >= this.batchSize) this.flushSoon();
  }

  private flushSoon(): void {
    if (!this.sink || this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      void this.flush();
    });
  }

  private async drain(): Promise<void> {
    const sink = this.sink;
    while (sink && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await sink.insertMany(batch);
        this.written += batch.length;
        this.notify(() => this.options.onWriteOk?.());
      } catch (error) {
        this.failed += batch.length;
        this.notify(() => this.options.onWriteError?.(error, batch.length));
      }
    }
  }

  private notify(callback: () => void): void {
    try {
      callback();
    } catch {
      // a broken callback must not stop the queue
    }
  }
}
