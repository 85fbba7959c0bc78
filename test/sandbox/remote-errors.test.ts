/** How RemoteBackend reports a service that is down, slow, failing or odd — and that the key never leaks. */
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteBackend } from '../../src/sandbox/remote-backend.js';
import { SandboxError } from '../../src/sandbox/types.js';
import { processesWith, RUN, startService } from './service-harness.js';

const KEY = 'sk-remote-secret-4242424242';

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error('expected a SandboxError');
}

/** A local HTTP fake answering every request with `handler`. */
async function fakeService(
  handler: (url: string, respond: (status: number, body: string) => void) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    handler(request.url ?? '', (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('RemoteBackend error mapping', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a stopped service: "cannot reach", and unavailable in the health check', async () => {
    const s = await startService();
    await s.stop();
    const error = await failure(s.client.runPython('alice', 'print(1)', RUN));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain(`Cannot reach the sandbox service at ${s.url}`);
    expect(error.message).toContain('connection refused');
    const health = await s.client.available();
    expect(health.ok).toBe(false);
    expect(health.ok === false && health.reason).toContain('Cannot reach');
  });

  it('a service that does not answer: request timed out', async () => {
    const fake = await fakeService(() => {});
    servers.push(fake.server);
    const client = new RemoteBackend({ url: `${fake.url}/`, apiKey: KEY, timeoutMs: 300 });
    const error = await failure(client.stats());
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('did not answer within 1 s');
  });

  it('maps 401, 404, 503 and other statuses, and never repeats the key', async () => {
    const replies: Record<string, [number, string]> = {
      '/info': [503, JSON.stringify({ error: 'Docker is restarting' })],
      '/sandbox/u/file?path=missing.txt': [404, JSON.stringify({ error: 'File not found: missing.txt' })],
      '/sandbox/u/execute': [500, JSON.stringify({ error: `boom with ${KEY} inside` })],
      '/sandbox/u/shell': [401, JSON.stringify({ error: 'Invalid API key' })],
      '/sandbox/u/files?path=%2Fworkspace': [200, 'not json'],
      '/sandbox/u/pip/install': [200, JSON.stringify({ success: 'maybe' })],
      '/sandbox/u/unzip': [502, '<html>Bad gateway</html>'],
    };
    const fake = await fakeService((url, respond) => {
      const reply = replies[url] ?? [418, '{}'];
      respond(reply[0], reply[1]);
    });
    servers.push(fake.server);
    const client = new RemoteBackend({ url: fake.url, apiKey: KEY, timeoutMs: 5_000 });

    const unavailable = await failure(client.stats());
    expect(unavailable.code).toBe('unavailable');
    expect(unavailable.message).toBe('The sandbox service is unavailable: Docker is restarting');
    const missing = await failure(client.readFile('u', 'missing.txt'));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain('missing.txt');
    const failed = await failure(client.runPython('u', 'x', RUN));
    expect(failed.code).toBe('backend');
    expect(failed.message).toContain('Sandbox API error (500)');
    expect(failed.message).not.toContain(KEY);
    expect(failed.message).toContain('boom with *** inside');
    const auth = await failure(client.runShell('u', 'x', RUN));
    expect(auth.code).toBe('auth');
    expect(auth.message).toContain('rejected the API key (401)');
    const garbage = await failure(client.listFiles('u', ''));
    expect(garbage.message).toContain('not JSON');
    const shape = await failure(client.installPackage('u', 'x', RUN));
    expect(shape.message).toContain('unexpected reply');
    const gateway = await failure(client.unzip('u', 'a.zip', undefined, RUN));
    expect(gateway.message).toContain('Sandbox API error (502)');
    for (const error of [unavailable, missing, failed, auth, garbage, shape, gateway]) {
      expect(error.message).not.toContain(KEY);
    }
  });

  it('credentials in SANDBOX_API_URL never appear in messages', async () => {
    const client = new RemoteBackend({
      url: 'http://user:hunter2@127.0.0.1:9/',
      apiKey: KEY,
      timeoutMs: 2_000,
    });
    const error = await failure(client.stats());
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('http://127.0.0.1:9');
    expect(error.message).not.toContain('hunter2');
  });

  it('cancelling a call stops the run inside the service', async () => {
    const s = await startService();
    try {
      const marker = `${randomInt(100_000, 999_999)}.125`;
      const controller = new AbortController();
      const run = failure(
        s.client.runShell('alice', `sleep ${marker}`, { timeoutMs: 60_000, signal: controller.signal }),
      );
      // Wait until the sleep is running (bounded), then cancel.
      for (let i = 0; i < 200 && (await processesWith(`sleep ${marker}`)).length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await processesWith(`sleep ${marker}`)).not.toEqual([]);
      controller.abort();
      const error = await run;
      expect(error.code).toBe('timeout');
      expect(error.message).toContain('cancelled');
      for (let i = 0; i < 200 && (await processesWith(`sleep ${marker}`)).length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await processesWith(`sleep ${marker}`)).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});
