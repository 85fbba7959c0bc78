/** Text and other (non-image) attachments: inlining, truncation, size limits, notes for the model and the person. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readAttachments } from '../../src/adapters/discord/attachments.js';
import { attachment, attachmentServer, LIMITS, withStore } from './attachment-server.js';

const { serve, base } = attachmentServer();

describe('readAttachments: text and other files', () => {
  it('inlines UTF-8 and Latin-1 text and text/* content, in order, then the notes', async () => {
    const utf8 = Buffer.from('héllo ✓ wörld\n', 'utf8');
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x31, 0x0a]); // "café,1\n" in Latin-1
    const plain = Buffer.from('no extension but text/plain', 'utf8');
    const zip = randomBytes(300);
    const { options } = withStore();
    const result = await readAttachments(
      [
        attachment('notes.md', serve('/notes.md', utf8, 'text/markdown'), utf8.length, 'text/markdown'),
        attachment(
          'archive.zip',
          serve('/archive.zip', zip, 'application/zip'),
          zip.length,
          'application/zip',
        ),
        attachment('data.csv', serve('/data.csv', latin1, 'text/csv'), latin1.length, null),
        attachment(
          'README',
          serve('/README', plain, 'text/plain'),
          plain.length,
          'text/plain; charset=utf-8',
        ),
      ],
      options,
    );
    expect(result.text).toBe(
      '\n\n--- File: notes.md ---\nhéllo ✓ wörld\n' +
        '\n\n--- File: data.csv ---\ncafé,1\n' +
        '\n\n--- File: README ---\nno extension but text/plain' +
        '\n\n[Attachment: archive.zip] file (300 bytes) is not a text file or image, so its content is not shown. ' +
        'It is saved: open it with the read_local_file tool (send_local_file sends it back).',
    );
    expect(result.saved).toEqual(['notes.md', 'archive.zip', 'data.csv', 'README']);
    // Files read into the prompt need no word to the person; the one Clara cannot read does.
    expect(result.notices).toEqual([
      '📎 archive.zip: I can only read text files and images, so I didn’t read this one. It is saved, so my file tools can still open it.',
    ]);
  });

  it('truncates long text to maxChars with a marker', async () => {
    const long = Buffer.from('abcdefghij'.repeat(50), 'utf8');
    const result = await readAttachments(
      [attachment('long.txt', serve('/long.txt', long, 'text/plain'), long.length, 'text/plain')],
      { ...LIMITS, maxChars: 120 },
    );
    expect(result.text).toBe(
      `\n\n--- File: long.txt ---\n${'abcdefghij'.repeat(12)}\n[truncated: showing the first 120 of 500 characters]`,
    );
  });

  it('keeps a too-big text file out of the prompt and points at read_local_file, even when the size lied', async () => {
    const big = Buffer.from('x'.repeat(5000), 'utf8');
    const { stored, options } = withStore({ maxTextBytes: 1000 });
    const result = await readAttachments(
      [
        attachment('big.log', serve('/big.log', big, 'text/plain'), big.length, 'text/plain'),
        attachment(
          'small-claim.log',
          serve('/small-claim.log', big, 'text/plain', { chunked: true }),
          10,
          null,
        ),
      ],
      options,
    );
    expect(result.notes).toEqual([
      '[Attachment: big.log] text file too large to include (5.0 KB; the limit is 1.0 KB). It is saved: open it with the read_local_file tool (send_local_file sends it back).',
      '[Attachment: small-claim.log] text file too large to include (5.0 KB; the limit is 1.0 KB). It is saved: open it with the read_local_file tool (send_local_file sends it back).',
    ]);
    expect(result.text).not.toContain('--- File:');
    expect(stored.get('small-claim.log')?.length).toBe(5000);
    expect(result.notices[0]).toBe(
      '📎 big.log: too large for me to read (5.0 KB; the limit is 1.0 KB). It is saved in your files. Ask me to open it if you need it.',
    );
  });

  it('reports a failed save and a failed download as notes, never throwing', async () => {
    const text = Buffer.from('content', 'utf8');
    const result = await readAttachments(
      [
        attachment('ok.txt', serve('/ok.txt', text, 'text/plain'), text.length, 'text/plain'),
        attachment('gone.txt', `${base()}/missing`, 10, 'text/plain'),
        attachment('refused.txt', 'http://127.0.0.1:1/refused.txt', 10, 'text/plain'),
      ],
      {
        ...LIMITS,
        save: async (name) => {
          throw new Error(`disk full while writing ${name}`);
        },
      },
    );
    expect(result.text.startsWith('\n\n--- File: ok.txt ---\ncontent\n\n')).toBe(true);
    expect(result.notes[0]).toBe(
      '[Attachment: ok.txt] text file could not be saved (disk full while writing ok.txt).',
    );
    expect(result.notes[1]).toBe('[Attachment: gone.txt] could not be downloaded (HTTP 404).');
    expect(result.notes[2]).toMatch(/^\[Attachment: refused\.txt\] could not be downloaded \(fetch failed/);
    expect(result.saved).toEqual([]);
    expect(result.notices.slice(0, 2)).toEqual([
      '📎 ok.txt: I read it, but it could not be saved (disk full while writing ok.txt).',
      '📎 gone.txt: it could not be downloaded (HTTP 404).',
    ]);
  });

  it('rejects when the caller aborts', async () => {
    const text = Buffer.from('content', 'utf8');
    const controller = new AbortController();
    controller.abort(new Error('turn cancelled'));
    await expect(
      readAttachments([attachment('a.txt', serve('/a.txt', text, 'text/plain'), text.length, 'text/plain')], {
        ...LIMITS,
        signal: controller.signal,
      }),
    ).rejects.toThrow('turn cancelled');
  });
});
