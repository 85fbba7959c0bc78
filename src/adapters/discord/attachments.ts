/**
 * Attachments of an incoming Discord message (spec §1.13, fixed): each one is downloaded once (with a byte cap, so
 * a lying `size` never makes us read more), saved through the caller's file store, and then
 * - images (PNG, JPEG, GIF, WebP by content type or extension) are sized for vision (see images.ts);
 * - text files are decoded (UTF-8, Latin-1 fallback, UTF-16 with a BOM) and inlined, cut to `maxChars`;
 * - text files over `maxTextBytes` and all other files get a note that they are saved for the file tools.
 * Nothing here throws for a bad attachment; every problem becomes a note for the model and a short line for the
 * person (`notices`: too large, not readable, not downloaded, not saved). Only an aborted `signal` rejects.
 */
import type { ImageInput } from '../../domain/index.js';
import { prepareImage } from './images.js';

export interface IncomingAttachment {
  name: string;
  url: string;
  /** Size reported by Discord, in bytes (checked before downloading, and again on the bytes). */
  size: number;
  contentType?: string | null;
}

export interface AttachmentOptions {
  /** Longest image side in pixels (`DISCORD_MAX_IMAGE_DIMENSION`). */
  maxImageDimension: number;
  /** Largest encoded image in bytes (`DISCORD_MAX_IMAGE_SIZE`). */
  maxImageBytes: number;
  /** Largest text file inlined, in bytes (`DISCORD_MAX_FILE_SIZE`). */
  maxTextBytes: number;
  /** Characters of one text file kept in the prompt (`DISCORD_MAX_CHARS`). */
  maxChars: number;
  /** Larger attachments are not downloaded at all (default 20 MB). */
  maxDownloadBytes?: number;
  /** Stores the file (the lead passes the file store). A rejection becomes a note. */
  save?: (name: string, bytes: Uint8Array) => Promise<void>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface AttachmentResult {
  /** To append to the user text: `\n\n--- File: NAME ---\n…` blocks, then the notes. No `[Image: …]` placeholders. */
  text: string;
  images: ImageInput[];
  /** Rendered notes, `[Attachment: NAME] …`, in attachment order (also contained in `text`). */
  notes: string[];
  /** Names passed to `save` successfully. */
  saved: string[];
  /** For the person, one per problem attachment: `📎 NAME: what happened` (too large, unreadable, not saved). */
  notices: string[];
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 20_000_000;
const PARALLEL_DOWNLOADS = 3;

const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp']);
const IMAGE_CONTENT_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp']);
const TEXT_EXTENSIONS = new Set(
  (
    'txt md py js ts jsx tsx json yaml yml html css scss xml csv log sh bash zsh c cpp h hpp java go rs rb php ' +
    'sql toml ini cfg conf env gitignore dockerfile'
  ).split(' '),
);
const TEXT_CONTENT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/javascript',
  'application/x-sh',
]);

function extensionOf(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower === 'dockerfile') return 'dockerfile';
  const dot = lower.lastIndexOf('.');
  return dot >= 0 ? lower.slice(dot + 1) : '';
}

function mediaTypeOf(attachment: { contentType?: string | null }): string {
  return (attachment.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** An image we send to the model: PNG, JPEG, GIF or WebP by content type or by file extension. */
export function isImageAttachment(attachment: Pick<IncomingAttachment, 'name' | 'contentType'>): boolean {
  const type = mediaTypeOf(attachment);
  return IMAGE_CONTENT_TYPES.has(type) || IMAGE_EXTENSIONS.has(extensionOf(attachment.name));
}

/** A file inlined as text: the extension list of spec §1.13, or a `text/*` (or JSON/XML/YAML) content type. */
export function isTextAttachment(attachment: Pick<IncomingAttachment, 'name' | 'contentType'>): boolean {
  const type = mediaTypeOf(attachment);
  return (
    type.startsWith('text/') ||
    TEXT_CONTENT_TYPES.has(type) ||
    TEXT_EXTENSIONS.has(extensionOf(attachment.name))
  );
}

interface Outcome {
  block?: string;
  note?: string;
  notice?: string;
  image?: ImageInput;
  saved?: string;
}

/** Reads every attachment (three at a time), keeping their order in the result. */
export async function readAttachments(
  list: IncomingAttachment[],
  options: AttachmentOptions,
): Promise<AttachmentResult> {
  const outcomes: Outcome[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const index = next++;
      outcomes[index] = await readOne(list[index]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, list.length) }, worker));

  const blocks = outcomes.flatMap((outcome) => (outcome.block ? [outcome.block] : []));
  const notes = outcomes.flatMap((outcome) => (outcome.note ? [outcome.note] : []));
  return {
    text: blocks.join('') + (notes.length > 0 ? `\n\n${notes.join('\n')}` : ''),
    images: outcomes.flatMap((outcome) => (outcome.image ? [outcome.image] : [])),
    notes,
    saved: outcomes.flatMap((outcome) => (outcome.saved ? [outcome.saved] : [])),
    notices: outcomes.flatMap((outcome) => (outcome.notice ? [outcome.notice] : [])),
  };
}

async function readOne(attachment: IncomingAttachment, options: AttachmentOptions): Promise<Outcome> {
  const { name } = attachment;
  /** `text` tells the model; `told` tells the person. */
  const note = (text: string, told: string, saved?: string): Outcome => ({
    note: `[Attachment: ${name}] ${text}`,
    notice: `📎 ${name}: ${told}`,
    saved,
  });
  const cannotRead = 'I can only read text files and images, so I didn’t read this one.';
  const maxDownload = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const image = isImageAttachment(attachment);
  const text = !image && isTextAttachment(attachment);
  const kind = image ? 'image' : 'file';

  if (attachment.size > maxDownload) {
    const sizes = `${formatBytes(attachment.size)}; the limit is ${formatBytes(maxDownload)}`;
    return note(
      `${kind} too large (${sizes}), so it was not downloaded or saved.`,
      `too large (${sizes}), so I didn’t download or save it.`,
    );
  }
  const inlineText = text && attachment.size <= options.maxTextBytes;
  if (!image && !inlineText && !options.save) {
    const sizes = `${formatBytes(attachment.size)}; the limit is ${formatBytes(options.maxTextBytes)}`;
    return text
      ? note(`text file too large to include (${sizes}).`, `too large for me to read (${sizes}).`)
      : note('file received; its content is not shown (not a text file or image).', cannotRead);
  }

  const download = await downloadCapped(attachment.url, maxDownload, options);
  if (!download.ok) return note(download.reason, `it ${download.reason}`);
  const bytes = download.bytes;

  let saved: string | undefined;
  let saveProblem: string | undefined;
  if (options.save) {
    try {
      await options.save(name, bytes);
      saved = name;
    } catch (error) {
      saveProblem = `could not be saved (${errorText(error)})`;
    }
  }
  const whereSaved = saved
    ? 'It is saved: open it with the read_local_file tool (send_local_file sends it back).'
    : saveProblem
      ? `It ${saveProblem}.`
      : 'It was not saved.';
  const toldSaved = saved ? ' It is saved in your files.' : saveProblem ? ` It ${saveProblem}.` : '';

  if (image) {
    const prepared = await prepareImage(bytes, {
      maxDimension: options.maxImageDimension,
      maxBytes: options.maxImageBytes,
    });
    if (!prepared.ok)
      return note(
        `${prepared.reason}, so it was not sent to the model. ${whereSaved}`,
        `this image ${prepared.reason}, so I couldn’t look at it.${toldSaved}`,
        saved,
      );
    const input: ImageInput = {
      name,
      mediaType: prepared.image.mediaType,
      base64: Buffer.from(prepared.image.bytes).toString('base64'),
    };
    return saveProblem
      ? { image: input, ...note(`image ${saveProblem}.`, `I can see it, but it ${saveProblem}.`) }
      : { image: input, saved };
  }

  if (text) {
    if (bytes.length > options.maxTextBytes) {
      const sizes = `${formatBytes(bytes.length)}; the limit is ${formatBytes(options.maxTextBytes)}`;
      return note(
        `text file too large to include (${sizes}). ${whereSaved}`,
        `too large for me to read (${sizes}).${toldSaved}${saved ? ' Ask me to open it if you need it.' : ''}`,
        saved,
      );
    }
    const decoded = decodeAttachmentText(bytes);
    if (decoded === null)
      return note(
        `is named like a text file but holds binary data. ${whereSaved}`,
        `it is named like a text file but holds binary data, so I couldn’t read it.${toldSaved}`,
        saved,
      );
    const block = `\n\n--- File: ${name} ---\n${truncateChars(decoded, options.maxChars)}`;
    return saveProblem
      ? { block, ...note(`text file ${saveProblem}.`, `I read it, but it ${saveProblem}.`) }
      : { block, saved };
  }

  return note(
    `file (${formatBytes(bytes.length)}) is not a text file or image, so its content is not shown. ${whereSaved}`,
    `${cannotRead}${saved ? ' It is saved, so my file tools can still open it.' : toldSaved}`,
    saved,
  );
}

type Download = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

/** GETs `url`, reading at most `cap` bytes; an aborted signal rejects, every other failure is a reason. */
async function downloadCapped(url: string, cap: number, options: AttachmentOptions): Promise<Download> {
  const fetchImpl = options.fetch ?? fetch;
  const tooLarge = (size: string): Download => ({
    ok: false,
    reason: `is larger than its reported size (${size}; the download limit is ${formatBytes(cap)}), so it was not downloaded or saved.`,
  });
  try {
    const response = await fetchImpl(url, { signal: options.signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, reason: `could not be downloaded (HTTP ${response.status}).` };
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > cap) {
      await response.body.cancel().catch(() => undefined);
      return tooLarge(formatBytes(declared));
    }
    const reader = response.body.getReader();
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > cap) {
        await reader.cancel().catch(() => undefined);
        return tooLarge(`more than ${formatBytes(cap)}`);
      }
      parts.push(value);
    }
    return { ok: true, bytes: concat(parts, total) };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    return { ok: false, reason: `could not be downloaded (${errorText(error)}).` };
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

/** UTF-8 (BOM dropped), UTF-16 with a BOM, else Latin-1; null for binary data (NUL bytes). */
export function decodeAttachmentText(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (bytes.includes(0)) return null;
  try {
    return utf8(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

/** At most `maxChars` characters (never half a surrogate pair), with a marker when cut. */
export function truncateChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}\n[truncated: showing the first ${end} of ${text.length} characters]`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.split('\n')[0]!.slice(0, 200);
}
