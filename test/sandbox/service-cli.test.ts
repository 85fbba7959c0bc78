/** `clara sandbox-service` as a real child process: refuses to run without a key or isolation, runs with bubblewrap. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoteBackend } from '../../src/sandbox/remote-backend.js';
import { runClara, spawnClara } from '../support/cli.js';
import { startFakeDocker } from '../support/fake-docker.js';

const KEY = 'cli-test-key-abcdef0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('clara sandbox-service', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'clara-sandbox-cli-'));
    await chmod(dataDir, 0o711);
    env = {
      SANDBOX_API_KEY: KEY,
      SANDBOX_DATA_DIR: dataDir,
      SANDBOX_API_HOST: '127.0.0.1',
      DOCKER_HOST: `unix://${path.join(dataDir, 'no-docker.sock')}`,
      DATA_DIR: dataDir,
    };
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start without SANDBOX_API_KEY', async () => {
    const result = await runClara(['sandbox-service'], { env: { ...env, SANDBOX_API_KEY: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SANDBOX_API_KEY is not set');
  });

  it('refuses to run code without an isolation layer: no Docker and bubblewrap not chosen', async () => {
    const result = await runClara(['sandbox-service'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No Docker daemon answers at unix://');
    expect(result.stderr).toContain('never runs user code on this host without an isolation layer');
    expect(result.stderr).toContain('SANDBOX_BACKEND=bubblewrap');
    expect(result.stderr).not.toContain(KEY);

    const dockerOnly = await runClara(['sandbox-service'], { env: { ...env, SANDBOX_BACKEND: 'docker' } });
    expect(dockerOnly.code).toBe(1);
    expect(dockerOnly.stderr).toContain('No Docker daemon answers');
  });

  it('says so when bubblewrap is chosen but cannot run, and does not start', async () => {
    const notAFolder = path.join(dataDir, 'plain-file');
    await writeFile(notAFolder, 'x');
    const result = await runClara(['sandbox-service'], {
      env: { ...env, SANDBOX_BACKEND: 'bubblewrap', SANDBOX_DATA_DIR: notAFolder },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `SANDBOX_BACKEND=bubblewrap, but SANDBOX_DATA_DIR (${notAFolder}) cannot hold`,
    );
    expect(result.stderr).toContain('does not start without a working isolation layer');
    expect(result.stdout).not.toContain('listening on');
  });

  it('starts with SANDBOX_BACKEND=bubblewrap, serves runs, and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawnClara(['sandbox-service'], {
      env: { ...env, SANDBOX_BACKEND: 'bubblewrap', SANDBOX_API_PORT: String(port) },
    });
    try {
      const [, url] = await child.waitFor(/listening on (http:\/\/\S+)/, 60_000);
      expect(child.output()).toContain('(bubblewrap)');
      const client = new RemoteBackend({ url: url!, apiKey: KEY, timeoutMs: 30_000 });
      expect(await client.available()).toEqual({ ok: true });
      const result = await client.runPython('cli-user', 'print(sum(range(10)))', { timeoutMs: 30_000 });
      expect(result.output).toContain('45');
      expect(child.output()).not.toContain(KEY);
    } finally {
      expect(await child.stop('SIGTERM')).toBe(0);
    }
  });

  it('picks Docker when a daemon answers, and removes its containers on SIGTERM', async () => {
    const docker = await startFakeDocker({ images: ['clara-sandbox:latest'] });
    const port = await freePort();
    const child = spawnClara(['sandbox-service'], {
      env: { ...env, DOCKER_HOST: docker.dockerHost, SANDBOX_API_PORT: String(port) },
    });
    try {
      const [, url] = await child.waitFor(/listening on (http:\/\/\S+)/, 60_000);
      expect(child.output()).toContain('(docker)');
      const client = new RemoteBackend({ url: url!, apiKey: KEY, timeoutMs: 30_000 });
      const result = await client.runShell('docker-user', 'echo from-docker', { timeoutMs: 30_000 });
      expect(result.output).toContain('from-docker');
      expect(docker.containers.size).toBe(1);
      expect(await child.stop('SIGTERM')).toBe(0);
      expect(docker.containers.size).toBe(0);
    } finally {
      await child.stop('SIGKILL');
      await docker.close();
    }
  });
});
