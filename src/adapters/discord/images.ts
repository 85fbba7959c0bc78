/**
 * Images for vision (spec §1.13 point 2, fixed): never upscaled; small images pass through untouched with the media
 * type detected from their bytes; larger ones are scaled down (Lanczos) so the longest side fits, transparency is
 * flattened onto white and the result is a JPEG (quality 85, optimised). When that is still over the byte limit the
 * quality and then the size are stepped down twice before giving up. Animated GIFs use their first frame.
 */
import sharp from 'sharp';

export const IMAGE_FORMATS = ['png', 'jpeg', 'gif', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export interface ImageLimits {
  /** Longest side in pixels (`DISCORD_MAX_IMAGE_DIMENSION`). */
  maxDimension: number;
  /** Largest encoded image in bytes (`DISCORD_MAX_IMAGE_SIZE`). */
  maxBytes: number;
}

export interface PreparedImage {
  mediaType: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  /** True when the original bytes are used as they are. */
  original: boolean;
}

export type PrepareImageResult = { ok: true; image: PreparedImage } | { ok: false; reason: string };

/** Re-encoding attempts: scale of the fitted size and JPEG quality. The first is the normal one. */
const ATTEMPTS = [
  { scale: 1, quality: 85 },
  { scale: 1, quality: 70 },
  { scale: 0.7, quality: 60 },
] as const;

/** Reads, checks and if needed shrinks one image. Corrupt or unsupported input gives `{ ok: false }`, not a throw. */
export async function prepareImage(bytes: Uint8Array, limits: ImageLimits): Promise<PrepareImageResult> {
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch (error) {
    return { ok: false, reason: `could not be read as an image (${errorText(error)})` };
  }
  const format = metadata.format as string | undefined;
  if (!isImageFormat(format)) {
    return { ok: false, reason: `is not a PNG, JPEG, GIF or WebP image (detected: ${format ?? 'unknown'})` };
  }
  const { width, height } = displaySize(metadata);
  if (!width || !height) return { ok: false, reason: 'has no readable image size' };

  const withinLimits =
    width <= limits.maxDimension && height <= limits.maxDimension && bytes.length <= limits.maxBytes;
  if (withinLimits && (await decodesCleanly(bytes))) {
    return { ok: true, image: { mediaType: `image/${format}`, bytes, width, height, original: true } };
  }
  // Over a limit, or damaged (e.g. truncated): re-encode whatever decodes, so the model gets a valid image.

  const fitted = fitInside(width, height, limits.maxDimension);
  let smallest = Number.POSITIVE_INFINITY;
  for (const attempt of ATTEMPTS) {
    const target = {
      width: Math.max(1, Math.round(fitted.width * attempt.scale)),
      height: Math.max(1, Math.round(fitted.height * attempt.scale)),
    };
    let encoded: { data: Buffer; info: sharp.OutputInfo };
    try {
      encoded = await sharp(bytes, { failOn: 'error' })
        .autoOrient()
        .resize(target.width, target.height, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: attempt.quality, mozjpeg: true })
        .toBuffer({ resolveWithObject: true });
    } catch (error) {
      return { ok: false, reason: `could not be processed (${errorText(error)})` };
    }
    if (encoded.data.length <= limits.maxBytes) {
      const image = {
        mediaType: 'image/jpeg',
        bytes: new Uint8Array(encoded.data),
        width: encoded.info.width,
        height: encoded.info.height,
        original: false,
      };
      return { ok: true, image };
    }
    smallest = Math.min(smallest, encoded.data.length);
  }
  return {
    ok: false,
    reason: `is still too large after resizing (${smallest} bytes; the limit is ${limits.maxBytes} bytes)`,
  };
}

/** True when the whole image decodes without even a warning (a truncated file does not). */
async function decodesCleanly(bytes: Uint8Array): Promise<boolean> {
  try {
    await sharp(bytes, { failOn: 'warning' }).raw().toBuffer();
    return true;
  } catch {
    return false;
  }
}

function isImageFormat(format: string | undefined): format is ImageFormat {
  return IMAGE_FORMATS.includes(format as ImageFormat);
}

/** Size as displayed (EXIF orientation applied); for animations, one frame. */
function displaySize(metadata: sharp.Metadata): { width: number; height: number } {
  const width = metadata.autoOrient?.width ?? metadata.width ?? 0;
  const height = metadata.autoOrient?.height ?? metadata.pageHeight ?? metadata.height ?? 0;
  return { width, height };
}

/** The size with the longest side at most `max`, aspect ratio kept, never larger than the input. */
export function fitInside(width: number, height: number, max: number): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return {
    width: Math.max(1, Math.min(max, Math.round(width * scale))),
    height: Math.max(1, Math.min(max, Math.round(height * scale))),
  };
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
