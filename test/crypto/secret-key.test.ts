import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fernetDecrypt,
  fernetEncrypt,
  generateFernetKey,
  isFernetKey,
  loadOrCreateSecretKey,
} from '../../src/crypto/index.js';

describe('loadOrCreateSecretKey', () => {
  let dir = '';
  const warnings: string[] = [];
  const logger = { warn: (_: object, msg: string) => warnings.push(msg) };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clara-key-'));
    warnings.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uses the env value when set, without writing a file', async () => {
    const key = generateFernetKey();
    const file = join(dir, 'secret.key');
    expect(
      await loadOrCreateSecretKey({ envValue: ` ${key} `, envName: 'CLARA_SECRET_KEY', file, logger }),
    ).toBe(key);
    await expect(stat(file)).rejects.toThrow();
    expect(warnings).toEqual([]);
  });

  it('refuses a malformed env value, naming the variable and the fix, never echoing the value', async () => {
    const attempt = loadOrCreateSecretKey({
      envValue: 'not-a-key-hunter2',
      envName: 'CLARA_SECRET_KEY',
      file: join(dir, 'k'),
    });
    await expect(attempt).rejects.toThrow(/CLARA_SECRET_KEY.*clara keygen/);
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it('generates a key once (0600, with a warning) and reuses it on the next start', async () => {
    const file = join(dir, 'data', 'secret.key');
    const first = await loadOrCreateSecretKey({
      envValue: undefined,
      envName: 'CLARA_SECRET_KEY',
      file,
      logger,
    });
    expect(isFernetKey(first)).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('CLARA_SECRET_KEY');
    expect(warnings[0]).not.toContain(first);
    const second = await loadOrCreateSecretKey({ envValue: '', envName: 'CLARA_SECRET_KEY', file, logger });
    expect(second).toBe(first);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect(fernetDecrypt(second, fernetEncrypt(first, 'token')).toString()).toBe('token');
  });

  it('refuses a damaged key file instead of silently replacing it', async () => {
    const file = join(dir, 'secret.key');
    await writeFile(file, 'garbage\n');
    await expect(
      loadOrCreateSecretKey({ envValue: undefined, envName: 'CLARA_SECRET_KEY', file }),
    ).rejects.toThrow(/damaged/);
    expect(await readFile(file, 'utf8')).toBe('garbage\n');
  });
});

describe('fernet round trip', () => {
  it('encrypts with a random IV each time and decrypts with the same key only', () => {
    const key = generateFernetKey();
    const a = fernetEncrypt(key, 'app-password');
    expect(a).not.toBe(fernetEncrypt(key, 'app-password'));
    expect(fernetDecrypt(key, a).toString()).toBe('app-password');
    expect(() => fernetDecrypt(generateFernetKey(), a)).toThrow(/signature mismatch/);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  });
});
