/** Capture streams and an in-memory log sink for logger tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { LogEntryInput } from '../../src/db/types.js';
import type { LogEntrySink } from '../../src/observability/index.js';

/** A writable that keeps everything written to it. */
export function captureStream(): { stream: Writable; text: () => string; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const text = () => chunks.join('');
  return { stream, text, lines: () => text().split('\n').filter(Boolean) };
}

/** An in-memory implementation of the `insertMany` boundary; `failWith` makes every write fail. */
export class MemoryLogSink implements LogEntrySink {
  readonly batches: LogEntryInput[][] = [];
  failWith: Error | null = null;
  calls = 0;

  async insertMany(entries: LogEntryInput[]): Promise<void> {
    this.calls += 1;
    if (this.failWith) throw this.failWith;
    this.batches.push([...entries]);
  }

  get entries(): LogEntryInput[] {
    return this.batches.flat();
  }
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'clara-logs-'));
}

/** Removes ANSI colour codes. */
export function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Everything in the log files of `dir`. */
export function readLogFiles(dir: string): string {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'))
    .join('');
}
