/**
 * Splitting a reply into Discord messages (spec §1.11.4 point 3, with the code-fence defect fixed).
 *
 * Within each window the split point is chosen by the first rule that applies:
 * 1. the window ends inside a code block opened by the window's last fence (index > 0) → split before that fence;
 * 2. last blank line beyond half the window → split after it;
 * 3. last newline beyond half → split after it;
 * 4. last ". ", "! " or "? " beyond half → split after the punctuation;
 * 5. last space beyond half → split there;
 * 6. hard cut at the last grapheme boundary of the window (emoji and surrogate pairs stay whole, a ``` run stays
 *    whole).
 * The chunk is right-trimmed and the remainder left-trimmed (inside a code block only blank lines and the rest of a
 * cut line are dropped, so indentation survives). A chunk that ends inside a code block gets a closing fence and the
 * next chunk reopens the block with the same info string (```ts); every chunk, added fences included, stays within
 * the limit. Fences follow Discord's rule: every ``` toggles a code block.
 *
 * Prefix stability (the streaming renderer relies on it): a chunk cut from a window depends only on the text up to
 * the end of that window, so once the text has grown past it, appending more text never changes it.
 * {@link splitStreaming} reports how many leading chunks are settled in that sense.
 */

/** Discord's hard message limit in characters (spec §1.11.4; `DISCORD_MAX_CHARS` is a different setting). */
export const DISCORD_MESSAGE_LIMIT = 2000;
/** The smallest limit accepted: room for a reopened fence, a closing fence and some text. */
export const MIN_CHUNK_LIMIT = 40;

const FENCE = '```';
const CLOSING_FENCE = '\n```';
/** Longer info strings are not repeated when a block is reopened (keeps the reopening line short). */
const MAX_REOPEN_LANG = 16;
/** Stateless (every `segment()` call is independent), so one shared instance is safe. */
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export interface StreamingSplit {
  chunks: string[];
  /** `chunks[0..finalCount)` can no longer change when text is appended; the rest may still be re-cut. */
  finalCount: number;
}

interface FenceState {
  open: boolean;
  /** Info string of the open block (`ts`), '' when none or unknown. */
  lang: string;
}

const CLOSED: FenceState = { open: false, lang: '' };

/** Splits `text` into messages of at most `limit` characters. Empty or whitespace-only text gives []. */
export function splitMessage(text: string, limit = DISCORD_MESSAGE_LIMIT): string[] {
  return splitStreaming(text, limit).chunks;
}

/**
 * Like {@link splitMessage}, and also says which chunks are settled: for any `more`,
 * `splitStreaming(text + more).chunks` starts with `splitStreaming(text).chunks.slice(0, finalCount)`.
 */
export function splitStreaming(text: string, limit = DISCORD_MESSAGE_LIMIT): StreamingSplit {
  if (!Number.isInteger(limit) || limit < MIN_CHUNK_LIMIT) {
    throw new RangeError(`splitMessage: limit must be a whole number ≥ ${MIN_CHUNK_LIMIT}, got ${limit}`);
  }
  const chunks: string[] = [];
  let finalCount = 0;
  let settled = true;
  let state = CLOSED;
  let rest = text.trimStart();
  for (;;) {
    const contentEnd = lastNonSpace(rest) + 1;
    if (contentEnd === 0) break;
    const prefix = state.open ? `${FENCE}${state.lang}\n` : '';
    const budget = limit - prefix.length;
    if (contentEnd <= budget) {
      const trimmed = rest.slice(0, contentEnd);
      const endState = fenceStateAfter(trimmed, state);
      if (contentEnd + (endState.open ? CLOSING_FENCE.length : 0) <= budget) {
        chunks.push(prefix + trimmed + (endState.open ? CLOSING_FENCE : ''));
        break;
      }
      // Too long only because of the closing fence: more text (the closing ```) could still make it fit, so this
      // chunk and everything after it stay provisional.
      settled = false;
    }
    const cut = cutChunk(rest, budget, state);
    if (cut.body.trim() !== '') {
      chunks.push(prefix + cut.body + (cut.state.open ? CLOSING_FENCE : ''));
      if (settled) finalCount = chunks.length;
    }
    const remainder = rest.slice(cut.end);
    rest = cut.state.open ? trimCodeRemainder(remainder, rest[cut.end - 1] !== '\n') : remainder.trimStart();
    state = cut.state.open ? { open: true, lang: reopenLang(cut.state.lang) } : CLOSED;
  }
  return { chunks, finalCount };
}

interface Cut {
  /** Index in `rest` where the remainder starts. */
  end: number;
  /** The right-trimmed chunk text (without reopening/closing fences). */
  body: string;
  /** Fence state after the body. */
  state: FenceState;
}

/** Cuts one chunk from the start of `rest` (longer than `budget`), reading only `rest.slice(0, budget)`. */
function cutChunk(rest: string, budget: number, state: FenceState): Cut {
  const first = cutWindow(rest.slice(0, budget), state);
  if (!first.state.open || first.body.length + CLOSING_FENCE.length <= budget) return first;
  // Ends inside a code block without room for the closing fence: choose again in a shorter window.
  return cutWindow(rest.slice(0, budget - CLOSING_FENCE.length), state);
}

function cutWindow(window: string, state: FenceState): Cut {
  const end = chooseSplit(window, state);
  const body = window.slice(0, end).trimEnd();
  return { end, body, state: fenceStateAfter(body, state) };
}

function chooseSplit(window: string, state: FenceState): number {
  const half = Math.floor(window.length / 2);
  const fences = fencePositions(window);
  const last = fences.at(-1);
  // Rule 1: the block opened by the last fence runs past the window → keep it whole for the next chunk.
  if (last !== undefined && fences.length % 2 === (state.open ? 0 : 1) && last > 0) {
    if (window.slice(0, last).trim() !== '') return last;
  }
  const blank = window.lastIndexOf('\n\n');
  if (blank > half) return blank + 2;
  const newline = window.lastIndexOf('\n');
  if (newline > half) return newline + 1;
  const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('! '), window.lastIndexOf('? '));
  if (sentence > half) return sentence + 1;
  const space = window.lastIndexOf(' ');
  if (space > half) return space;
  return hardCut(window);
}

/** The start of the window's last grapheme (it may continue past the window), never inside a ``` run. */
function hardCut(window: string): number {
  // A high surrogate at the very end is half a code point: its grapheme cannot be judged from the window.
  const text = isHighSurrogate(window.charCodeAt(window.length - 1)) ? window.slice(0, -1) : window;
  // Only the tail after the last ASCII character needs segmenting: a grapheme always starts at an ASCII character
  // (except LF after CR), and no rule looks back across one.
  let from = text.length - 1;
  while (from > 0 && !startsGrapheme(text, from)) from -= 1;
  let cut = Math.max(from, 0);
  for (const segment of GRAPHEMES.segment(text.slice(cut))) cut = from + segment.index;
  if (cut <= 0) {
    // One enormous grapheme (combining-mark abuse): fall back to a code point boundary.
    return Math.max(window.length - (isHighSurrogate(window.charCodeAt(window.length - 1)) ? 1 : 0), 1);
  }
  if (window[cut - 1] === '`' && window[cut] === '`') {
    let runStart = cut;
    while (runStart > 0 && window[runStart - 1] === '`') runStart -= 1;
    if (runStart > 0) cut = runStart;
  }
  return cut;
}

function startsGrapheme(text: string, index: number): boolean {
  return text.charCodeAt(index) < 0x80 && !(text[index] === '\n' && text[index - 1] === '\r');
}

function lastNonSpace(text: string): number {
  let index = text.length - 1;
  while (index >= 0 && /\s/.test(text[index]!)) index -= 1;
  return index;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Indexes of every ``` (Discord pairs them left to right; a 4th backtick is plain text). */
function fencePositions(text: string): number[] {
  const positions: number[] = [];
  let from = 0;
  for (;;) {
    const index = text.indexOf(FENCE, from);
    if (index < 0) return positions;
    positions.push(index);
    from = index + FENCE.length;
  }
}

/** Whether a code block is open after `text`, given the state before it, and that block's info string. */
function fenceStateAfter(text: string, before: FenceState): FenceState {
  let state = before;
  for (const index of fencePositions(text)) {
    state = state.open ? CLOSED : { open: true, lang: infoString(text, index + FENCE.length) };
  }
  return state;
}

/** The info string after an opening fence, only when its line is complete (Discord: letters, digits, +-.#_). */
function infoString(text: string, from: number): string {
  const lineEnd = text.indexOf('\n', from);
  if (lineEnd < 0) return '';
  const info = text.slice(from, lineEnd).trim();
  return /^[\w+\-.#]+$/.test(info) ? info : '';
}

function reopenLang(lang: string): string {
  return lang.length <= MAX_REOPEN_LANG ? lang : '';
}

/**
 * The remainder inside a code block: after a mid-line cut drop the spaces at the cut; then drop whole blank lines
 * but keep the indentation of the first code line.
 */
function trimCodeRemainder(remainder: string, midLine: boolean): string {
  const afterCut = midLine ? remainder.replace(/^[ \t]+/, '') : remainder;
  return afterCut.replace(/^(?:[ \t]*\r?\n)+/, '');
}
