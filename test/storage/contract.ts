/**
 * The FileStore contract, run against every store (local on a temp dir, S3 against s3rver): the same behaviour,
 * the same isolation and the same refusals, whatever the backend.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  decodeText,
  type FileStore,
  type FileStoreErrorCode,
  isFileStoreError,
  MAX_NAME_BYTES,
} from '../../src/storage/index.js';

export interface StoreHarness {
  /** A store over the shared location, with this size limit (default 1 MiB). */
  store(maxFileSize?: number): FileStore;
  /** Every stored object, as `/`-separated paths relative to the store's root (local) or bucket keys (S3). */
  locations(): Promise<string[]>;
  close(): Promise<void>;
}

export async function expectStoreError(promise: Promise<unknown>, code: FileStoreErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFileStoreError(error, code), `expected a ${code} error, got ${String(error)}`).toBe(true);
  return error as Error;
}

/** Every file and link under `root`, as `/`-separated relative paths. */
export async function walk(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** Names a model (or a person) might send to break out of the user's folder. */
export const ATTACK_NAMES = [
  '../../etc/passwd',
  '/etc/passwd',
  '..\\..\\windows\\win.ini',
  'C:\\Windows\\evil.txt',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fsecret',
  'a\0b.txt',
  '..',
  '.',
  '',
  '....//....//x',
  '．．／．．／etc／passwd',
  '\u2025/x',
  `${'x'.repeat(5000)}.txt`,
  `${'é'.repeat(300)}.md`,
  'bad\uD800name.txt',
  '.hidden',
  'line\nbreak.txt',
] as const;

export function fileStoreContract(label: string, start: () => Promise<StoreHarness>): void {
  describe(`FileStore contract: ${label}`, () => {
    let harness: StoreHarness;
    let store: FileStore;
    let run = 0;
    /** A fresh user id per test, so tests share one location without seeing each other. */
    const user = (name: string) => `${name}-${run}`;

    beforeAll(async () => {
      harness = await start();
      store = harness.store();
    });
    afterAll(async () => {
      store?.close?.();
      await harness?.close();
    });

    test('save, stat, read, list and delete a file', async () => {
      run++;
      const alice = { userId: user('discord-1') };
      const saved = await store.save(alice, 'notes.txt', Buffer.from('hello, world'));
      expect(saved).toMatchObject({ name: 'notes.txt', size: 12, contentType: 'text/plain; charset=utf-8' });
      expect(saved.modified).toBeInstanceOf(Date);

      const read = await store.read(alice, 'notes.txt');
      expect(read.content.toString('utf8')).toBe('hello, world');
      expect(read).toMatchObject({ name: 'notes.txt', size: 12 });
      expect(await store.stat(alice, 'notes.txt')).toMatchObject({ name: 'notes.txt', size: 12 });
      expect((await store.list(alice)).map((f) => [f.name, f.size])).toEqual([['notes.txt', 12]]);

      expect(await store.delete(alice, 'notes.txt')).toMatchObject({ name: 'notes.txt', size: 12 });
      const missing = await expectStoreError(store.read(alice, 'notes.txt'), 'not_found');
      expect(missing.message).toBe('File not found: notes.txt');
      await expectStoreError(store.delete(alice, 'notes.txt'), 'not_found');
      await expectStoreError(store.stat(alice, 'notes.txt'), 'not_found');
      expect(await store.list(alice)).toEqual([]);
    });

    test('a user with no files lists nothing and reads nothing', async () => {
      run++;
      const nobody = { userId: user('nobody') };
      expect(await store.list(nobody)).toEqual([]);
      await expectStoreError(store.read(nobody, 'x.txt'), 'not_found');
      await expectStoreError(store.delete(nobody, 'x.txt'), 'not_found');
    });

    test('the same name overwrites; content types follow the extension', async () => {
      run++;
      const bob = { userId: user('bob') };
      await store.save(bob, 'data.json', Buffer.from('{"v":1}'));
      await store.save(bob, 'data.json', Buffer.from('{"v":22}'));
      expect((await store.read(bob, 'data.json')).content.toString()).toBe('{"v":22}');
      const files = await store.list(bob);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({ name: 'data.json', size: 8, contentType: 'application/json' });
      expect((await store.save(bob, 'pic.PNG', Buffer.from([1]))).contentType).toBe('image/png');
      expect((await store.save(bob, 'blob', Buffer.from([1]))).contentType).toBe('application/octet-stream');
    });

    test('lists newest first', async () => {
      run++;
      const carol = { userId: user('carol') };
      await store.save(carol, 'old.txt', Buffer.from('old'));
      // S3 keeps modification times in whole seconds: let the clock pass the next second.
      await sleep(1100);
      await store.save(carol, 'new.txt', Buffer.from('new'));
      expect((await store.list(carol)).map((f) => f.name)).toEqual(['new.txt', 'old.txt']);
    });

    test("users (and a user's channels) never see each other's files", async () => {
      run++;
      const alice = { userId: user('alice') };
      const bob = { userId: user('bob') };
      await store.save(alice, 'secret.txt', Buffer.from("alice's secret"));
      await expectStoreError(store.read(bob, 'secret.txt'), 'not_found');
      expect(await store.list(bob)).toEqual([]);
      await store.save(bob, 'secret.txt', Buffer.from("bob's"));
      expect((await store.read(alice, 'secret.txt')).content.toString()).toBe("alice's secret");
      await store.delete(bob, 'secret.txt');
      expect((await store.read(alice, 'secret.txt')).content.toString()).toBe("alice's secret");

      // A user id made to look like a path lands in its own folder.
      const sneaky = { userId: `../${user('alice')}` };
      expect(await store.list(sneaky)).toEqual([]);
      await expectStoreError(store.read(sneaky, 'secret.txt'), 'not_found');
      await expectStoreError(store.read(bob, `../${user('alice')}/secret.txt`), 'not_found');

      const inChannel = { userId: user('alice'), channelId: '42' };
      await store.save(inChannel, 'channel.txt', Buffer.from('only here'));
      expect((await store.list(inChannel)).map((f) => f.name)).toEqual(['channel.txt']);
      expect((await store.list(alice)).map((f) => f.name)).toEqual(['secret.txt']);
      await expectStoreError(store.read(alice, 'channel.txt'), 'not_found');
      await expectStoreError(
        store.read({ userId: user('alice'), channelId: '43' }, 'channel.txt'),
        'not_found',
      );
    });

    test('an empty user id is refused', async () => {
      await expectStoreError(store.save({ userId: '' }, 'a.txt', Buffer.from('x')), 'invalid_name');
      await expectStoreError(store.list({ userId: '' }), 'invalid_name');
    });

    test('the size limit is enforced on save with a clear message, and nothing is stored', async () => {
      run++;
      const small = harness.store(1024);
      const dave = { userId: user('dave') };
      expect(small.maxFileSize).toBe(1024);
      await small.save(dave, 'fits.bin', Buffer.alloc(1024, 7));
      const error = await expectStoreError(small.save(dave, 'big.bin', Buffer.alloc(1025, 7)), 'too_large');
      expect(error.message).toContain('File too large: big.bin is 1025 bytes');
      expect(error.message).toContain('the limit is 1024 bytes (1.0 KB, CLARA_MAX_FILE_SIZE)');
      await expectStoreError(small.stat(dave, 'big.bin'), 'not_found');
      // A file that grew past a later, smaller limit is refused on read instead of loaded.
      const tiny = harness.store(100);
      await expectStoreError(tiny.read(dave, 'fits.bin'), 'too_large');
      small.close?.();
      tiny.close?.();
    });

    test('traversal names become one safe name inside the user folder, and read back the same', async () => {
      run++;
      const mallory = { userId: user('mallory') };
      const stored = new Set<string>();
      for (const [index, attack] of ATTACK_NAMES.entries()) {
        const content = Buffer.from(`payload ${index}`);
        const saved = await store.save(mallory, attack, content);
        expect(saved.name).not.toMatch(/[/\\\0\n]/);
        expect(saved.name).not.toMatch(/^\./);
        expect(Buffer.byteLength(saved.name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
        expect((await store.read(mallory, attack)).content.equals(content)).toBe(true);
        stored.add(saved.name);
      }
      expect(new Set((await store.list(mallory)).map((f) => f.name))).toEqual(stored);
      // Everything the attacks wrote is a direct child of mallory's folder: nothing above it, nothing nested.
      const prefix = `${user('mallory')}/`;
      const written = (await harness.locations()).filter((where) => where.includes(user('mallory')));
      expect(written.length).toBe(stored.size);
      for (const where of written) {
        expect(where.startsWith(prefix)).toBe(true);
        expect(where.slice(prefix.length)).not.toContain('/');
      }
      expect(await harness.locations()).not.toContainEqual(expect.stringMatching(/(^|\/)etc\/passwd$/));
    });

    test('the long name keeps its extension; Unicode forms of one name are the same file', async () => {
      run++;
      const erin = { userId: user('erin') };
      const saved = await store.save(erin, `${'x'.repeat(5000)}.txt`, Buffer.from('long'));
      expect(saved.name.endsWith('.txt')).toBe(true);
      await store.save(erin, 'cafe\u0301.txt', Buffer.from('decomposed'));
      expect((await store.read(erin, 'caf\u00e9.txt')).content.toString()).toBe('decomposed');
      expect((await store.list(erin)).map((f) => f.name)).toContain('caf\u00e9.txt');
    });

    test('binary and non-UTF-8 content comes back byte for byte', async () => {
      run++;
      const frank = { userId: user('frank') };
      const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const latin1 = Buffer.from('caf\xe9 cr\xe8me', 'latin1');
      await store.save(frank, 'bytes.bin', everyByte);
      await store.save(frank, 'latin1.txt', latin1);
      await store.save(frank, 'empty.txt', Buffer.alloc(0));
      const bytes = await store.read(frank, 'bytes.bin');
      expect(bytes.content.equals(everyByte)).toBe(true);
      expect(decodeText(bytes.content)).toBeNull();
      const text = await store.read(frank, 'latin1.txt');
      expect(text.content.equals(latin1)).toBe(true);
      expect(decodeText(text.content)).toBeNull();
      const empty = await store.read(frank, 'empty.txt');
      expect(empty.size).toBe(0);
      expect(decodeText(empty.content)).toBe('');
    });
  });
}
