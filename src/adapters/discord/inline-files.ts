/**
 * Inline file blocks in a reply (spec §1.11.4 point 1): the model writes `<<<file:NAME>>>CONTENT<<</file>>>` and the
 * reply shows `📎 *Attached: NAME*` while CONTENT travels as a file attachment.
 *
 * Forms, all case-insensitive and spanning lines:
 * - `<<<file:NAME>>>CONTENT<<</file>>>`, the closer may repeat the name: `<<</file:NAME>>>`;
 * - fallback closers `<<<end>>>` and `<<<endfile>>>`;
 * - last resort for an unclosed tag: CONTENT runs to the next `<<<` or the end of the text, used only when it is
 *   longer than 10 characters and that name was not already extracted.
 * Blocks with empty content are removed without an attachment. Tags left over produce warnings, never errors.
 */

export interface InlineFile {
  name: string;
  content: string;
}

export interface InlineFileExtraction {
  text: string;
  files: InlineFile[];
  /** Leftover or skipped tags, for the log. */
  warnings: string[];
}

/** The name used when nothing usable is left of the one the model wrote. */
export const FALLBACK_FILE_NAME = 'file.txt';
export const MAX_ATTACHMENT_NAME_LENGTH = 100;
const MAX_EXTENSION_LENGTH = 20;
const MIN_UNCLOSED_CONTENT = 10;

/** Every tag: an opener `<<<file:NAME>>>` (group 1) or a closer `<<</file>>>`, `<<</file:NAME>>>`, `<<<end>>>`, `<<<endfile>>>`. */
const TAG = /<<<(?:file:([^>\n]*)|\/file(?::[^>\n]*)?|end(?:file)?)>>>/gi;

interface Block {
  start: number;
  end: number;
  rawName: string;
  content: string;
}

export function attachedMarker(name: string): string {
  return `📎 *Attached: ${name}*`;
}

/** Takes the inline file blocks out of `text`. Names are sanitised and made unique (case-insensitively). */
export function extractInlineFiles(text: string): InlineFileExtraction {
  const warnings: string[] = [];
  const tags = [...text.matchAll(TAG)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    tag: match[0],
    name: match[1],
  }));

  const closed: Block[] = [];
  const unclosed: Array<Block & { tag: string }> = [];
  for (let i = 0; i < tags.length; i += 1) {
    const tag = tags[i]!;
    const next = tags[i + 1];
    if (tag.name === undefined) {
      warnings.push(`Unmatched inline file tag left in the reply: ${tag.tag}`);
    } else if (next && next.name === undefined) {
      closed.push({
        start: tag.start,
        end: next.end,
        rawName: tag.name,
        content: text.slice(tag.end, next.start),
      });
      i += 1;
    } else {
      const nextTag = text.indexOf('<<<', tag.end);
      const end = nextTag < 0 ? text.length : nextTag;
      unclosed.push({
        start: tag.start,
        end,
        rawName: tag.name,
        content: text.slice(tag.end, end),
        tag: tag.tag,
      });
    }
  }

  // Last resort for unclosed tags: long enough content, and a name no other block already used.
  const usedNames = new Set(closed.map((block) => nameKey(block.rawName)));
  const blocks = [...closed];
  for (const block of unclosed) {
    if (block.content.trim().length <= MIN_UNCLOSED_CONTENT || usedNames.has(nameKey(block.rawName))) {
      warnings.push(`Unmatched inline file tag left in the reply: ${block.tag}`);
      continue;
    }
    usedNames.add(nameKey(block.rawName));
    warnings.push(
      `Inline file "${block.rawName.trim()}" had no closing tag; took the text up to the next tag.`,
    );
    blocks.push(block);
  }
  blocks.sort((a, b) => a.start - b.start);

  const files: InlineFile[] = [];
  const taken = new Set<string>();
  let result = '';
  let position = 0;
  for (const block of blocks) {
    result += text.slice(position, block.start);
    position = block.end;
    const content = cleanContent(block.content);
    if (content === '') {
      warnings.push(`Inline file "${block.rawName.trim()}" is empty; no attachment made.`);
      continue;
    }
    const name = uniqueFileName(sanitizeAttachmentName(block.rawName), taken);
    files.push({ name, content });
    result += attachedMarker(name);
  }
  result += text.slice(position);
  return { text: result, files, warnings };
}

function nameKey(rawName: string): string {
  return rawName.trim().toLowerCase();
}

/**
 * Drops the line break after the opening tag and trailing whitespace, unwraps a single ``` block around the whole
 * content, and ends non-empty content with one newline.
 */
function cleanContent(raw: string): string {
  let content = raw.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
  const fenced = /^```[\w+\-.#]*[ \t]*\r?\n([\s\S]*?)\r?\n```$/.exec(content);
  if (fenced?.[1] !== undefined && !fenced[1].includes('```')) content = fenced[1].trimEnd();
  return content.trim() === '' ? '' : `${content}\n`;
}

/**
 * A name safe to attach and to save: the last path segment only, no control characters, no characters Windows or
 * Discord reject, no `..`, at most 100 characters (the extension is kept), `file.txt` when nothing is left.
 */
export function sanitizeAttachmentName(raw: string): string {
  const segments = raw
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim()
    .replace(/^["'`*_]+|["'`*_]+$/g, '')
    .split(/[/\\]/);
  const base = (segments.filter((segment) => segment.trim() !== '').at(-1) ?? '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.$/, '');
  if (base === '' || base === '.') return FALLBACK_FILE_NAME;
  return truncateName(base, MAX_ATTACHMENT_NAME_LENGTH);
}

/** `name`, or `stem-2.ext`, `stem-3.ext`, … when taken (case-insensitive); records the result in `taken`. */
export function uniqueFileName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let counter = 2; taken.has(candidate.toLowerCase()); counter += 1) {
    const { stem, extension } = splitExtension(name);
    const suffix = `-${counter}`;
    candidate = `${truncateName(stem, MAX_ATTACHMENT_NAME_LENGTH - suffix.length - extension.length)}${suffix}${extension}`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > MAX_EXTENSION_LENGTH + 1) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/** Cuts whole code points off the stem so the name fits in `max` characters, keeping a short extension. */
function truncateName(name: string, max: number): string {
  if (name.length <= max) return name;
  const { stem, extension } = splitExtension(name);
  const room = Math.max(1, max - extension.length);
  let kept = '';
  for (const char of stem) {
    if (kept.length + char.length > room) break;
    kept += char;
  }
  return `${kept.trimEnd()}${extension}`;
}
