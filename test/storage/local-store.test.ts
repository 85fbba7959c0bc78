/** Local store only: links and special files planted in the storage folder are refused, never followed. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createFileStore, LocalFileStore } from '../../src/storage/index.js';
import { expectStoreError, walk } from './contract.js';

let base: string;
let root: string;
let outside: string;
let store: LocalFileStore;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'clara-local-store-'));
  root = path.join(base, 'files');
  outside = path.join(base, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'host secret');
  store = new LocalFileStore({ root, maxFileSize: 1024 * 1024 });
});
afterEach(() => rm(base, { recursive: true, force: true }));

test('files live at <root>/<user>/<file> and <root>/<user>/<channel>/<file>', async () => {
  await store.save({ userId: 'discord-1' }, 'a.txt', Buffer.from('a'));
  await store.save({ userId: 'discord-1', channelId: '99' }, 'b.txt', Buffer.from('b'));
  expect((await walk(root)).sort()).toEqual(['discord-1/99/b.txt', 'discord-1/a.txt']);
  expect(await readFile(path.join(root, 'discord-1', 'a.txt'), 'utf8')).toBe('a');
});

test('a link to a file outside the folder is refused for read, stat, save and delete, and not listed', async () => {
  const folder = path.join(root, 'bob');
  await mkdir(folder, { recursive: true });
  await symlink(path.join(outside, 'secret.txt'), path.join(folder, 'link.txt'));
  await store.save({ userId: 'bob' }, 'real.txt', Buffer.from('mine'));
  const bob = { userId: 'bob' };

  const read = await expectStoreError(store.read(bob, 'link.txt'), 'unsafe_path');
  expect(read.message).toContain('link.txt is a symbolic link');
  await expectStoreError(store.stat(bob, 'link.txt'), 'unsafe_path');
  await expectStoreError(store.save(bob, 'link.txt', Buffer.from('overwritten')), 'unsafe_path');
  await expectStoreError(store.delete(bob, 'link.txt'), 'unsafe_path');
  expect((await store.list(bob)).map((f) => f.name)).toEqual(['real.txt']);
  expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('host secret');
});

test("a user's folder that is a link out of the root is refused, and nothing is written through it", async () => {
  await mkdir(root, { recursive: true });
  await symlink(outside, path.join(root, 'eve'));
  const eve = { userId: 'eve' };
  const error = await expectStoreError(store.save(eve, 'dropped.txt', Buffer.from('x')), 'unsafe_path');
  expect(error.message).toContain('The folder eve is a symbolic link');
  await expectStoreError(store.read(eve, 'secret.txt'), 'unsafe_path');
  await expectStoreError(store.list(eve), 'unsafe_path');
  expect(await walk(outside)).toEqual(['secret.txt']);
});

test('a channel folder that is a link is refused too', async () => {
  await mkdir(path.join(root, 'bob'), { recursive: true });
  await symlink(outside, path.join(root, 'bob', '7'));
  await expectStoreError(store.read({ userId: 'bob', channelId: '7' }, 'secret.txt'), 'unsafe_path');
  await expectStoreError(
    store.save({ userId: 'bob', channelId: '7' }, 'x.txt', Buffer.from('x')),
    'unsafe_path',
  );
  expect(await walk(outside)).toEqual(['secret.txt']);
});

test('a FIFO or a folder with a file name is not read (and does not hang)', async () => {
  const folder = path.join(root, 'bob');
  await mkdir(path.join(folder, 'dir.txt'), { recursive: true });
  execFileSync('mkfifo', [path.join(folder, 'pipe.txt')]);
  await expectStoreError(store.read({ userId: 'bob' }, 'pipe.txt'), 'unsafe_path');
  await expectStoreError(store.read({ userId: 'bob' }, 'dir.txt'), 'unsafe_path');
  await expectStoreError(store.save({ userId: 'bob' }, 'dir.txt', Buffer.from('x')), 'unsafe_path');
  expect(await store.list({ userId: 'bob' })).toEqual([]);
});

test('a user id path that is a file, not a folder, is refused', async () => {
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'carl'), 'not a folder');
  await expectStoreError(store.save({ userId: 'carl' }, 'a.txt', Buffer.from('x')), 'unsafe_path');
});

test('a CLARA_FILES_DIR that cannot be used is a clear "unavailable" error naming the variable', async () => {
  const notAFolder = path.join(base, 'plain-file');
  await writeFile(notAFolder, 'x');
  const broken = new LocalFileStore({ root: path.join(notAFolder, 'files'), maxFileSize: 1024 });
  const error = await expectStoreError(
    broken.save({ userId: 'u' }, 'a.txt', Buffer.from('x')),
    'unavailable',
  );
  expect(error.message).toBe(
    `Local storage could not save the file (ENOTDIR): check that Clara can write CLARA_FILES_DIR ` +
      `(${path.join(notAFolder, 'files')}) and that the disk has room.`,
  );
});

test('no temporary files are left behind and the root is created on first save', async () => {
  expect(await store.list({ userId: 'new' })).toEqual([]);
  await store.save({ userId: 'new' }, 'a.txt', Buffer.from('1'));
  await store.save({ userId: 'new' }, 'a.txt', Buffer.from('22'));
  expect(await walk(root)).toEqual(['new/a.txt']);
});

test('CLARA_FILES_DIR is resolved inside DATA_DIR; S3_ENABLED with both keys selects S3', () => {
  const local = createFileStore(
    loadConfig({
      env: { DATA_DIR: base, CLARA_FILES_DIR: 'my_files', CLARA_MAX_FILE_SIZE: '2048' },
      envFile: false,
    }),
  );
  expect(local.kind).toBe('local');
  expect(local.describe()).toBe(`local folder ${path.join(base, 'my_files')}`);
  expect(local.maxFileSize).toBe(2048);
  expect(createFileStore(loadConfig({ env: { DATA_DIR: base }, envFile: false })).maxFileSize).toBe(52428800);

  const s3 = createFileStore(
    loadConfig({
      env: {
        DATA_DIR: base,
        S3_ENABLED: 'true',
        S3_ACCESS_KEY: 'AKIAEXAMPLE',
        S3_SECRET_KEY: 'secret-example-value',
        S3_ENDPOINT_URL: 'http://127.0.0.1:9',
      },
      envFile: false,
    }),
  );
  expect(s3.kind).toBe('s3');
  expect(s3.describe()).toBe('S3 bucket clara-files at http://127.0.0.1:9');
  s3.close?.();
});
