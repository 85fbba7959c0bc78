/**
 * The sandbox service in front of the Docker backend (the fake Docker engine on a unix socket, the real dockerode
 * client): spec §6.3.2's SandboxInfo carries the real container id and live memory/CPU numbers from the engine's
 * stats, `/create` starts the container, `/restart` replaces it, and `/info` names the engine's version.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerBackend, dockerConnection, RemoteBackend } from '../../src/sandbox/index.js';
import { createSandboxService, type SandboxService } from '../../src/sandbox-service/index.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';

const KEY = 'service-docker-key-0123456789';

let docker: FakeDocker;
let service: SandboxService;
let url: string;

const call = async (path: string, method = 'GET') => {
  const response = await fetch(`${url}${path}`, { method, headers: { 'X-API-Key': KEY } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

beforeEach(async () => {
  docker = await startFakeDocker({ images: ['clara-sandbox:latest'] });
  service = await createSandboxService({
    backend: new DockerBackend({
      connection: dockerConnection(docker.dockerHost),
      image: 'clara-sandbox:latest',
      memory: '512m',
      cpus: 1,
      idleTimeoutMs: 900_000,
      sweepIntervalMs: 0,
    }),
    apiKey: KEY,
    logger: pino({ level: 'silent' }),
    version: 'test',
    maxSandboxes: 5,
    idleMs: 900_000,
    maxTimeoutSeconds: 60,
    defaultTimeoutSeconds: 30,
    rateLimitPerMinute: 10_000,
  });
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const address = service.app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterEach(async () => {
  await service.close();
  await docker.close();
});

describe('sandbox service with Docker', () => {
  it('reports the real container and its live memory and CPU from the engine', async () => {
    const created = await call('/sandbox/alice/create', 'POST');
    expect(created.status).toBe(200);
    const [container] = [...docker.containers.values()];
    expect(container?.running).toBe(true);
    expect(created.body).toMatchObject({ user_id: 'alice', container_id: container?.id, status: 'running' });

    const status = await call('/sandbox/alice/status');
    // 64 MiB used minus 16 MiB page cache; 0.2 s of CPU over 1 s of host time on 2 CPUs.
    expect(status.body).toMatchObject({ container_id: container?.id, memory_usage_mb: 48, cpu_percent: 40 });
    Object.assign(container!.usage, {
      memoryBytes: 300 * 1024 * 1024,
      inactiveFileBytes: 0,
      cpuTotalNs: 1.5e9,
    });
    expect((await call('/sandbox/alice/status')).body).toMatchObject({
      memory_usage_mb: 300,
      cpu_percent: 100,
    });
    expect(docker.find('GET', /\/containers\/[0-9a-f]+\/stats$/).at(-1)?.query).toMatchObject({
      stream: 'false',
    });

    const info = await call('/info');
    expect(info.body).toMatchObject({
      backend: 'docker',
      docker_version: '24.0.0-fake',
      active_sandboxes: 1,
    });
  });

  it('restart replaces the container; runs go through it; a missing sandbox is 404', async () => {
    await call('/sandbox/bob/create', 'POST');
    const first = [...docker.containers.values()][0]?.id;
    const restarted = await call('/sandbox/bob/restart', 'POST');
    const second = [...docker.containers.values()][0]?.id;
    expect(second).not.toBe(first);
    expect(restarted.body.container_id).toBe(second);
    const client = new RemoteBackend({ url, apiKey: KEY, timeoutMs: 30_000 });
    expect((await client.runShell('bob', 'echo through-docker', { timeoutMs: 30_000 })).output).toContain(
      'through-docker',
    );
    expect((await call('/sandbox/bob/status')).body).toMatchObject({ execution_count: 1 });
    expect((await call('/sandbox/nobody/status')).status).toBe(404);
  });

  it('a failed creation is 503 with the reason, and leaves no session behind', async () => {
    docker.faults.pullError = 'registry unreachable';
    docker.images.clear();
    const failed = await call('/sandbox/carol/create', 'POST');
    expect(failed.status).toBe(503);
    expect(String(failed.body.error)).toContain('Could not pull the sandbox image clara-sandbox:latest');
    expect((await call('/info')).body).toMatchObject({ active_sandboxes: 0 });
  });
});
