/**
 * The remote sandbox service dying in the middle of a run, through the tools the model uses: the real
 * `clara sandbox-service` (bubblewrap) as a child process is killed with SIGKILL while Python runs in it. The call
 * ends with a plain message, the sandbox process dies with the service, the tools are withdrawn with the reason,
 * and they come back once the service answers again on the same address.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSandbox,
  RemoteBackend,
  registerSandboxTools,
  type SandboxSelector,
  type SandboxToolsHandle,
} from '../../src/sandbox/index.js';
import { ToolRegistry } from '../../src/tools/index.js';
import { type RunningClara, spawnClara } from '../support/cli.js';
import { processesWith } from './service-harness.js';

const KEY = 'outage-test-key-0123456789abcdef';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const context = {
  userId: 'discord-42',
  conversationId: 'discord-dm-42',
  sessionId: 's1',
  platform: 'discord',
  channelId: 'dm-42',
  isAdmin: false,
};

describe('the remote sandbox service dying mid-run', () => {
  let dataDir: string;
  let port: number;
  let service: RunningClara | undefined;
  let sandbox: SandboxSelector;
  let registry: ToolRegistry;
  let handle: SandboxToolsHandle;

  const startService = async () => {
    service = spawnClara(['sandbox-service'], {
      env: {
        SANDBOX_API_KEY: KEY,
        SANDBOX_BACKEND: 'bubblewrap',
        SANDBOX_DATA_DIR: dataDir,
        SANDBOX_API_HOST: '127.0.0.1',
        SANDBOX_API_PORT: String(port),
        DATA_DIR: dataDir,
      },
    });
    await service.waitFor(/listening on http:\/\//, 60_000);
  };
  const call = (name: string, args: unknown) =>
    registry.execute({ name, arguments: JSON.stringify(args) }, context);

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'clara-sandbox-outage-'));
    await chmod(dataDir, 0o711);
    port = await freePort();
    await startService();
    sandbox = createSandbox({
      config: {
        SANDBOX_MODE: 'auto',
        SANDBOX_API_URL: `http://127.0.0.1:${port}`,
        SANDBOX_API_KEY: KEY,
        SANDBOX_TIMEOUT: 30,
        // No Docker here: the remote service is the only backend.
        DOCKER_HOST: `unix://${path.join(dataDir, 'no-docker.sock')}`,
        DOCKER_SANDBOX_IMAGE: 'python:3.12-slim',
        DOCKER_SANDBOX_TIMEOUT: 900,
        DOCKER_SANDBOX_MEMORY: '512m',
        DOCKER_SANDBOX_CPU: 1,
        DOCKER_SANDBOX_NETWORK: 'none',
        GIT_USER_NAME: 'Clara Bot',
        GIT_USER_EMAIL: 'clara@bot.local',
        CLARA_MAX_FILE_SIZE: 1_000_000,
      },
      remote: (options) => new RemoteBackend(options),
      cacheMs: 0,
    });
    registry = new ToolRegistry();
    // As the app wires it: calls may carry a server's mode, so any backend keeps the tools offered.
    handle = await registerSandboxTools(registry, {
      sandbox,
      refreshMs: 0,
      modeFor: async () => undefined,
    });
  });

  afterEach(async () => {
    handle.stop();
    await sandbox.close();
    await service?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ends the run with a clear message, withdraws the tools, and offers them again when it is back', async () => {
    expect(registry.names()).toContain('execute_python');
    expect((await call('execute_python', { code: 'print("warm")' })).content).toContain('warm');

    // The run re-executes itself with a marker in its command line so the host can see it.
    const marker = `clara-outage-${randomUUID()}`;
    const code = `import os\nos.execvp("python3", ["python3", "-c", "import time\\nprint('started', flush=True)\\ntime.sleep(120)", "${marker}"])`;
    const running = call('execute_python', { code });
    await until('the run inside the service', async () => (await processesWith(marker)).length > 0);
    await service?.stop('SIGKILL');

    const result = await running;
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(
      /^Error: The connection to the sandbox service at http:\/\/127\.0\.0\.1:\d+ broke while running Python \(.+\): the service stopped or restarted, and the result is lost\./,
    );
    expect(result.content).not.toContain(KEY);
    await until('the sandbox process to die with the service', async () => {
      return (await processesWith(marker)).length === 0;
    });

    expect(await handle.refresh()).toBe(false);
    expect(registry.specs(context).map((spec) => spec.name)).not.toContain('execute_python');
    const explained = await call('execute_python', { code: 'print(1)' });
    expect(explained.isError).toBe(true);
    expect(explained.content).toContain('No code sandbox: the remote sandbox service is not available');
    expect(explained.content).toContain('connection refused');
    expect(explained.content).toContain('does not fall back to local Docker');

    await startService();
    expect(await handle.refresh()).toBe(true);
    expect(registry.specs(context).map((spec) => spec.name)).toContain('execute_python');
    expect((await call('execute_python', { code: 'print("back", 6 * 7)' })).content).toContain('back 42');

    // The tool layer maps the original's /home/user paths on this backend too.
    await call('execute_python', {
      code: 'import zipfile\nwith zipfile.ZipFile("a.zip", "w") as z: z.writestr("in/x.txt", "unzipped")',
    });
    const unzipped = await call('unzip_file', { path: '/home/user/a.zip', destination: '/home/user/out' });
    expect(unzipped.isError).toBeUndefined();
    expect(unzipped.content).toContain('Extracted /workspace/a.zip to /workspace/out');
    expect((await call('read_file', { path: '/home/user/out/in/x.txt' })).content).toContain('unzipped');
  });
});
