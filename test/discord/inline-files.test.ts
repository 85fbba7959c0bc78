import { describe, expect, it } from 'vitest';
import {
  extractInlineFiles,
  sanitizeAttachmentName,
  uniqueFileName,
} from '../../src/adapters/discord/inline-files.js';

describe('extractInlineFiles', () => {
  it('takes the primary form out and leaves a marker', () => {
    const result = extractInlineFiles(
      'Here you go:\n<<<file:notes.md>>>\n# Title\nBody\n<<</file>>>\nEnjoy.',
    );
    expect(result.text).toBe('Here you go:\n📎 *Attached: notes.md*\nEnjoy.');
    expect(result.files).toEqual([{ name: 'notes.md', content: '# Title\nBody\n' }]);
    expect(result.warnings).toEqual([]);
  });

  it('accepts a closer repeating the name, any case, and the fallback closers', () => {
    const text =
      '<<<FILE:a.py>>>print(1)<<</File:a.py>>> and <<<file:b.txt>>>bee<<<END>>> and <<<file:c.csv>>>x,y\n1,2<<<endfile>>>';
    const result = extractInlineFiles(text);
    expect(result.files).toEqual([
      { name: 'a.py', content: 'print(1)\n' },
      { name: 'b.txt', content: 'bee\n' },
      { name: 'c.csv', content: 'x,y\n1,2\n' },
    ]);
    expect(result.text).toBe('📎 *Attached: a.py* and 📎 *Attached: b.txt* and 📎 *Attached: c.csv*');
  });

  it('unwraps a code fence around the whole content and keeps indentation', () => {
    const result = extractInlineFiles('<<<file:x.py>>>\n```python\ndef f():\n    return 1\n```\n<<</file>>>');
    expect(result.files[0]!.content).toBe('def f():\n    return 1\n');
  });

  it('takes an unclosed tag up to the next tag or the end when the content is long enough', () => {
    const result = extractInlineFiles('Start <<<file:long.txt>>>this content is long enough\nSecond line');
    expect(result.files).toEqual([
      { name: 'long.txt', content: 'this content is long enough\nSecond line\n' },
    ]);
    expect(result.text).toBe('Start 📎 *Attached: long.txt*');
    expect(result.warnings.join(' ')).toMatch(/no closing tag/);

    const upToNext = extractInlineFiles(
      '<<<file:one.txt>>>first file content here<<<file:two.txt>>>second<<</file>>>',
    );
    expect(upToNext.files.map((file) => file.name)).toEqual(['one.txt', 'two.txt']);
    expect(upToNext.text).toBe('📎 *Attached: one.txt*📎 *Attached: two.txt*');
    expect(upToNext.files[0]!.content).toBe('first file content here\n');
  });

  it('leaves a short unclosed tag or an already extracted name in place, with a warning', () => {
    const short = extractInlineFiles('See <<<file:s.txt>>>tiny');
    expect(short.files).toEqual([]);
    expect(short.text).toBe('See <<<file:s.txt>>>tiny');
    expect(short.warnings).toEqual(['Unmatched inline file tag left in the reply: <<<file:s.txt>>>']);

    const again = extractInlineFiles('<<<file:a.txt>>>one<<</file>>> <<<file:a.txt>>>another long version');
    expect(again.files).toEqual([{ name: 'a.txt', content: 'one\n' }]);
    expect(again.text).toBe('📎 *Attached: a.txt* <<<file:a.txt>>>another long version');
  });

  it('removes empty blocks without an attachment and warns about stray closers', () => {
    const result = extractInlineFiles('A <<<file:empty.txt>>>\n  \n<<</file>>> B <<</file>>>');
    expect(result.files).toEqual([]);
    expect(result.text).toBe('A  B <<</file>>>');
    expect(result.warnings).toHaveLength(2);
  });

  it('sanitises names and makes duplicates unique', () => {
    const result = extractInlineFiles(
      '<<<file:../../etc/passwd>>>root<<</file>>><<<file:passwd>>>again<<</file>>><<<file:PASSWD>>>3<<</file>>>',
    );
    expect(result.files.map((file) => file.name)).toEqual(['passwd', 'passwd-2', 'PASSWD-3']);
  });

  it('leaves text without tags alone', () => {
    const text = 'Nothing <<< here >>> at all';
    expect(extractInlineFiles(text)).toEqual({ text, files: [], warnings: [] });
  });
});

describe('sanitizeAttachmentName', () => {
  it('keeps only a safe last path segment', () => {
    expect(sanitizeAttachmentName('dir/sub\\report.md')).toBe('report.md');
    expect(sanitizeAttachmentName('../..')).toBe('file.txt');
    expect(sanitizeAttachmentName('a..b.txt')).toBe('a.b.txt');
    expect(sanitizeAttachmentName('bad\u0000na\u001fme\u007f.txt')).toBe('badname.txt');
    expect(sanitizeAttachmentName(' "quoted.txt" ')).toBe('quoted.txt');
    expect(sanitizeAttachmentName('what?<is>this:.txt')).toBe('what__is_this_.txt');
    expect(sanitizeAttachmentName('   ')).toBe('file.txt');
    expect(sanitizeAttachmentName('.')).toBe('file.txt');
    expect(sanitizeAttachmentName('.env')).toBe('.env');
  });

  it('cuts long names to 100 characters keeping the extension and whole emoji', () => {
    const long = sanitizeAttachmentName(`${'😀'.repeat(80)}.json`);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long.endsWith('.json')).toBe(true);
    expect(long).toBe(Buffer.from(long, 'utf8').toString('utf8'));
    const taken = new Set<string>();
    const first = uniqueFileName(long, taken);
    const second = uniqueFileName(long, taken);
    expect(first).toBe(long);
    expect(second.length).toBeLessThanOrEqual(100);
    expect(second.endsWith('-2.json')).toBe(true);
  });
});
