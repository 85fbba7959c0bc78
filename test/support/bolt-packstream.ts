/**
 * PackStream (Bolt's binary value encoding) and Bolt message chunking, written from the published specification,
 * for the fake Neo4j server. Integers decode to `bigint` and floats to `number`, so the fake keeps Cypher's
 * INTEGER / FLOAT distinction exactly as a client sent it; encoding maps them back the same way.
 */

export type BoltValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | BoltValue[]
  | BoltMap
  | BoltStruct;
export interface BoltMap {
  [key: string]: BoltValue;
}

export class BoltStruct {
  constructor(
    readonly signature: number,
    readonly fields: BoltValue[],
  ) {}
}

export class PackStreamError extends Error {}

const INT8_MIN = -128n;
const INT16_MIN = -32768n;
const INT16_MAX = 32767n;
const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;

export function isBoltMap(value: BoltValue | undefined): value is BoltMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof BoltStruct)
  );
}

class Writer {
  private readonly parts: Buffer[] = [];

  bytes(...values: number[]): void {
    this.parts.push(Buffer.from(values));
  }

  raw(buffer: Buffer | Uint8Array): void {
    this.parts.push(Buffer.from(buffer));
  }

  sized(size: number, tiny: number, m8: number, m16: number, m32: number): void {
    if (tiny >= 0 && size < 16) this.bytes(tiny | size);
    else if (size < 0x100 && m8 >= 0) this.bytes(m8, size);
    else if (size < 0x10000) this.bytes(m16, size >> 8, size & 0xff);
    else {
      const b = Buffer.alloc(5);
      b[0] = m32;
      b.writeUInt32BE(size, 1);
      this.raw(b);
    }
  }

  value(v: BoltValue): void {
    if (v === null) this.bytes(0xc0);
    else if (v === true) this.bytes(0xc3);
    else if (v === false) this.bytes(0xc2);
    else if (typeof v === 'bigint') this.int(v);
    else if (typeof v === 'number') {
      const b = Buffer.alloc(9);
      b[0] = 0xc1;
      b.writeDoubleBE(v, 1);
      this.raw(b);
    } else if (typeof v === 'string') {
      const utf8 = Buffer.from(v, 'utf8');
      this.sized(utf8.length, 0x80, 0xd0, 0xd1, 0xd2);
      this.raw(utf8);
    } else if (v instanceof Uint8Array) {
      this.sized(v.length, -1, 0xcc, 0xcd, 0xce);
      this.raw(v);
    } else if (Array.isArray(v)) {
      this.sized(v.length, 0x90, 0xd4, 0xd5, 0xd6);
      for (const item of v) this.value(item);
    } else if (v instanceof BoltStruct) {
      if (v.fields.length > 15) throw new PackStreamError('A structure has at most 15 fields');
      this.bytes(0xb0 | v.fields.length, v.signature);
      for (const field of v.fields) this.value(field);
    } else {
      const entries = Object.entries(v);
      this.sized(entries.length, 0xa0, 0xd8, 0xd9, 0xda);
      for (const [key, item] of entries) {
        this.value(key);
        this.value(item);
      }
    }
  }

  int(v: bigint): void {
    if (v >= -16n && v <= 127n) this.bytes(Number(BigInt.asUintN(8, v)));
    else if (v >= INT8_MIN && v < -16n) this.bytes(0xc8, Number(BigInt.asUintN(8, v)));
    else if (v >= INT16_MIN && v <= INT16_MAX) {
      const b = Buffer.alloc(3);
      b[0] = 0xc9;
      b.writeInt16BE(Number(v), 1);
      this.raw(b);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      const b = Buffer.alloc(5);
      b[0] = 0xca;
      b.writeInt32BE(Number(v), 1);
      this.raw(b);
    } else {
      const b = Buffer.alloc(9);
      b[0] = 0xcb;
      b.writeBigInt64BE(BigInt.asIntN(64, v), 1);
      this.raw(b);
    }
  }

  result(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function pack(value: BoltValue): Buffer {
  const writer = new Writer();
  writer.value(value);
  return writer.result();
}

export class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  get done(): boolean {
    return this.offset >= this.buffer.length;
  }

  private need(n: number): void {
    if (this.offset + n > this.buffer.length) throw new PackStreamError('PackStream value truncated');
  }

  private u8(): number {
    this.need(1);
    return this.buffer[this.offset++]!;
  }

  private take(n: number): Buffer {
    this.need(n);
    const slice = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return slice;
  }

  private size(marker: number, m8: number): number {
    const width = marker - m8;
    if (width === 0) return this.u8();
    if (width === 1) return this.take(2).readUInt16BE(0);
    return this.take(4).readUInt32BE(0);
  }

  value(): BoltValue {
    const marker = this.u8();
    if (marker < 0x80) return BigInt(marker);
    if (marker >= 0xf0) return BigInt(marker - 0x100);
    const high = marker & 0xf0;
    if (high === 0x80) return this.take(marker & 0x0f).toString('utf8');
    if (high === 0x90) return this.list(marker & 0x0f);
    if (high === 0xa0) return this.map(marker & 0x0f);
    if (high === 0xb0) return this.struct(marker & 0x0f);
    switch (marker) {
      case 0xc0:
        return null;
      case 0xc1:
        return this.take(8).readDoubleBE(0);
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc8:
        return BigInt(this.take(1).readInt8(0));
      case 0xc9:
        return BigInt(this.take(2).readInt16BE(0));
      case 0xca:
        return BigInt(this.take(4).readInt32BE(0));
      case 0xcb:
        return this.take(8).readBigInt64BE(0);
      case 0xcc:
      case 0xcd:
      case 0xce:
        return new Uint8Array(this.take(this.size(marker, 0xcc)));
      case 0xd0:
      case 0xd1:
      case 0xd2:
        return this.take(this.size(marker, 0xd0)).toString('utf8');
      case 0xd4:
      case 0xd5:
      case 0xd6:
        return this.list(this.size(marker, 0xd4));
      case 0xd8:
      case 0xd9:
      case 0xda:
        return this.map(this.size(marker, 0xd8));
      default:
        throw new PackStreamError(`Unknown PackStream marker 0x${marker.toString(16)}`);
    }
  }

  private list(n: number): BoltValue[] {
    const out: BoltValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value());
    return out;
  }

  private map(n: number): BoltMap {
    const out: BoltMap = {};
    for (let i = 0; i < n; i++) {
      const key = this.value();
      if (typeof key !== 'string') throw new PackStreamError('PackStream map keys must be strings');
      out[key] = this.value();
    }
    return out;
  }

  private struct(n: number): BoltStruct {
    const signature = this.u8();
    return new BoltStruct(signature, this.list(n));
  }
}

/** One Bolt message (a structure) from its de-chunked bytes. */
export function unpackMessage(bytes: Buffer): BoltStruct {
  const reader = new Reader(bytes);
  const message = reader.value();
  if (!(message instanceof BoltStruct)) throw new PackStreamError('A Bolt message must be a structure');
  if (!reader.done) throw new PackStreamError('Trailing bytes after a Bolt message');
  return message;
}

/** A message as chunks of at most 65535 bytes, each with a 2-byte size, ended by a 0x0000 marker. */
export function chunkMessage(signature: number, fields: BoltValue[]): Buffer {
  const body = pack(new BoltStruct(signature, fields));
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += 0xffff) {
    const piece = body.subarray(at, at + 0xffff);
    const header = Buffer.alloc(2);
    header.writeUInt16BE(piece.length, 0);
    parts.push(header, piece);
  }
  parts.push(Buffer.alloc(2));
  return Buffer.concat(parts);
}

/** Reassembles messages from a byte stream split at arbitrary points; empty (NOOP) chunks are skipped. */
export class Dechunker {
  private pending: Buffer = Buffer.alloc(0);
  private message: Buffer[] = [];

  feed(data: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    const complete: Buffer[] = [];
    while (this.pending.length >= 2) {
      const size = this.pending.readUInt16BE(0);
      if (size === 0) {
        this.pending = this.pending.subarray(2);
        if (this.message.length > 0) complete.push(Buffer.concat(this.message));
        this.message = [];
        continue;
      }
      if (this.pending.length < 2 + size) break;
      this.message.push(this.pending.subarray(2, 2 + size));
      this.pending = this.pending.subarray(2 + size);
    }
    return complete;
  }
}
