/**
 * A tiny tar (ustar + PAX long names) encoder and decoder for the Docker archive API: the engine takes and returns
 * files as tar streams (`PUT`/`GET /containers/{id}/archive`). Only regular files are written; reading understands
 * regular files, folders, links, PAX (`x`/`g`) and GNU long-name (`L`/`K`) headers.
 */

const BLOCK = 512;

export interface TarEntry {
  name: string;
  /** `file`, `directory`, `symlink`, `link` or `other`. */
  type: 'file' | 'directory' | 'symlink' | 'link' | 'other';
  size: number;
  mode: number;
  data: Buffer;
  linkName: string;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: string, mode: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(mtime, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest)];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length)
    length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/** A tar archive holding one regular file at `name` (a relative path; parent folders are created on extraction). */
export function tarFile(
  name: string,
  content: Uint8Array,
  options: { mode?: number; mtime?: Date } = {},
): Buffer {
  const mode = options.mode ?? 0o644;
  const mtime = Math.floor((options.mtime ?? new Date()).getTime() / 1000);
  const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const parts: Buffer[] = [];
  if (Buffer.byteLength(name) > 99) {
    const pax = Buffer.from(paxRecord('path', name), 'utf8');
    parts.push(header('PaxHeader', pax.length, 'x', 0o644, mtime), ...padded(pax));
  }
  const shortName = Buffer.from(name, 'utf8')
    .subarray(0, 99)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  parts.push(header(shortName, data.length, '0', mode, mtime), ...padded(data), Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function number(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const digits = text(block, start, length).trim();
  return digits ? Number.parseInt(digits, 8) : 0;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

const TYPES: Record<string, TarEntry['type']> = {
  '0': 'file',
  '\0': 'file',
  '': 'file',
  '7': 'file',
  '5': 'directory',
  '2': 'symlink',
  '1': 'link',
};

/** Every entry of a tar archive (the whole archive is in memory; callers cap its size first). */
export function untar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (at + BLOCK <= archive.length) {
    const block = archive.subarray(at, at + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const type = String.fromCharCode(block[156] ?? 0);
    const size = number(block, 124, 12);
    const data = archive.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pax = { ...pax, ...parsePax(data) };
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L' || type === 'K') {
      const value = data.toString('utf8').replace(/\0+$/, '');
      if (type === 'L') longName = value;
      else longLink = value;
      continue;
    }
    const prefix = text(block, 345, 155);
    const base = text(block, 0, 100);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${base}` : base);
    const linkName = pax.linkpath ?? longLink ?? text(block, 157, 100);
    const realSize = pax.size ? Number(pax.size) : size;
    entries.push({
      name,
      type: TYPES[type] ?? 'other',
      size: realSize,
      mode: number(block, 100, 8),
      data: Buffer.from(data),
      linkName,
    });
    pax = {};
    longName = undefined;
    longLink = undefined;
  }
  return entries;
}
