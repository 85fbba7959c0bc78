/**
 * Fernet (https://github.com/fernet/spec): AES-128-CBC + HMAC-SHA256 tokens, byte-compatible with Python's
 * `cryptography.fernet`, so keys and data stay interchangeable with MyPalClara (EMAIL_ENCRYPTION_KEY).
 * Token = base64url(0x80 ‖ timestamp(8, big-endian seconds) ‖ IV(16) ‖ ciphertext ‖ HMAC(32)).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const MAC = 32;
/** Tokens stamped further than this in the future are refused (the spec's clock-skew allowance). */
const MAX_CLOCK_SKEW_SECONDS = 60;

export class FernetError extends Error {
  override name = 'FernetError';
}

interface KeyParts {
  signing: Buffer;
  encryption: Buffer;
}

function decodeBase64Url(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(trimmed)) return undefined;
  return Buffer.from(trimmed, 'base64url');
}

/** URL-safe base64 with padding, as Python's `base64.urlsafe_b64encode` writes it. */
function encodeBase64Url(bytes: Buffer): string {
  return bytes.toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

function keyParts(key: string): KeyParts {
  const raw = decodeBase64Url(key);
  if (raw?.length !== 32) {
    throw new FernetError('A Fernet key is 32 bytes in URL-safe base64 (44 characters); this one is not.');
  }
  return { signing: raw.subarray(0, 16), encryption: raw.subarray(16) };
}

/** True when `key` is a well-formed Fernet key. */
export function isFernetKey(key: string): boolean {
  const raw = decodeBase64Url(key);
  return raw?.length === 32;
}

/** A new random key, in the format Python's `Fernet.generate_key()` prints. */
export function generateFernetKey(): string {
  return encodeBase64Url(randomBytes(32));
}

export interface FernetEncryptOptions {
  /** Token timestamp (default now). */
  now?: Date;
  /** Fixed IV, for test vectors only. */
  iv?: Buffer;
}

export function fernetEncrypt(
  key: string,
  plaintext: string | Buffer,
  options: FernetEncryptOptions = {},
): string {
  const { signing, encryption } = keyParts(key);
  const iv = options.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new FernetError('A Fernet IV is 16 bytes.');
  const header = Buffer.alloc(HEADER);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(Math.floor((options.now ?? new Date()).getTime() / 1000)), 1);
  iv.copy(header, 9);
  const cipher = createCipheriv('aes-128-cbc', encryption, iv);
  const body = Buffer.concat([header, cipher.update(Buffer.from(plaintext)), cipher.final()]);
  const mac = createHmac('sha256', signing).update(body).digest();
  return encodeBase64Url(Buffer.concat([body, mac]));
}

export interface FernetDecryptOptions {
  /** Refuse tokens older than this many seconds. */
  ttlSeconds?: number;
  /** The current time (default now). */
  now?: Date;
}

/** Decrypts a token; throws FernetError (never revealing the key or plaintext) when it is invalid. */
export function fernetDecrypt(key: string, token: string, options: FernetDecryptOptions = {}): Buffer {
  const { signing, encryption } = keyParts(key);
  const raw = decodeBase64Url(token);
  if (!raw) throw new FernetError('Invalid Fernet token: not URL-safe base64.');
  if (raw.length < HEADER + MAC + 16 || (raw.length - HEADER - MAC) % 16 !== 0) {
    throw new FernetError('Invalid Fernet token: wrong length.');
  }
  if (raw[0] !== VERSION) throw new FernetError('Invalid Fernet token: unknown version.');
  const body = raw.subarray(0, raw.length - MAC);
  const expected = createHmac('sha256', signing).update(body).digest();
  if (!timingSafeEqual(expected, raw.subarray(raw.length - MAC))) {
    throw new FernetError('Invalid Fernet token: signature mismatch (wrong key or altered data).');
  }
  const stamped = Number(raw.readBigUInt64BE(1));
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (stamped > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
    throw new FernetError('Invalid Fernet token: timestamp is in the future.');
  }
  if (options.ttlSeconds !== undefined && stamped + options.ttlSeconds < nowSeconds) {
    throw new FernetError('Fernet token expired.');
  }
  try {
    const decipher = createDecipheriv('aes-128-cbc', encryption, raw.subarray(9, HEADER));
    return Buffer.concat([decipher.update(raw.subarray(HEADER, raw.length - MAC)), decipher.final()]);
  } catch {
    throw new FernetError('Invalid Fernet token: bad padding.');
  }
}
