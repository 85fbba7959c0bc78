/**
 * Every test vector of the Fernet specification (fernet/spec: generate, verify, invalid) against src/crypto, and
 * the mailbox-password cipher built on it (EMAIL_ENCRYPTION_KEY).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FernetError,
  fernetDecrypt,
  fernetEncrypt,
  generateFernetKey,
  isFernetKey,
} from '../../src/crypto/index.js';
import { createCredentialCipher, EmailCredentialError } from '../../src/email/index.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'fernet');
const load = <T extends z.ZodType>(name: string, schema: T): z.infer<T>[] =>
  z.array(schema).parse(JSON.parse(readFileSync(join(dir, name), 'utf8')));

const generate = load(
  'generate.json',
  z.object({
    token: z.string(),
    now: z.string(),
    iv: z.array(z.number()),
    src: z.string(),
    secret: z.string(),
  }),
);
const verify = load(
  'verify.json',
  z.object({ token: z.string(), now: z.string(), ttl_sec: z.number(), src: z.string(), secret: z.string() }),
);
const invalid = load(
  'invalid.json',
  z.object({ desc: z.string(), token: z.string(), now: z.string(), ttl_sec: z.number(), secret: z.string() }),
);

describe('Fernet spec vectors', () => {
  it('has the vectors of the specification', () => {
    expect(generate.length).toBeGreaterThan(0);
    expect(verify.length).toBeGreaterThan(0);
    expect(invalid.length).toBe(8);
  });

  it.each(generate)('generate: $src at $now', (vector) => {
    const token = fernetEncrypt(vector.secret, vector.src, {
      now: new Date(vector.now),
      iv: Buffer.from(vector.iv),
    });
    expect(token).toBe(vector.token);
  });

  it.each(verify)('verify: $src at $now within $ttl_sec s', (vector) => {
    const plain = fernetDecrypt(vector.secret, vector.token, {
      now: new Date(vector.now),
      ttlSeconds: vector.ttl_sec,
    });
    expect(plain.toString('utf8')).toBe(vector.src);
  });

  /** The reason each invalid token must be refused for (by `desc`). */
  const REASONS: Record<string, RegExp> = {
    'incorrect mac': /signature mismatch/,
    'too short': /wrong length/,
    'invalid base64': /base64/,
    'payload size not multiple of block size': /wrong length/,
    'payload padding error': /padding/,
    'far-future TS (unacceptable clock skew)': /future/,
    'expired TTL': /expired/,
    'incorrect IV (causes padding error)': /padding/,
  };

  it.each(invalid)('invalid: $desc', (vector) => {
    const attempt = () =>
      fernetDecrypt(vector.secret, vector.token, { now: new Date(vector.now), ttlSeconds: vector.ttl_sec });
    expect(attempt).toThrow(FernetError);
    expect(attempt).toThrow(REASONS[vector.desc] ?? /^$/);
  });

  it('round-trips with a generated key, and a wrong key is refused', () => {
    const key = generateFernetKey();
    expect(isFernetKey(key)).toBe(true);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    const token = fernetEncrypt(key, 'pässwörd ✓');
    expect(fernetDecrypt(key, token).toString('utf8')).toBe('pässwörd ✓');
    expect(() => fernetDecrypt(generateFernetKey(), token)).toThrow(FernetError);
  });
});

describe('mailbox password cipher', () => {
  it('stores passwords as Fernet tokens readable with the same key (the original format)', () => {
    const key = generateFernetKey();
    const cipher = createCredentialCipher(key);
    const token = cipher.encrypt('app-password');
    expect(token.startsWith('gAAAAA')).toBe(true);
    expect(fernetDecrypt(key, token).toString()).toBe('app-password');
    expect(cipher.decrypt(token)).toBe('app-password');
    expect(cipher.encrypt('')).toBe('');
  });

  it('refuses without EMAIL_ENCRYPTION_KEY and says how to make one', () => {
    const cipher = createCredentialCipher(undefined);
    expect(cipher.available).toBe(false);
    expect(() => cipher.encrypt('x')).toThrow(EmailCredentialError);
    expect(() => cipher.encrypt('x')).toThrow(/EMAIL_ENCRYPTION_KEY is not set.*clara keygen/);
  });

  it('explains a changed key without revealing anything', () => {
    const token = createCredentialCipher(generateFernetKey()).encrypt('secret-pass');
    const other = createCredentialCipher(generateFernetKey());
    expect(() => other.decrypt(token)).toThrow(/may have changed/);
    try {
      other.decrypt(token);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-pass');
    }
  });
});
