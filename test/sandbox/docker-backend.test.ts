/**
 * The local Docker sandbox backend against the wire-level fake Docker engine (test/support/fake-docker.ts): the
 * real dockerode client, real processes behind each exec, real files.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerBackend, dockerConnection, SandboxError, safeUserId } from '../../src/sandbox/index.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';
import { processesWith } from './service-harness.js';

const USER = 'discord-123';
const RUN = { timeoutMs: 20_000 };

let docker: FakeDocker;
let backend: DockerBackend;
let clock: number;

function makeBackend(options: Partial<ConstructorParameters<typeof DockerBackend>[0]> = {}): DockerBackend {
  return new DockerBackend({
    connection: dockerConnection(docker.dockerHost),
    image: 'python:3.12-slim',
    memory: '256m',
    cpus: 0.5,
    idleTimeoutMs: 900_000,
    sweepIntervalMs: 0,
    now: () => clock,
    ...options,
  });
}

beforeEach(async () => {
  clock = 1_000_000;
  docker = await startFakeDocker();
  backend = makeBackend();
});

afterEach(async () => {
  await backend.close();
  await docker.close();
});

describe('DockerBackend', () => {
  it('gives ids that differ only in punctuation different containers', () => {
    expect(safeUserId('a.b')).not.toBe(safeUserId('a-b'));
    expect(safeUserId('discord-123')).toMatch(/^discord-123-[0-9a-f]{8}$/);
  });

  it('pulls the image, then creates one container per person with limits and no network', async () => {
    const result = await backend.runPython(USER, 'print(6 * 7)', RUN);
    expect(result).toMatchObject({ ok: true, output: '42\n', exitCode: 0 });
    expect(docker.find('POST', /^\/images\/create$/)[0]?.query).toMatchObject({
      fromImage: 'python',
      tag: '3.12-slim',
    });
    const creates = docker.find('POST', /^\/containers\/create$/);
    expect(creates).toHaveLength(1);
    const create = creates[0]!;
    expect(create.query.name).toBe(`clara-sandbox-${safeUserId('discord-123')}`);
    expect(create.body).toMatchObject({
      Image: 'python:3.12-slim',
      WorkingDir: '/workspace',
      Cmd: ['sleep', 'infinity'],
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        Memory: 256 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        NanoCpus: 500_000_000,
        Binds: [`clara-sandbox-${safeUserId('discord-123')}-workspace:/workspace`],
      },
    });
    await backend.runShell(USER, 'true', RUN);
    await backend.runShell('discord-456', 'true', RUN);
    expect(docker.find('POST', /^\/containers\/create$/).map((r) => r.query.name)).toEqual([
      `clara-sandbox-${safeUserId('discord-123')}`,
      `clara-sandbox-${safeUserId('discord-456')}`,
    ]);
  });

  it('uses the network the configuration names', async () => {
    await backend.close();
    backend = makeBackend({ network: 'bridge' });
    await backend.runShell(USER, 'true', RUN);
    const body = docker.find('POST', /^\/containers\/create$/)[0]?.body as Record<string, unknown>;
    expect((body.HostConfig as Record<string, unknown>).NetworkMode).toBe('bridge');
    expect(body.NetworkDisabled).toBeUndefined();
  });

  it('runs Python as an argument array and reports stderr and exit codes', async () => {
    const failed = await backend.runPython(
      USER,
      'import sys\nprint("partial")\nraise ValueError("boom")',
      RUN,
    );
    expect(failed.ok).toBe(false);
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toBe('partial\n');
    expect(failed.error).toContain('ValueError: boom');
    const exit3 = await backend.runPython(USER, 'import sys; sys.exit(3)', RUN);
    expect(exit3).toMatchObject({ ok: false, exitCode: 3, error: 'Exit code: 3' });
    const silent = await backend.runPython(USER, 'x = 1', RUN);
    expect(silent).toMatchObject({ ok: true, output: '(no output)' });
    const exec = docker.find('POST', /\/exec$/).at(-1)?.body as { Cmd: string[] };
    expect(exec.Cmd.slice(-2)).toEqual(['python3', '/tmp/clara_script.py']);
    expect(exec.Cmd[0]).toBe('timeout');
  });

  it('passes a shell command with quotes and $() as one argv element, untouched', async () => {
    const command = `echo "it's $(echo fine)" && printf '%s\\n' 'a "b"' >&2; exit 4`;
    const result = await backend.runShell(USER, command, RUN);
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(4);
    expect(result.output).toBe(`it's fine\n[stderr]\na "b"\n`);
    expect(result.error).toBe('Exit code: 4');
    const exec = docker.find('POST', /\/exec$/).at(-1)?.body as { Cmd: string[] };
    expect(exec.Cmd.slice(-3)).toEqual(['sh', '-c', command]);
  });

  it('stops an endless loop at its time limit and kills the process', async () => {
    // The loop re-executes itself with a unique marker in its command line, so the host can find it by name.
    const marker = `clara-endless-${randomUUID()}`;
    const code = `import os\nos.execvp("python3", ["python3", "-c", "import time\\nwhile True: time.sleep(0.05)", "${marker}"])`;
    const run = backend.runPython(USER, code, { timeoutMs: 1_500 });
    // Control: while it runs, the loop is visible from the host.
    while ((await processesWith(marker)).length === 0) await new Promise((r) => setTimeout(r, 20));
    const result = await run;
    expect(result).toMatchObject({ ok: false, timedOut: true });
    expect(result.error).toBe('Timed out after 1.5 s: the run was stopped.');
    expect(await processesWith(marker)).toEqual([]);
    // The container still works afterwards.
    expect((await backend.runShell(USER, 'echo ok', RUN)).output).toBe('ok\n');
  });

  it('cuts a flood of output with a note', async () => {
    await backend.close();
    backend = makeBackend({ maxOutputChars: 1_000 });
    const result = await backend.runPython(USER, 'print("x" * 5000)', RUN);
    expect(result.ok).toBe(true);
    expect(result.truncated).toBe(true);
    expect(result.output).toBe(`${'x'.repeat(1000)}\n[output truncated: 4,001 more characters]`);
    const endless = await backend.runPython(USER, 'while True: print("y" * 1000)', { timeoutMs: 20_000 });
    expect(endless.ok).toBe(false);
    expect(endless.truncated).toBe(true);
    expect(endless.error).toContain('output was too large');
  });

  it('writes, reads and lists files, text and binary, through the archive API', async () => {
    await backend.writeFile(USER, 'data/notes.txt', Buffer.from('hello\nwörld\n'));
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    await backend.writeFile(USER, '/workspace/data/bytes.bin', binary);
    const long = `${'d'.repeat(120)}/file.txt`;
    await backend.writeFile(USER, long, Buffer.from('deep'));
    expect(Buffer.from(await backend.readFile(USER, '/workspace/data/notes.txt')).toString()).toBe(
      'hello\nwörld\n',
    );
    expect(Buffer.from(await backend.readFile(USER, 'data/bytes.bin'))).toEqual(Buffer.from(binary));
    expect(Buffer.from(await backend.readFile(USER, long)).toString()).toBe('deep');
    const python = await backend.runPython(USER, 'print(open("data/notes.txt").read().upper(), end="")', RUN);
    expect(python.output).toBe('HELLO\nWÖRLD\n');
    const listing = await backend.listFiles(USER, 'data');
    expect(listing.ok).toBe(true);
    expect(listing.output).toContain('notes.txt');
    expect(listing.output).toContain('bytes.bin');
    const puts = docker.find('PUT', /\/archive$/);
    expect(puts.every((r) => r.query.path === '/workspace' || r.query.path === '/tmp')).toBe(true);
  });

  it('refuses paths that leave the workspace, and links that point out of it', async () => {
    for (const path of ['../../etc/passwd', '/etc/passwd', 'data/../../x', '/workspace/../etc/shadow']) {
      await expect(backend.readFile(USER, path)).rejects.toMatchObject({ code: 'invalid_path' });
      await expect(backend.writeFile(USER, path, Buffer.from('x'))).rejects.toMatchObject({
        code: 'invalid_path',
      });
    }
    await expect(backend.listFiles(USER, '/etc')).rejects.toBeInstanceOf(SandboxError);
    await backend.runShell(
      USER,
      'ln -s /etc/hostname out && echo secret > inner.txt && ln -s inner.txt in',
      RUN,
    );
    await expect(backend.readFile(USER, 'out')).rejects.toMatchObject({ code: 'invalid_path' });
    expect(Buffer.from(await backend.readFile(USER, 'in')).toString()).toBe('secret\n');
    await expect(backend.readFile(USER, 'missing.txt')).rejects.toMatchObject({ code: 'not_found' });
    await expect(backend.readFile(USER, '.')).rejects.toMatchObject({ code: 'invalid_path' });
  });

  it('refuses a linked folder anywhere in the path that leads out; links that stay inside are followed', async () => {
    await backend.runShell(
      USER,
      'ln -s /etc d && mkdir -p real/sub && echo inner > real/sub/f.txt && ln -s real/sub inside && ln -s ../.. up',
      RUN,
    );
    for (const path of ['d/hostname', 'd/passwd', '/workspace/d/os-release', 'up/etc/hostname']) {
      await expect(backend.readFile(USER, path)).rejects.toMatchObject({
        code: 'invalid_path',
        message: expect.stringContaining('leads out of the workspace through a symbolic link'),
      });
    }
    await expect(backend.writeFile(USER, 'd/evil-clara-test', Buffer.from('x'))).rejects.toMatchObject({
      code: 'invalid_path',
      message: expect.stringMatching(/resolves to \/etc\/evil-clara-test\), so it cannot be written/),
    });
    await expect(backend.writeFile(USER, 'd/sub/x', Buffer.from('x'))).rejects.toMatchObject({
      code: 'invalid_path',
    });
    expect(Buffer.from(await backend.readFile(USER, 'inside/f.txt')).toString()).toBe('inner\n');
    await backend.writeFile(USER, 'inside/new.txt', Buffer.from('through a link inside'));
    expect((await backend.runShell(USER, 'cat real/sub/new.txt', RUN)).output).toBe('through a link inside');
    // Nothing reached a host path through the links.
    expect(existsSync('/etc/evil-clara-test')).toBe(false);
    expect(
      docker.find('PUT', /\/archive$/).every((r) => r.query.path === '/workspace' || r.query.path === '/tmp'),
    ).toBe(true);
  });

  it('refuses files over the read limit', async () => {
    await backend.close();
    backend = makeBackend({ maxFileBytes: 1_000 });
    await backend.runShell(USER, 'head -c 5000 /dev/zero > big.bin', RUN);
    await expect(backend.readFile(USER, 'big.bin')).rejects.toMatchObject({ code: 'too_large' });
    await expect(backend.writeFile(USER, 'big2.bin', new Uint8Array(2_000))).rejects.toMatchObject({
      code: 'too_large',
    });
  });

  it('unzips an archive with Python and lists the result', async () => {
    await backend.runPython(
      USER,
      'import zipfile\nwith zipfile.ZipFile("a.zip", "w") as z: z.writestr("inside/hello.txt", "hi")',
      RUN,
    );
    const result = await backend.unzip(USER, 'a.zip', 'out', RUN);
    expect(result.ok).toBe(true);
    expect(result.output).toContain('inside');
    expect(Buffer.from(await backend.readFile(USER, 'out/inside/hello.txt')).toString()).toBe('hi');
    await backend.runPython(
      USER,
      'import tarfile, io\nwith tarfile.open("b.tar.gz", "w:gz") as t:\n    data = b"tarred"\n    info = tarfile.TarInfo("t/x.txt"); info.size = len(data); t.addfile(info, io.BytesIO(data))',
      RUN,
    );
    const tarred = await backend.unzip(USER, 'b.tar.gz', undefined, RUN);
    expect(tarred).toMatchObject({ ok: true });
    expect(tarred.output).not.toContain('[stderr]');
    expect(Buffer.from(await backend.readFile(USER, 't/x.txt')).toString()).toBe('tarred');
  });

  it('removes idle containers and keeps the files on the volume', async () => {
    await backend.writeFile(USER, 'keep.txt', Buffer.from('kept'));
    await backend.runShell('discord-999', 'true', RUN);
    clock += 600_000;
    await backend.runShell('discord-999', 'true', RUN);
    clock += 400_000;
    expect(await backend.sweepIdle()).toEqual([USER]);
    expect([...docker.containers.values()].map((c) => c.name)).toEqual([
      `clara-sandbox-${safeUserId('discord-999')}`,
    ]);
    expect(Buffer.from(await backend.readFile(USER, 'keep.txt')).toString()).toBe('kept');
    expect(docker.find('POST', /^\/containers\/create$/)).toHaveLength(3);
    await backend.close();
    expect(docker.containers.size).toBe(0);
  });

  it('recreates a container removed behind its back, and reports one that dies mid-run', async () => {
    await backend.runShell(USER, 'true', RUN);
    docker.removeContainer(`clara-sandbox-${safeUserId('discord-123')}`);
    expect((await backend.runShell(USER, 'echo back', RUN)).output).toBe('back\n');
    docker.faults.crashNextExec = true;
    const crashed = await backend.runPython(
      USER,
      'import time\nprint("start", flush=True)\ntime.sleep(30)',
      RUN,
    );
    expect(crashed.ok).toBe(false);
    expect(crashed.error).toContain('sandbox stopped during the run');
    expect((await backend.runShell(USER, 'echo again', RUN)).output).toBe('again\n');
  });

  it('gives up on a run whose stream the engine never ends, and starts a fresh container', async () => {
    await backend.close();
    backend = makeBackend({ graceMs: 200 });
    await backend.writeFile(USER, 'kept.txt', Buffer.from('still here'));
    docker.faults.hangNextExec = true;
    const hung = await backend.runShell(USER, 'echo started', { timeoutMs: 500 });
    expect(hung).toMatchObject({ ok: false, timedOut: true, output: 'started\n' });
    expect(docker.containers.size).toBe(0);
    expect((await backend.runShell(USER, 'cat kept.txt', RUN)).output).toBe('still here');
    expect(docker.find('POST', /^\/containers\/create$/)).toHaveLength(2);
  });

  it('tracks installed packages and explains that installs need a network', async () => {
    const present = await backend.installPackage(USER, 'PIP', RUN);
    expect(present).toMatchObject({ ok: true, output: 'pip is already installed.' });
    const missing = await backend.installPackage(USER, 'surely-not-installed-pkg>=1', RUN);
    expect(missing.ok).toBe(false);
    expect(missing.error).toContain('DOCKER_SANDBOX_NETWORK=bridge');
    await expect(backend.installPackage(USER, '--index-url=http://evil x', RUN)).rejects.toThrow(
      /not a package/,
    );
  });

  it('explains a failed image pull', async () => {
    docker.faults.pullError = 'manifest for python:3.12-slim not found';
    await expect(backend.runShell(USER, 'true', RUN)).rejects.toThrow(
      'Could not pull the sandbox image python:3.12-slim: manifest for python:3.12-slim not found',
    );
    expect(docker.containers.size).toBe(0);
  });

  it('says plainly when Docker is not reachable', async () => {
    expect(await backend.available()).toEqual({ ok: true });
    await docker.setDown(true);
    const down = await backend.available();
    expect(down.ok).toBe(false);
    if (!down.ok)
      expect(down.reason).toMatch(
        /^Docker is not reachable at unix:\/\/.*docker\.sock \(.*\)\. Start Docker/,
      );
    await expect(backend.runShell(USER, 'true', RUN)).rejects.toMatchObject({ code: 'unavailable' });
    await docker.setDown(false);
    expect((await backend.runShell(USER, 'echo up', RUN)).output).toBe('up\n');
  });
});
