/** Files through RemoteBackend → sandbox service → a person's workspace folder: round trips and escape attempts. */
import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError } from '../../src/sandbox/types.js';
import { API_KEY, RUN, type RunningService, startService } from './service-harness.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error('expected a SandboxError');
}

describe('remote sandbox files (bubblewrap behind the service)', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await startService({ bubblewrap: { maxFileBytes: 1_000_000 }, service: { maxFileBytes: 1_000_000 } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('writes, reads, lists and deletes files; code in the sandbox sees them', async () => {
    await s.client.writeFile('bob', 'notes/hello.txt', Buffer.from('hi there'));
    expect(text(await s.client.readFile('bob', '/workspace/notes/hello.txt'))).toBe('hi there');
    const seen = await s.client.runPython('bob', 'print(open("notes/hello.txt").read().upper())', RUN);
    expect(seen.output).toContain('HI THERE');

    await s.client.runShell('bob', 'printf made-inside > notes/inside.txt', RUN);
    expect(text(await s.client.readFile('bob', 'notes/inside.txt'))).toBe('made-inside');

    const listing = await s.client.listFiles('bob', 'notes');
    expect(listing.ok).toBe(true);
    expect(listing.output).toContain('hello.txt');
    expect(listing.output).toContain('inside.txt');

    const deleted = await s.client.deleteFile('bob', 'notes/hello.txt');
    expect(deleted.output).toBe('Deleted /workspace/notes/hello.txt');
    expect((await failure(s.client.readFile('bob', 'notes/hello.txt'))).code).toBe('not_found');
    expect(existsSync(path.join(s.dataDir, 'bob', 'notes', 'inside.txt'))).toBe(true);
  });

  it('keeps binary content byte for byte', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 0x80, 0x81, 10, 13]);
    await s.client.writeFile('bob', 'blob.bin', bytes);
    expect(Buffer.from(await s.client.readFile('bob', 'blob.bin')).equals(bytes)).toBe(true);
  });

  it('an empty folder lists as such; a missing one fails with the reason', async () => {
    await s.client.runShell('bob', 'mkdir -p empty', RUN);
    expect((await s.client.listFiles('bob', 'empty')).output).toBe('(empty directory)');
    const missing = await s.client.listFiles('bob', 'nope');
    expect(missing.ok).toBe(false);
    expect(missing.output).toContain('No such file or directory');
  });

  it('refuses ../ traversal and absolute paths outside /workspace', async () => {
    for (const attempt of [
      '../../etc/passwd',
      '/etc/passwd',
      '/workspace/../etc/passwd',
      'a/../../../etc/hosts',
    ]) {
      const error = await failure(s.client.readFile('bob', attempt));
      expect(error.code).toBe('invalid_path');
      expect(error.message).toContain('outside the sandbox workspace');
      expect((await failure(s.client.writeFile('bob', attempt, Buffer.from('x')))).code).toBe('invalid_path');
    }
    expect((await failure(s.client.deleteFile('bob', '../../etc/hosts'))).code).toBe('invalid_path');
    const listing = await failure(s.client.listFiles('bob', '/etc'));
    expect(listing.code).toBe('invalid_path');
    expect(await readFile('/etc/hosts', 'utf8')).not.toBe('x');
  });

  it('refuses symlinks planted in the workspace that point out, and never writes through them', async () => {
    const outside = path.join(s.dataDir, 'outside-secret.txt');
    await writeFile(outside, 'host secret');
    // A link made from inside the sandbox (there it points at the sandbox's own /etc).
    expect((await s.client.runShell('mallory', 'ln -s /etc/passwd inner-link', RUN)).ok).toBe(true);
    // Links planted on the host side, as a confused or hostile process might.
    const home = path.join(s.dataDir, 'mallory');
    await symlink(outside, path.join(home, 'link.txt'));
    await symlink(s.dataDir, path.join(home, 'up'));

    const read = await failure(s.client.readFile('mallory', 'link.txt'));
    expect(read.code).toBe('invalid_path');
    expect(read.message).toContain('outside the workspace');
    expect((await failure(s.client.readFile('mallory', 'up/outside-secret.txt'))).code).toBe('invalid_path');
    expect((await failure(s.client.readFile('mallory', 'inner-link'))).code).toBe('invalid_path');

    expect((await failure(s.client.writeFile('mallory', 'link.txt', Buffer.from('pwned')))).code).toBe(
      'invalid_path',
    );
    expect((await failure(s.client.writeFile('mallory', 'up/new.txt', Buffer.from('pwned')))).code).toBe(
      'invalid_path',
    );
    expect(await readFile(outside, 'utf8')).toBe('host secret');
    expect(existsSync(path.join(s.dataDir, 'new.txt'))).toBe(false);

    // Deleting the link removes the link, not its target.
    await s.client.deleteFile('mallory', 'link.txt');
    expect(await readFile(outside, 'utf8')).toBe('host secret');
  });

  it('one person cannot see or reach another person’s files', async () => {
    await s.client.writeFile('carol', 'diary.txt', Buffer.from('carol only'));
    expect((await failure(s.client.readFile('dave', 'diary.txt'))).code).toBe('not_found');
    const look = await s.client.runShell('dave', `cat ${s.dataDir}/carol/diary.txt; ls ${s.dataDir}`, RUN);
    expect(look.output).not.toContain('carol only');
    expect(look.output).toContain('No such file or directory');
    expect((await s.client.listFiles('dave', '/workspace')).output).not.toContain('diary.txt');
    expect((await s.client.runShell('dave', 'cat ../carol/diary.txt', RUN)).output).not.toContain(
      'carol only',
    );
  });

  it('refuses files over the size limit', async () => {
    const error = await failure(s.client.writeFile('bob', 'big.bin', Buffer.alloc(1_200_000)));
    expect(error.code).toBe('too_large');
    await s.client.runShell('bob', 'head -c 1100000 /dev/zero > made-big.bin', RUN);
    const read = await failure(s.client.readFile('bob', 'made-big.bin'));
    expect(read.code).toBe('too_large');
    expect(read.message).toContain('limit');
  });

  it('unpacks zip archives made in the sandbox and lists the result', async () => {
    await s.client.runPython(
      'bob',
      'import zipfile\nwith zipfile.ZipFile("pack.zip", "w") as z:\n    z.writestr("inner/a.txt", "from zip")',
      RUN,
    );
    const result = await s.client.unzip('bob', 'pack.zip', 'unpacked', RUN);
    expect(result.ok).toBe(true);
    expect(result.output).toContain('Extracted /workspace/pack.zip to /workspace/unpacked');
    expect(text(await s.client.readFile('bob', 'unpacked/inner/a.txt'))).toBe('from zip');
    const bad = await s.client.unzip('bob', 'missing.zip', undefined, RUN);
    expect(bad.ok).toBe(false);
    expect(bad.output).toContain('Archive not found');
  });

  it('reads the original home /home/user as /workspace for every file operation, unzip included', async () => {
    await s.client.writeFile('dora', '/home/user/in/notes.txt', Buffer.from('legacy path'));
    expect(text(await s.client.readFile('dora', '/workspace/in/notes.txt'))).toBe('legacy path');
    expect((await s.client.listFiles('dora', '/home/user/in')).output).toContain('notes.txt');
    await s.client.runPython(
      'dora',
      'import zipfile\nwith zipfile.ZipFile("old.zip", "w") as z:\n    z.writestr("x/y.txt", "home")',
      RUN,
    );
    const result = await s.client.unzip('dora', '/home/user/old.zip', '/home/user/out', RUN);
    expect(result.ok).toBe(true);
    expect(result.output).toContain('Extracted /workspace/old.zip to /workspace/out');
    expect(text(await s.client.readFile('dora', '/home/user/out/x/y.txt'))).toBe('home');
    for (const attempt of ['/home/user/../../etc/passwd', '/home/username/x', '/home/other/x']) {
      expect((await failure(s.client.readFile('dora', attempt))).code).toBe('invalid_path');
    }
    expect((await failure(s.client.unzip('dora', 'old.zip', '/home/user/../../etc', RUN))).code).toBe(
      'invalid_path',
    );
  });

  it('validates user ids in URLs', async () => {
    for (const id of ['.hidden', 'a/b', 'a b', '-rf', 'x'.repeat(200)]) {
      const response = await fetch(`${s.url}/sandbox/${encodeURIComponent(id)}/files`, {
        headers: { 'X-API-Key': API_KEY },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain('Invalid user id');
    }
  });
});
