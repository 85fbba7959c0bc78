import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  isImageAttachment,
  isTextAttachment,
  readAttachments,
} from '../../src/adapters/discord/attachments.js';
import { attachment, attachmentServer, LIMITS, withStore } from './attachment-server.js';

const { serve, hits } = attachmentServer();

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
    // The person is told too, without the model's tool names.
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatch(
      /^📎 huge\.png: this image is still too large after resizing \(\d+ bytes; the limit is 2000 bytes\), so I couldn’t look at it\. It is saved in your files\.$/,
    );
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
    expect(result.notices).toEqual([
      '📎 never.png: too large (25.0 MB; the limit is 20.0 MB), so I didn’t download or save it.',
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
