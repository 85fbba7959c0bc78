import { describe, expect, it } from 'vitest';
import { splitMessage, splitStreaming } from '../../src/adapters/discord/chunking.js';

const fenceCount = (text: string) => text.split('```').length - 1;
/**
 * What must survive splitting: the text without whitespace, backticks and the info strings used in these tests
 * (splitting adds fences and reopening lines, and moves whitespace around them).
 */
const essence = (text: string) =>
  text
    .replace(/\s+/g, '')
    .replace(/`/g, '')
    .replace(/python|ts|py/g, '');

function paragraph(seed: number, words: number): string {
  const vocabulary = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
  const out: string[] = [];
  for (let i = 0; i < words; i += 1) {
    const word = vocabulary[(seed * 7 + i * 3) % vocabulary.length]!;
    out.push(i % 11 === 10 ? `${word}.` : word);
  }
  return out.join(' ');
}

function codeBlock(lang: string, lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `    const value${i} = compute(${i}); // line ${i}`);
  return `\`\`\`${lang}\n${body.join('\n')}\n\`\`\``;
}

/** A long reply mixing prose, code blocks of several languages, a long spaceless run and emoji. */
function mixedReply(): string {
  return [
    paragraph(1, 120),
    codeBlock('ts', 70),
    paragraph(2, 40),
    `${'x'.repeat(2600)}`,
    `Emoji 👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇩🇪 ${'😀'.repeat(700)}`,
    codeBlock('python', 12),
    paragraph(3, 300),
    codeBlock('', 90),
    'The end!',
  ].join('\n\n');
}

function checkChunks(text: string, chunks: string[], limit: number) {
  for (const chunk of chunks) {
    expect(chunk.length).toBeLessThanOrEqual(limit);
    expect(chunk.trim()).not.toBe('');
    expect(chunk).toBe(chunk.trim());
    expect(fenceCount(chunk) % 2).toBe(0);
    // No lone surrogate at either edge.
    expect(chunk).toBe(Buffer.from(chunk, 'utf8').toString('utf8'));
  }
  expect(essence(chunks.join('\n')) === essence(text)).toBe(true);
}

describe('splitMessage', () => {
  it('returns nothing for empty or whitespace-only text and one chunk for short text', () => {
    expect(splitMessage('')).toEqual([]);
    expect(splitMessage(' \n\t \n')).toEqual([]);
    expect(splitMessage('  hello world  \n')).toEqual(['hello world']);
    expect(splitMessage('a'.repeat(2000))).toEqual(['a'.repeat(2000)]);
  });

  it('refuses a limit too small to hold fences', () => {
    expect(() => splitMessage('text', 10)).toThrow(/limit must be a whole number ≥ 40/);
  });

  it('prefers a blank line, then a newline, then a sentence end, then a space beyond half the window', () => {
    const first = 'a'.repeat(1200);
    expect(splitMessage(`${first}\n\n${'b'.repeat(1000)}`)).toEqual([first, 'b'.repeat(1000)]);
    expect(splitMessage(`${first}\n${'b'.repeat(1000)}`)).toEqual([first, 'b'.repeat(1000)]);
    expect(splitMessage(`${first}. ${'b'.repeat(1000)}`)).toEqual([`${first}.`, 'b'.repeat(1000)]);
    expect(splitMessage(`${first} ${'b'.repeat(1000)}`)).toEqual([first, 'b'.repeat(1000)]);
    // A blank line before half the window is ignored in favour of a later newline.
    const early = `${'a'.repeat(500)}\n\n${'b'.repeat(900)}\n${'c'.repeat(900)}`;
    expect(splitMessage(early)).toEqual([`${'a'.repeat(500)}\n\n${'b'.repeat(900)}`, 'c'.repeat(900)]);
  });

  it('hard-cuts a long line without spaces at the limit', () => {
    const chunks = splitMessage('z'.repeat(4500));
    expect(chunks.map((chunk) => chunk.length)).toEqual([1999, 1999, 502]);
    expect(chunks.join('')).toBe('z'.repeat(4500));
  });

  it('never cuts an emoji or a surrogate pair in half', () => {
    for (const offset of [0, 1, 2, 3]) {
      const text = `${'a'.repeat(1990 + offset)}${'👨‍👩‍👧‍👦'.repeat(3)}${'😀'.repeat(10)}`;
      const chunks = splitMessage(text);
      expect(chunks.join('')).toBe(text);
      expect(chunks[1]!.startsWith('👨‍👩‍👧‍👦') || chunks[1]!.startsWith('😀')).toBe(true);
      checkChunks(text, chunks, 2000);
    }
    const emoji = '😀'.repeat(1500);
    const chunks = splitMessage(emoji);
    expect(chunks.join('')).toBe(emoji);
    for (const chunk of chunks) expect(chunk.length % 2).toBe(0);
  });

  it('splits before a code block that would not fit instead of cutting it', () => {
    const intro = 'Here is the code:';
    const code = codeBlock('ts', 30);
    const text = `${intro}\n${'p'.repeat(1200)}\n${code}`;
    expect(code.length).toBeLessThan(2000);
    const chunks = splitMessage(text);
    expect(chunks).toEqual([`${intro}\n${'p'.repeat(1200)}`, code]);
  });

  it('closes a code block longer than a message and reopens it with the same language', () => {
    const code = codeBlock('ts', 120);
    const text = `Look:\n\n${code}\n\nDone.`;
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThan(2);
    checkChunks(text, chunks, 2000);
    expect(chunks[0]).toBe('Look:');
    expect(chunks[1]!.startsWith('```ts\n    const value0')).toBe(true);
    for (const chunk of chunks.slice(1, -1)) {
      expect(chunk.startsWith('```ts\n    const value')).toBe(true); // indentation kept after the reopening
      expect(chunk.endsWith('\n```')).toBe(true);
    }
    expect(chunks.at(-1)!.endsWith('```\n\nDone.')).toBe(true);
  });

  it('keeps every chunk within the limit when fences are added, at several limits', () => {
    const text = mixedReply();
    for (const limit of [40, 57, 100, 333, 2000]) {
      checkChunks(text, splitMessage(text, limit), limit);
    }
  });

  it('closes a block the text leaves open in the last chunk', () => {
    expect(splitMessage('Start:\n```py\nprint(1)')).toEqual(['Start:\n```py\nprint(1)\n```']);
  });
});

describe('splitStreaming (prefix stability)', () => {
  function checkPrefixStability(text: string, limit: number, step: number) {
    const full = splitStreaming(text, limit);
    expect(full.finalCount).toBeGreaterThanOrEqual(full.chunks.length - 2);
    let previousFinal = 0;
    for (let length = 0; length <= text.length; length += step) {
      const partial = splitStreaming(text.slice(0, length), limit);
      // Settled chunks of any prefix are exactly the chunks of the whole text.
      expect(partial.chunks.slice(0, partial.finalCount)).toEqual(full.chunks.slice(0, partial.finalCount));
      expect(partial.finalCount).toBeGreaterThanOrEqual(previousFinal);
      expect(partial.finalCount).toBeGreaterThanOrEqual(partial.chunks.length - 2);
      for (const chunk of partial.chunks) expect(chunk.length).toBeLessThanOrEqual(limit);
      previousFinal = partial.finalCount;
    }
  }

  it('never changes a settled chunk while the text grows (every prefix, small limit)', () => {
    checkPrefixStability(mixedReply().slice(0, 6000), 120, 1);
  });

  it('never changes a settled chunk while the text grows (2000-character messages)', () => {
    checkPrefixStability(mixedReply(), 2000, 7);
  });

  it('holds for random texts full of fences, emoji, spaces and long words (seeded)', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pieces = [
      'word ',
      'longerword ',
      '. ',
      '\n',
      '\n\n',
      '```',
      '```ts\n',
      '```py\n',
      '    ',
      '😀',
      '👨‍👩‍👧‍👦',
      'x'.repeat(30),
      '! ',
      '`',
    ];
    for (let round = 0; round < 25; round += 1) {
      let text = '';
      while (text.length < 900) text += pieces[Math.floor(random() * pieces.length)];
      const limit = 40 + Math.floor(random() * 60);
      checkPrefixStability(text, limit, 1);
      checkChunks(text, splitMessage(text, limit), limit);
    }
  });

  it('settles a chunk once the text has grown past its window', () => {
    const code = codeBlock('ts', 120);
    const first = splitStreaming(code.slice(0, 2500));
    expect(first.finalCount).toBe(1);
    expect(first.chunks[1]!.startsWith('```ts\n')).toBe(true);
    expect(first.chunks[1]!.endsWith('\n```')).toBe(true);
    const more = splitStreaming(code);
    expect(more.chunks[0]).toBe(first.chunks[0]);
  });

  it('keeps a chunk provisional while only the closing fence makes it too long', () => {
    // 1997 characters + "\n```" do not fit, but a closing ``` arriving next makes it fit in one message.
    const text = `\`\`\`\n${'a'.repeat(1993)}`;
    const open = splitStreaming(text);
    expect(open.chunks.length).toBe(2);
    expect(open.finalCount).toBe(0);
    expect(splitStreaming(`${text}\`\`\``).chunks).toEqual([`${text}\`\`\``]);
  });
});
