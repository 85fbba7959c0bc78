/** Output of a run kept within a character budget: the start is kept, the rest only counted, then a note added. */
import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_MAX_OUTPUT_CHARS = 50_000;

export class CappedText {
  private text = '';
  private dropped = 0;
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly maxChars: number) {}

  write(chunk: Buffer): void {
    this.append(this.decoder.write(chunk));
  }

  private append(piece: string): void {
    const room = this.maxChars - this.text.length;
    if (room >= piece.length) this.text += piece;
    else {
      if (room > 0) this.text += piece.slice(0, room);
      this.dropped += piece.length - Math.max(0, room);
    }
  }

  /** Characters seen so far (kept + dropped). */
  get total(): number {
    return this.text.length + this.dropped;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  finish(): string {
    this.append(this.decoder.end());
    return this.text;
  }

  /** The kept text with `[output truncated: N more characters]` when some was dropped. */
  withNote(): string {
    const text = this.finish();
    return this.dropped > 0
      ? `${text}\n[output truncated: ${this.dropped.toLocaleString('en-US')} more characters]`
      : text;
  }
}

/**
 * Reads Docker's multiplexed exec stream (8-byte frame headers: stream type 1 = stdout, 2 = stderr, then a
 * big-endian length) into two capped texts.
 */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  readonly stdout: CappedText;
  readonly stderr: CappedText;

  constructor(maxChars: number) {
    this.stdout = new CappedText(maxChars);
    this.stderr = new CappedText(maxChars);
  }

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const type = this.pending[0];
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + length) return;
      const payload = this.pending.subarray(8, 8 + length);
      (type === 2 ? this.stderr : this.stdout).write(payload);
      this.pending = this.pending.subarray(8 + length);
    }
  }

  get total(): number {
    return this.stdout.total + this.stderr.total;
  }
}
