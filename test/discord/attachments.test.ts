import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttachmentOptions,
  type IncomingAttachment,
  isImageAttachment,
  isTextAttachment,
  readAttachments,
} from '../../src/adapters/discord/attachments.js';

interface Route {
  body: Buffer;
  contentType: string;
  /** Send without Content-Length (chunked), as a server hiding the real size would. */
  chunked?: boolean;
  status?: number;
}

const routes = new Map<string, Route>();
const hits = new Map<string, number>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (!route) {
      response.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string> = { 'content-type': route.contentType };
    if (!route.chunked) headers['content-length'] = String(route.body.length);
    response.writeHead(route.status ?? 200, headers);
    if (!route.chunked) {
      response.end(route.body);
      return;
    }
    // Stream in 64 KB pieces so the client can stop early.
    let offset = 0;
    const pump = () => {
      while (offset < route.body.length) {
        const piece = route.body.subarray(offset, offset + 65536);
        offset += piece.length;
        if (!response.write(piece)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    response.on('error', () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function serve(path: string, body: Buffer, contentType: string, extra: Partial<Route> = {}): string {
  routes.set(path, { body, contentType, ...extra });
  return `${base}${path}`;
}

function attachment(
  name: string,
  url: string,
  size: number,
  contentType?: string | null,
): IncomingAttachment {
  return { name, url, size, contentType };
}

const LIMITS: AttachmentOptions = {
  maxImageDimension: 1568,
  maxImageBytes: 4_194_304,
  maxTextBytes: 100_000,
  maxChars: 100_000,
};

function withStore(options: Partial<AttachmentOptions> = {}) {
  const stored = new Map<string, Uint8Array>();
  const save = async (name: string, bytes: Uint8Array) => {
    stored.set(name, bytes);
  };
  return { stored, options: { ...LIMITS, save, ...options } };
}

const decode = (base64: string) => Buffer.from(base64, 'base64');

/** A transparent PNG with an opaque red square in the middle. */
async function transparentPng(width: number, height: number): Promise<Buffer> {
  const square = await sharp({
    create: {
      width: Math.floor(width / 4),
      height: Math.floor(height / 4),
      channels: 4,
      background: '#ff0000',
    },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: square, gravity: 'centre' }])
    .png()
    .toBuffer();
}

/** Random pixels: large files that do not compress. */
function noise(width: number, height: number) {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

async function pixel(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + info.channels)];
}

describe('isImageAttachment / isTextAttachment', () => {
  it('detects by content type or extension', () => {
    expect(isImageAttachment({ name: 'photo.JPG' })).toBe(true);
    expect(isImageAttachment({ name: 'blob', contentType: 'image/webp' })).toBe(true);
    expect(isImageAttachment({ name: 'scan.tiff', contentType: 'image/tiff' })).toBe(false);
    expect(isTextAttachment({ name: 'main.rs' })).toBe(true);
    expect(isTextAttachment({ name: 'Dockerfile' })).toBe(true);
    expect(isTextAttachment({ name: '.gitignore' })).toBe(true);
    expect(isTextAttachment({ name: 'README', contentType: 'text/plain; charset=utf-8' })).toBe(true);
    expect(isTextAttachment({ name: 'archive.zip', contentType: 'application/zip' })).toBe(false);
  });
});

describe('readAttachments: images', () => {
  it('passes a small image through untouched with its real media type', async () => {
    const png = await transparentPng(200, 100);
    const jpegNamedPng = await sharp({ create: { width: 50, height: 40, channels: 3, background: '#00f' } })
      .jpeg()
      .toBuffer();
    const { stored, options } = withStore();
    const result = await readAttachments(
      [
        attachment('small.png', serve('/small.png', png, 'image/png'), png.length, 'image/png'),
        attachment('liar.png', serve('/liar.png', jpegNamedPng, 'image/png'), jpegNamedPng.length, null),
      ],
      options,
    );
    expect(result.notes).toEqual([]);
    expect(result.text).toBe('');
    expect(result.images.map((image) => [image.name, image.mediaType])).toEqual([
      ['small.png', 'image/png'],
      ['liar.png', 'image/jpeg'],
    ]);
    expect(decode(result.images[0]!.base64).equals(png)).toBe(true);
    expect(decode(result.images[1]!.base64).equals(jpegNamedPng)).toBe(true);
    expect(result.saved).toEqual(['small.png', 'liar.png']);
    expect(Buffer.from(stored.get('small.png')!).equals(png)).toBe(true);
  });

  it('scales a large transparent PNG down onto white as JPEG', async () => {
    const png = await transparentPng(3000, 1000);
    const result = await readAttachments(
      [attachment('wide.png', serve('/wide.png', png, 'image/png'), png.length, 'image/png')],
      LIMITS,
    );
    const image = result.images[0]!;
    expect(image.mediaType).toBe('image/jpeg');
    const bytes = decode(image.base64);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['jpeg', 1568, 523, false]);
    const corner = await pixel(bytes, 5, 5);
    for (const channel of corner) expect(channel).toBeGreaterThan(245); // was transparent → white
    const centre = await pixel(bytes, 784, 261);
    expect(centre[0]).toBeGreaterThan(200);
    expect(centre[1]).toBeLessThan(60);
  });

  it('never upscales: an image within the dimension limit but over the byte limit keeps its size', async () => {
    const heavy = await noise(800, 600).png().toBuffer();
    expect(heavy.length).toBeGreaterThan(500_000);
    const result = await readAttachments(
      [attachment('noise.png', serve('/noise.png', heavy, 'image/png'), heavy.length, 'image/png')],
      { ...LIMITS, maxImageBytes: 500_000 },
    );
    const bytes = decode(result.images[0]!.base64);
    expect(bytes.length).toBeLessThanOrEqual(500_000);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 800, 600]);
  });

  it('fits a large JPEG and a large WebP inside the limit, and uses a GIF’s first frame', async () => {
    const jpeg = await noise(2400, 1800).jpeg({ quality: 80 }).toBuffer();
    const webp = await sharp({ create: { width: 1000, height: 2400, channels: 3, background: '#0a0' } })
      .webp()
      .toBuffer();
    const red = await sharp({ create: { width: 1800, height: 900, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 1800, height: 900, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);

    const result = await readAttachments(
      [
        attachment('big.jpg', serve('/big.jpg', jpeg, 'image/jpeg'), jpeg.length, 'image/jpeg'),
        attachment('tall.webp', serve('/tall.webp', webp, 'image/webp'), webp.length, 'image/webp'),
        attachment('anim.gif', serve('/anim.gif', gif, 'image/gif'), gif.length, 'image/gif'),
      ],
      { ...LIMITS, maxImageDimension: 1000 },
    );
    expect(result.notes).toEqual([]);
    const sizes = await Promise.all(
      result.images.map(async (image) => {
        const meta = await sharp(decode(image.base64)).metadata();
        return [image.mediaType, meta.width, meta.height, meta.pages ?? 1];
      }),
    );
    expect(sizes).toEqual([
      ['image/jpeg', 1000, 750, 1],
      ['image/jpeg', 417, 1000, 1],
      ['image/jpeg', 1000, 500, 1],
    ]);
    const frame = await pixel(decode(result.images[2]!.base64), 10, 10);
    expect(frame[0]).toBeGreaterThan(200); // red: the first frame
    expect(frame[2]).toBeLessThan(60);
  });

  it('gives up with a note when even the smaller re-encodings are over the byte limit', async () => {
    const heavy = await noise(1200, 1200).png().toBuffer();
    const { options } = withStore({ maxImageBytes: 2000 });
    const result = await readAttachments(
      [attachment('huge.png', serve('/huge.png', heavy, 'image/png'), heavy.length, 'image/png')],
      options,
    );
    expect(result.images).toEqual([]);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toMatch(
      /^\[Attachment: huge\.png\] is still too large after resizing \(\d+ bytes; the limit is 2000 bytes\)/,
    );
    expect(result.notes[0]).toMatch(/read_local_file/);
    expect(result.saved).toEqual(['huge.png']);
  });

  it('turns corrupt image bytes into a note and still saves them', async () => {
    const corrupt = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(500),
    ]);
    const { stored, options } = withStore();
    const result = await readAttachments(
      [attachment('broken.png', serve('/broken.png', corrupt, 'image/png'), corrupt.length, 'image/png')],
      options,
    );
    expect(result.images).toEqual([]);
    expect(result.notes[0]).toMatch(/^\[Attachment: broken\.png\] could not be read as an image/);
    expect(result.text).toBe(`\n\n${result.notes[0]}`);
    expect(stored.has('broken.png')).toBe(true);
  });

  it('never passes a truncated image through: it is re-encoded or becomes a note', async () => {
    const whole = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0f0' } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    expect((await sharp(truncated).metadata()).width).toBe(300); // the header still reads fine
    const result = await readAttachments(
      [attachment('cut.png', serve('/cut.png', truncated, 'image/png'), truncated.length, 'image/png')],
      LIMITS,
    );
    expect(result.images).toEqual([]);
    expect(result.notes[0]).toMatch(
      /^\[Attachment: cut\.png\] could not be processed \(.+\), so it was not sent/,
    );
  });

  it('does not download an image whose reported size is over the download limit', async () => {
    const png = await transparentPng(100, 100);
    const url = serve('/never.png', png, 'image/png');
    const result = await readAttachments(
      [attachment('never.png', url, 25_000_000, 'image/png')],
      withStore().options,
    );
    expect(result.notes).toEqual([
      '[Attachment: never.png] image too large (25.0 MB; the limit is 20.0 MB), so it was not downloaded or saved.',
    ]);
    expect(hits.get('/never.png')).toBeUndefined();
    expect(result.saved).toEqual([]);
  });

  it('stops reading when the bytes exceed the download limit whatever the reported size says', async () => {
    const body = randomBytes(3_000_000);
    const { stored, options } = withStore({ maxDownloadBytes: 1_000_000 });
    const result = await readAttachments(
      [
        attachment('lying.png', serve('/lying.png', body, 'image/png', { chunked: true }), 1000, 'image/png'),
        attachment('declared.bin', serve('/declared.bin', body, 'application/octet-stream'), 10, null),
      ],
      options,
    );
    expect(result.notes).toEqual([
      '[Attachment: lying.png] is larger than its reported size (more than 1.0 MB; the download limit is 1.0 MB), so it was not downloaded or saved.',
      '[Attachment: declared.bin] is larger than its reported size (3.0 MB; the download limit is 1.0 MB), so it was not downloaded or saved.',
    ]);
    expect(stored.size).toBe(0);
  });
});

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
  });

  it('reports a failed save and a failed download as notes, never throwing', async () => {
    const text = Buffer.from('content', 'utf8');
    const result = await readAttachments(
      [
        attachment('ok.txt', serve('/ok.txt', text, 'text/plain'), text.length, 'text/plain'),
        attachment('gone.txt', `${base}/missing`, 10, 'text/plain'),
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
