/**
 * Backend selection (spec §6.1) for SANDBOX_MODE local, remote and auto: the Docker backend against the fake
 * Docker engine (up or down), and a stub remote backend (a test double of the SandboxBackend interface, since the
 * remote client has its own tests against the real sandbox service).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Availability,
  DockerBackend,
  dockerConnection,
  type SandboxBackend,
  SandboxSelector,
  type SandboxSelectorOptions,
} from '../../src/sandbox/index.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';

class StubRemote implements SandboxBackend {
  readonly kind = 'remote' as const;
  availability: Availability = { ok: true };
  closed = false;
  async available() {
    return this.availability;
  }
  runPython = async () => ({ ok: true, output: 'remote', durationMs: 1 });
  runShell = this.runPython;
  installPackage = this.runPython;
  listFiles = this.runPython;
  unzip = this.runPython;
  readFile = async () => new Uint8Array();
  writeFile = async () => undefined;
  destroy = async () => undefined;
  stats = async () => ({ backend: 'remote', url: 'https://sandbox.example' });
  async close() {
    this.closed = true;
  }
}

let docker: FakeDocker;
let remote: StubRemote;
let clock: number;
const selectors: SandboxSelector[] = [];

function selector(mode: SandboxSelectorOptions['mode'], withRemote: boolean): SandboxSelector {
  const s = new SandboxSelector({
    mode,
    remote: withRemote ? () => remote : undefined,
    docker: () =>
      new DockerBackend({
        connection: dockerConnection(docker.dockerHost),
        image: 'python:3.12-slim',
        memory: '512m',
        cpus: 1,
        idleTimeoutMs: 900_000,
        sweepIntervalMs: 0,
      }),
    cacheMs: 5_000,
    now: () => clock,
  });
  selectors.push(s);
  return s;
}

beforeEach(async () => {
  clock = 0;
  docker = await startFakeDocker();
  remote = new StubRemote();
});

afterEach(async () => {
  for (const s of selectors.splice(0)) await s.close();
  await docker.close();
});

describe('SandboxSelector', () => {
  it('auto: the remote service when configured, even with Docker up', async () => {
    const s = selector('auto', true);
    const chosen = await s.select();
    expect(chosen).toMatchObject({ ok: true, via: 'remote' });
    expect(await s.status()).toEqual({
      mode: 'auto → remote',
      available: true,
      detail: 'backend: remote, url: https://sandbox.example',
    });
    remote.availability = { ok: false, reason: 'the sandbox service answered 503' };
    expect(await s.status()).toMatchObject({
      available: false,
      detail: expect.stringContaining('answered 503'),
    });
  });

  it('auto: Docker when no remote is configured, none when Docker is down too', async () => {
    const s = selector('auto', false);
    expect(await s.select()).toMatchObject({ ok: true, via: 'docker' });
    const status = await s.status();
    expect(status).toMatchObject({ mode: 'auto → docker', available: true });
    expect(status.detail).toContain('network: none');
    await docker.setDown(true);
    // Cached for a moment: a ping per call would slow every run.
    expect(await s.select()).toMatchObject({ ok: true, via: 'docker' });
    clock += 5_000;
    const none = await s.select();
    expect(none.ok).toBe(false);
    if (!none.ok) {
      expect(none.reason).toMatch(
        /^Docker is not reachable at unix:\/\/.*, and SANDBOX_API_URL \/ SANDBOX_API_KEY are not set/,
      );
    }
    await docker.setDown(false);
    s.invalidate();
    expect(await s.select()).toMatchObject({ ok: true, via: 'docker' });
  });

  it('local: Docker only, never the remote service', async () => {
    const s = selector('local', true);
    expect(await s.select()).toMatchObject({ ok: true, via: 'docker' });
    await docker.setDown(true);
    s.invalidate();
    const none = await s.select();
    expect(none).toMatchObject({
      ok: false,
      reason: expect.stringContaining('SANDBOX_MODE=local uses Docker only'),
    });
    expect(docker.find('GET', /^\/_ping$/).length).toBeGreaterThan(0);
  });

  it('remote: the remote service only, and a clear reason when it is not configured', async () => {
    const s = selector('remote', true);
    expect(await s.select()).toMatchObject({ ok: true, via: 'remote' });
    const unconfigured = selector('remote', false);
    expect(await unconfigured.select()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('SANDBOX_API_URL and SANDBOX_API_KEY are not both set'),
    });
    expect(docker.find('GET', /^\/_ping$/)).toHaveLength(0);
    await s.close();
    expect(remote.closed).toBe(true);
  });
});
