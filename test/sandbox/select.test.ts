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

function selector(
  mode: SandboxSelectorOptions['mode'],
  withRemote: boolean,
  guildMode?: SandboxSelectorOptions['guildMode'],
): SandboxSelector {
  const s = new SandboxSelector({
    mode,
    guildMode,
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

  it('auto with a configured remote that is down: no sandbox and no silent switch to Docker, as §6.1 reads', async () => {
    remote.availability = { ok: false, reason: 'Cannot reach the sandbox service at http://sandbox:8080' };
    const s = selector('auto', true);
    const none = await s.select();
    expect(none.ok).toBe(false);
    if (!none.ok) {
      expect(none.reason).toContain('the remote sandbox service is not available: Cannot reach');
      expect(none.reason).toContain('does not fall back to local Docker');
      expect(none.reason).toContain('set SANDBOX_MODE=local');
    }
    expect(docker.find('GET', /^\/_ping$/)).toHaveLength(0);
    expect(await s.status()).toMatchObject({ mode: 'auto', available: false });
    // The same Clara still serves a server that chose local.
    expect(await s.select('local')).toMatchObject({ ok: true, via: 'docker' });
  });

  it('takes the mode per call: a server choice over SANDBOX_MODE, each mode with its own answer', async () => {
    const modes: Record<string, 'local' | 'remote' | undefined> = { g1: 'local', g2: undefined };
    const s = selector('remote', true, async (guildId) => modes[guildId]);
    expect(await s.modeFor('g1')).toBe('local');
    expect(await s.modeFor('g2')).toBe('remote');
    expect(await s.modeFor(undefined)).toBe('remote');
    expect(await s.select(await s.modeFor('g1'))).toMatchObject({ ok: true, via: 'docker' });
    expect(await s.select(await s.modeFor('g2'))).toMatchObject({ ok: true, via: 'remote' });
    expect(await s.status('local')).toMatchObject({ mode: 'local (docker)', available: true });
    expect(await s.status()).toMatchObject({ mode: 'remote (remote)', available: true });
    await docker.setDown(true);
    s.invalidate();
    const none = await s.select('local');
    expect(none).toMatchObject({
      ok: false,
      reason: expect.stringContaining('the sandbox mode local of this server uses Docker only'),
    });
    expect(await s.select()).toMatchObject({ ok: true, via: 'remote' });
  });
});
