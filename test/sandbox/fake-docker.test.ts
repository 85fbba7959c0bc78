/**
 * The fake Docker engine itself (test/support/fake-docker*.ts) keeps everything a test runs "in a container" off
 * the host: execs and archive transfers see only the container's own folders, so a link to /etc inside a container
 * leads to the sandbox's own /etc, never to the host's. Checked with the real dockerode client, below the backend.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerConnection, tarFile, untar } from '../../src/sandbox/index.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';

const HOST_FILE = '/etc/clara-fake-docker-escape';

let fake: FakeDocker;
let container: Dockerode.Container;

async function exec(cmd: string[]): Promise<{ code: number; output: string }> {
  const run = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    WorkingDir: '/workspace',
  });
  const stream = (await run.start({ hijack: true, stdin: false })) as Readable;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  // Drop the 8-byte frame headers.
  const raw = Buffer.concat(chunks);
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length; ) {
    const length = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  const info = await run.inspect();
  return { code: info.ExitCode ?? -1, output: Buffer.concat(parts).toString('utf8') };
}

async function archive(path: string): Promise<Buffer> {
  const stream = (await container.getArchive({ path })) as Readable;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeEach(async () => {
  fake = await startFakeDocker({ images: ['python:3.12-slim'] });
  const docker = new Dockerode(dockerConnection(fake.dockerHost));
  container = await docker.createContainer({
    Image: 'python:3.12-slim',
    name: 'escape-test',
    WorkingDir: '/workspace',
    HostConfig: { Binds: ['escape-vol:/workspace'], NetworkMode: 'none' },
  });
  await container.start();
});

afterEach(async () => {
  await fake.close();
  expect(existsSync(HOST_FILE)).toBe(false);
});

describe('fake Docker confinement', () => {
  it('execs see the container folders at their own paths and cannot write to the host', async () => {
    const host = readFileSync('/etc/hostname', 'utf8');
    const run = await exec(['sh', '-c', `pwd; cat /etc/hostname; echo x > ${HOST_FILE}; echo rc=$?`]);
    expect(run.output).toContain('/workspace\n');
    expect(run.output).not.toContain(host.trim());
    expect(run.output).toMatch(/rc=0/);
    expect(existsSync(HOST_FILE)).toBe(false);
    await exec(['sh', '-c', 'echo kept > note.txt']);
    expect(readFileSync(`${fake.volumePath('escape-vol')}/note.txt`, 'utf8')).toBe('kept\n');
  });

  it('archive GET and PUT resolve links inside the container, never on the host', async () => {
    expect((await exec(['ln', '-s', '/etc', 'd'])).code).toBe(0);
    await expect(archive('/workspace/d/hostname')).rejects.toMatchObject({ statusCode: 404 });
    await expect(archive('/workspace/d/passwd')).rejects.toMatchObject({ statusCode: 404 });
    const [link] = untar(await archive('/workspace/d'));
    expect(link).toMatchObject({ type: 'symlink', linkName: '/etc' });
    await container
      .putArchive(tarFile('d/clara-fake-docker-escape', Buffer.from('x')), { path: '/workspace' })
      .catch(() => undefined);
    await container
      .putArchive(tarFile('clara-fake-docker-escape', Buffer.from('x')), { path: '/workspace/d' })
      .catch(() => undefined);
    expect(existsSync(HOST_FILE)).toBe(false);
    await container.putArchive(tarFile('in/x.txt', Buffer.from('inside')), { path: '/workspace' });
    expect(untar(await archive('/workspace/in/x.txt'))[0]).toMatchObject({ type: 'file', size: 6 });
  });

  it('answers stats and version like the engine', async () => {
    const stats = (await container.stats({ stream: false })) as {
      memory_stats: { usage: number };
      cpu_stats: { online_cpus: number };
    };
    expect(stats.memory_stats.usage).toBe(64 * 1024 * 1024);
    expect(stats.cpu_stats.online_cpus).toBe(2);
    const version = await new Dockerode(dockerConnection(fake.dockerHost)).version();
    expect(version.Version).toBe('24.0.0-fake');
  });
});
