/**
 * Safe names (spec §7.2, hardened): every user id, channel id and file name becomes one path segment that cannot
 * leave its folder. Names are Unicode-normalised (NFC), then everything but letters, digits, `.`, `-`, `_` becomes
 * `_` (so no `/`, `\`, NUL, `%`, `:` or control characters survive), leading dots are stripped (no `.`/`..`, no
 * hidden files) and the result is cut to a length every file system and S3 accepts.
 */
import { type FileNamespace, FileStoreError } from './types.js';

/** Longest stored file name, in UTF-8 bytes (file systems allow 255). */
export const MAX_NAME_BYTES = 200;
/** Longest user/channel id segment, in UTF-8 bytes. */
export const MAX_ID_BYTES = 128;
const MAX_EXTENSION_CHARS = 16;
export const UNNAMED_FILE = 'unnamed_file';

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** Cuts whole code points from the end until the text fits in `maxBytes`. */
function cutToBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  let kept = '';
  let bytes = 0;
  for (const char of text) {
    bytes += byteLength(char);
    if (bytes > maxBytes) break;
    kept += char;
  }
  return kept;
}

/** A file name → one safe segment. Same input, same output (so read finds what save stored). */
export function sanitizeFileName(raw: string): string {
  const cleaned = raw
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]/gu, '_')
    .replace(/^\.+/, '');
  if (!cleaned) return UNNAMED_FILE;
  if (byteLength(cleaned) <= MAX_NAME_BYTES) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension =
    dot > 0 && cleaned.length - dot <= MAX_EXTENSION_CHARS + 1 ? cutToBytes(cleaned.slice(dot), 64) : '';
  const stem = cutToBytes(
    cleaned.slice(0, cleaned.length - extension.length),
    MAX_NAME_BYTES - byteLength(extension),
  );
  return `${stem}${extension}`;
}

/** A user or channel id → one safe segment (letters, digits, `-`, `_`). Empty ids are refused. */
export function sanitizeId(raw: string, what: 'user id' | 'channel id'): string {
  const cleaned = cutToBytes(raw.normalize('NFC').replace(/[^\p{L}\p{N}_-]/gu, '_'), MAX_ID_BYTES);
  if (!cleaned) {
    throw new FileStoreError(
      'invalid_name',
      `The ${what} is empty, so there is no folder to use for the files.`,
    );
  }
  return cleaned;
}

/** The namespace as safe path segments: `[user]` or `[user, channel]`. */
export function namespaceSegments(namespace: FileNamespace): string[] {
  const user = sanitizeId(namespace.userId, 'user id');
  return namespace.channelId ? [user, sanitizeId(namespace.channelId, 'channel id')] : [user];
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

/** Throws the "File too large" error (spec §7.3's message, with sizes a person can read). */
export function checkSize(name: string, size: number, maxFileSize: number): void {
  if (size <= maxFileSize) return;
  throw new FileStoreError(
    'too_large',
    `File too large: ${name} is ${size} bytes (${formatSize(size)}); the limit is ${maxFileSize} bytes ` +
      `(${formatSize(maxFileSize)}, CLARA_MAX_FILE_SIZE).`,
  );
}

const TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  ts: 'text/plain; charset=utf-8',
  py: 'text/x-python; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

/** Content type from the file name's extension; `application/octet-stream` when unknown. */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
  return TYPES[extension] ?? 'application/octet-stream';
}
