import { expect, test } from 'vitest';
import { contentTypeFor, formatSize, MAX_NAME_BYTES, sanitizeFileName, sanitizeId } from './names.js';

test('file names: letters, digits, dot, dash and underscore stay; everything else becomes _', () => {
  expect(sanitizeFileName('report-2024_v2.final.pdf')).toBe('report-2024_v2.final.pdf');
  expect(sanitizeFileName('my file (1).txt')).toBe('my_file__1_.txt');
  expect(sanitizeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
  expect(sanitizeFileName('..\\..\\win.ini')).toBe('_.._win.ini');
  expect(sanitizeFileName('%2e%2e%2fx')).toBe('_2e_2e_2fx');
  expect(sanitizeFileName('a\0b')).toBe('a_b');
  expect(sanitizeFileName('Grüße.txt')).toBe('Grüße.txt');
  expect(sanitizeFileName('日本語.md')).toBe('日本語.md');
});

test('leading dots go (no hidden files, no . or ..); nothing left means unnamed_file', () => {
  expect(sanitizeFileName('.env')).toBe('env');
  expect(sanitizeFileName('...x')).toBe('x');
  expect(sanitizeFileName('..')).toBe('unnamed_file');
  expect(sanitizeFileName('')).toBe('unnamed_file');
});

test('Unicode is normalised (NFC) before filtering, so both forms name one file', () => {
  expect(sanitizeFileName('cafe\u0301.txt')).toBe('caf\u00e9.txt');
  expect(sanitizeFileName('ﬁle／x')).toBe('ﬁle_x');
});

test('long names are cut to MAX_NAME_BYTES of UTF-8, keeping a short extension and whole characters', () => {
  const ascii = sanitizeFileName(`${'a'.repeat(400)}.json`);
  expect(Buffer.byteLength(ascii)).toBe(MAX_NAME_BYTES);
  expect(ascii.endsWith('a.json')).toBe(true);
  const wide = sanitizeFileName(`${'日'.repeat(200)}.txt`);
  expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(MAX_NAME_BYTES);
  expect(wide).toMatch(/^日+\.txt$/);
  const noExtension = sanitizeFileName('b'.repeat(1000));
  expect(noExtension).toBe('b'.repeat(MAX_NAME_BYTES));
});

test('ids keep letters, digits, - and _ only; an empty id is refused', () => {
  expect(sanitizeId('discord-123456', 'user id')).toBe('discord-123456');
  expect(sanitizeId('../admin', 'user id')).toBe('___admin');
  expect(sanitizeId('a.b', 'channel id')).toBe('a_b');
  expect(() => sanitizeId('', 'user id')).toThrow('The user id is empty');
});

test('sizes and content types', () => {
  expect([formatSize(0), formatSize(1023), formatSize(1536), formatSize(52428800)]).toEqual([
    '0 B',
    '1023 B',
    '1.5 KB',
    '50.0 MB',
  ]);
  expect(contentTypeFor('x.CSV')).toBe('text/csv; charset=utf-8');
  expect(contentTypeFor('archive.tar.gz')).toBe('application/gzip');
  expect(contentTypeFor('noext')).toBe('application/octet-stream');
});
