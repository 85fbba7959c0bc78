/** Docker images need a Docker engine: without one the install stops with a clear error and saves nothing. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHarness, FIXTURES } from './setup.js';

describe('install from a Docker image', () => {
  it('says clearly that no Docker engine is reachable', async () => {
    // An engine address that cannot exist, so the result is the same with or without Docker on the machine.
    const harness = buildHarness({
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/clara-test/docker.sock' },
    });
    try {
      await expect(harness.installer.install({ source: 'docker:mcp/fetch' })).rejects.toThrow(
        /Cannot install the Docker image mcp\/fetch: the (Docker engine is not running or not reachable|docker command is not installed)\. Start Docker/,
      );
      await expect(
        harness.installer.install({ source: 'ghcr.io/acme/weather:1.0', name: 'wx' }),
      ).rejects.toThrow(/Cannot install the Docker image ghcr\.io\/acme\/weather:1\.0/);
      expect(await harness.store.list()).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

describe('install from a Docker image with an engine (a stand-in docker CLI)', () => {
  it('pulls the image and runs it as `docker run -i --rm --init -e KEY <image>`, with the DOCKER_* settings', async () => {
    // The test connection spawns `docker` from PATH like the running app does: put the stand-in first. The stand-in
    // answers only through DOCKER_HOST (a rootless or remote engine), as the install steps and every start must.
    const dockerConfig = mkdtempSync(join(tmpdir(), 'clara-docker-config-'));
    const docker = {
      DOCKER_HOST: 'tcp://fake-docker-engine:2376',
      DOCKER_CONTEXT: 'fake-remote',
      DOCKER_CERT_PATH: '/etc/clara-test/docker-certs',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CONFIG: dockerConfig,
    };
    const saved = { ...process.env };
    Object.assign(process.env, docker, {
      PATH: `${join(FIXTURES, 'fake-docker')}:${saved.PATH}`,
      // One of Clara's own secrets: it must not reach the server.
      OPENAI_API_KEY: 'sk-clara-own-key-not-for-servers',
    });
    const harness = buildHarness({ env: process.env });
    try {
      const outcome = await harness.installer.install({
        source: 'docker:acme/weather:1.0',
        env: { WEATHER_KEY: 'k-123' },
        args: ['--label-ignored'],
      });
      expect(outcome.config).toMatchObject({
        name: 'weather',
        sourceType: 'docker',
        command: 'docker',
        args: ['run', '-i', '--rm', '--init', '-e', 'WEATHER_KEY', 'acme/weather:1.0', '--label-ignored'],
        env: { WEATHER_KEY: 'k-123' },
      });
      // Docker settings are taken from the environment at each start, not stored with the server.
      expect(JSON.stringify(outcome.config)).not.toContain('fake-docker-engine');
      const result = await harness.manager.callTool('weather', 'echo', { message: 'hi' });
      expect(result.content).toBe('acme/weather:1.0:k-123 echo: hi');
      const seen = JSON.parse(readFileSync(join(dockerConfig, 'fake-docker-run.json'), 'utf8'));
      expect(seen).toEqual({ docker, secrets: [] });
      await expect(harness.installer.install({ source: 'docker:acme/missing' })).rejects.toThrow(
        /The Docker image acme\/missing does not exist or is private/,
      );
    } finally {
      await harness.close();
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
