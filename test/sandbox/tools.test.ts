/**
 * The sandbox tools through the real ToolRegistry, with the Docker backend against the fake Docker engine and the
 * local file store on a temp folder: what the model is offered, aliases, outputs, attachments, and how the tools
 * disappear (with an explanation) while Docker is down and come back when it answers again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSandbox,
  registerSandboxTools,
  type SandboxSelector,
  type SandboxToolsHandle,
} from '../../src/sandbox/index.js';
import { LocalFileStore } from '../../src/storage/index.js';
import { ToolRegistry } from '../../src/tools/index.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';

const SANDBOX_TOOLS = [
  'execute_python',
  'run_shell',
  'install_package',
  'read_file',
  'write_file',
  'list_files',
  'unzip_file',
  'download_from_sandbox',
  'upload_to_sandbox',
];

let docker: FakeDocker;
let sandbox: SandboxSelector;
let registry: ToolRegistry;
let handle: SandboxToolsHandle;
let filesDir: string;
let store: LocalFileStore;
let attached: Array<{ name: string; mediaType: string; data: Uint8Array }>;

const context = () => ({
  userId: 'discord-7',
  conversationId: 'discord-dm-7',
  sessionId: 's1',
  platform: 'discord',
  channelId: 'dm-7',
  isAdmin: false,
  attach: (file: { name: string; mediaType: string; data: Uint8Array }) => attached.push(file),
});

const call = (name: string, args: unknown) =>
  registry.execute({ name, arguments: JSON.stringify(args) }, context());

beforeEach(async () => {
  attached = [];
  docker = await startFakeDocker({ images: ['python:3.12-slim'] });
  filesDir = mkdtempSync(join(tmpdir(), 'sandbox-tools-files-'));
  store = new LocalFileStore({ root: filesDir, maxFileSize: 1_000_000 });
  sandbox = createSandbox({
    config: {
      SANDBOX_MODE: 'auto',
      SANDBOX_API_URL: undefined,
      SANDBOX_API_KEY: undefined,
      SANDBOX_TIMEOUT: 60,
      DOCKER_HOST: docker.dockerHost,
      DOCKER_SANDBOX_IMAGE: 'python:3.12-slim',
      DOCKER_SANDBOX_TIMEOUT: 900,
      DOCKER_SANDBOX_MEMORY: '512m',
      DOCKER_SANDBOX_CPU: 1,
      DOCKER_SANDBOX_NETWORK: 'none',
      GIT_USER_NAME: 'Clara Bot',
      GIT_USER_EMAIL: 'clara@bot.local',
      CLARA_MAX_FILE_SIZE: 1_000_000,
    },
    cacheMs: 0,
  });
  registry = new ToolRegistry();
  handle = await registerSandboxTools(registry, { sandbox, files: store, refreshMs: 0 });
});

afterEach(async () => {
  handle.stop();
  await sandbox.close();
  await docker.close();
  rmSync(filesDir, { recursive: true, force: true });
});

describe('sandbox tools', () => {
  it('are offered with their instructions while Docker answers', () => {
    const names = registry.specs(context()).map((spec) => spec.name);
    expect(names).toEqual(SANDBOX_TOOLS);
    expect(registry.instructions(context())).toContain('fresh interpreter');
    const python = registry.specs(context()).find((spec) => spec.name === 'execute_python');
    expect(Object.keys((python?.parameters.properties ?? {}) as object)).toEqual([
      'code',
      'description',
      'timeout_seconds',
    ]);
  });

  it('runs Python (also under an alias) and fences the output; errors carry the traceback', async () => {
    const ok = await call('execute_python', { python_code: 'print("hello from the sandbox")' });
    expect(ok.isError).toBeUndefined();
    expect(ok.content).toMatch(/^Python finished in .+\.\n```\nhello from the sandbox\n```$/);
    const failed = await call('execute_python', { code: 'print("before")\n1/0' });
    expect(failed.isError).toBe(true);
    expect(failed.content).toMatch(
      /^Error: Python failed with exit code 1\.\nOutput:\n```\nbefore\n```\nstderr:\n```\nTraceback/,
    );
    expect(failed.content).toContain('ZeroDivisionError');
    expect(
      registry.status('execute_python', JSON.stringify({ code: 'x', description: 'Plotting sales' })),
    ).toEqual({
      emoji: '🐍',
      status: 'Plotting sales',
    });
    expect(
      registry.status('run_shell', JSON.stringify({ cmd: 'ls -la /workspace/some/long/folder/name' })),
    ).toEqual({
      emoji: '💻',
      status: 'Running `ls -la /workspace/some/long/fo…`',
    });
  });

  it('writes, reads and lists files, refusing paths outside the workspace', async () => {
    expect((await call('write_file', { file_path: 'notes/todo.md', text: '- buy milk' })).content).toBe(
      'File written to /workspace/notes/todo.md (10 bytes).',
    );
    expect((await call('read_file', { filename: 'notes/todo.md' })).content).toBe('```\n- buy milk\n```');
    expect((await call('list_files', { directory: 'notes' })).content).toContain('todo.md');
    const escaping = await call('read_file', { path: '../../etc/passwd' });
    expect(escaping).toMatchObject({ isError: true });
    expect(escaping.content).toContain('uses ".." to leave the workspace');
    expect((await call('write_file', { path: '/etc/cron.d/x', content: 'x' })).content).toContain(
      'outside the workspace',
    );
    await call('execute_python', { code: 'open("blob.bin","wb").write(bytes(range(256)))' });
    expect((await call('read_file', { path: 'blob.bin' })).content).toContain(
      '[Binary file /workspace/blob.bin: 256 bytes',
    );
  });

  it('unzip_file reads /home/user as /workspace like the other file tools, and refuses escapes', async () => {
    await call('execute_python', {
      code: 'import zipfile\nwith zipfile.ZipFile("pack.zip", "w") as z: z.writestr("inner/a.txt", "zipped")',
    });
    const unpacked = await call('unzip_file', { archive: '/home/user/pack.zip', dest: '/home/user/out' });
    expect(unpacked.isError).toBeUndefined();
    expect(unpacked.content).toContain('Unpacking /workspace/pack.zip finished');
    expect((await call('read_file', { path: '/home/user/out/inner/a.txt' })).content).toBe(
      '```\nzipped\n```',
    );
    for (const [args, message] of [
      [{ path: '../pack.zip' }, 'path "../pack.zip" uses ".." to leave the workspace'],
      [{ path: '/etc/pack.zip' }, 'path "/etc/pack.zip" is outside the workspace'],
      [
        { path: 'pack.zip', destination: '/etc/cron.d' },
        'destination "/etc/cron.d" is outside the workspace',
      ],
      [
        { path: 'pack.zip', destination: '/home/user/../../etc' },
        'destination "/home/user/../../etc" uses ".."',
      ],
    ] as const) {
      const refused = await call('unzip_file', args);
      expect(refused).toMatchObject({ isError: true });
      expect(refused.content).toContain(message);
    }
  });

  it('explains a missing argument with the parameter list', async () => {
    const result = await call('run_shell', { shell: 'ls' });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('command is required');
  });

  it('copies files between the sandbox and stored files, attaching on request', async () => {
    await call('execute_python', { code: 'open("report.csv","w").write("a,b\\n1,2\\n")' });
    const download = await call('download_from_sandbox', { sandbox_path: 'report.csv', send: true });
    expect(download.content).toBe(
      "Saved /workspace/report.csv as 'report.csv' (8 B) in local storage and attached it to your reply.",
    );
    expect(attached.map((file) => [file.name, Buffer.from(file.data).toString()])).toEqual([
      ['report.csv', 'a,b\n1,2\n'],
    ]);
    const stored = await store.read({ userId: 'discord-7', channelId: 'dm-7' }, 'report.csv');
    expect(stored.content.toString()).toBe('a,b\n1,2\n');
    await store.save({ userId: 'discord-7', channelId: 'dm-7' }, 'input.txt', Buffer.from('from storage'));
    const upload = await call('upload_to_sandbox', { filename: 'input.txt', path: 'in/input.txt' });
    expect(upload.content).toBe("Uploaded 'input.txt' (12 B) to the sandbox at /workspace/in/input.txt.");
    expect((await call('run_shell', { command: 'cat in/input.txt' })).content).toContain('from storage');
    expect((await call('upload_to_sandbox', { local_filename: 'nope.txt' })).content).toMatch(
      /^Error: .*nope\.txt/,
    );
  });

  it('are withdrawn with an explanation while Docker is down, and offered again when it is back', async () => {
    await docker.setDown(true);
    const result = await call('execute_python', { code: 'print(1)' });
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(
      /^Error: No code sandbox: Docker is not reachable at unix:\/\/.*SANDBOX_API_URL/,
    );
    expect(await handle.refresh()).toBe(false);
    expect(registry.specs(context()).map((spec) => spec.name)).toEqual([]);
    const explained = await call('run_shell', { command: 'ls' });
    expect(explained.content).toMatch(/^Error: No code sandbox: Docker is not reachable/);
    await docker.setDown(false);
    expect(await handle.refresh()).toBe(true);
    expect(registry.specs(context()).map((spec) => spec.name)).toEqual(SANDBOX_TOOLS);
    expect((await call('run_shell', { command: 'echo back' })).content).toContain('back');
  });
});
