/** Rotating JSON-lines log files (pino-roll): daily and by size, keeping a bounded number of files. */
import path from 'node:path';
import roll from 'pino-roll';
import type { SonicBoom } from 'sonic-boom';

export interface FileRotation {
  /** Rotate when a file reaches this size, e.g. '10m'. */
  readonly size: string;
  readonly frequency: 'daily' | 'hourly';
  /** Rotated files kept besides the active one. */
  readonly keep: number;
}

export const DEFAULT_ROTATION: FileRotation = { size: '10m', frequency: 'daily', keep: 7 };

/** Lines written before pino-roll has opened the file are held here (bounded). */
const MAX_PENDING_LINES = 10_000;

/**
 * A synchronous-to-use stream over pino-roll's asynchronously opened file. Files are named
 * `clara.<yyyy-MM-dd>.<n>.log` inside `dir`. A failing file (unwritable directory, full disk) is reported once
 * through `onError` and then ignored, so logging to the other destinations continues.
 */
export class RollingFileStream {
  private stream: SonicBoom | null = null;
  private pending: string[] = [];
  private failed = false;
  private readonly opened: Promise<void>;

  constructor(dir: string, rotation: FileRotation, onError: (error: unknown) => void) {
    const fail = (error: unknown) => {
      if (this.failed) return;
      this.failed = true;
      this.pending = [];
      onError(error);
    };
    this.opened = roll({
      file: path.join(dir, 'clara'),
      extension: '.log',
      dateFormat: 'yyyy-MM-dd',
      frequency: rotation.frequency,
      size: rotation.size,
      limit: { count: rotation.keep, removeOtherLogFiles: true },
      mkdir: true,
      sync: true,
    }).then((stream) => {
      stream.on('error', fail);
      this.stream = stream;
      for (const line of this.pending) stream.write(line);
      this.pending = [];
    }, fail);
  }

  write(line: string): void {
    if (this.failed) return;
    if (this.stream) {
      this.stream.write(line);
    } else if (this.pending.length < MAX_PENDING_LINES) {
      this.pending.push(line);
    }
  }

  /** Resolves once the file is open and everything written so far is on disk (writes are synchronous). */
  async flush(): Promise<void> {
    await this.opened;
  }

  async close(): Promise<void> {
    await this.opened;
    const stream = this.stream;
    this.stream = null;
    this.failed = true;
    if (!stream) return;
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
      stream.end();
    });
  }
}
