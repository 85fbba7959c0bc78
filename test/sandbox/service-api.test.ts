/** The sandbox service's own rules: auth, rate limit, sandbox cap, validation, timeout clamping, lifecycle. */
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteBackend } from '../../src/sandbox/remote-backend.js';
import { SandboxError } from '../../src/sandbox/types.js';
import { Sessions } from '../../src/sandbox-service/index.js';
import { API_KEY, RUN, type RunningService, startService } from './service-harness.js';

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error('expected a SandboxError');
}

describe('sandbox service API', () => {
  let s: RunningService | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  const call = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.key !== null) headers['X-API-Key'] = init.key ?? API_KEY;
    return fetch(`${s!.url}${path}`, { ...init, headers });
  };

  it('needs the API key everywhere except /health', async () => {
    s = await startService();
    const health = await call('/health', { key: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy', docker: false, backend: 'bubblewrap' });

    const missing = await call('/info', { key: null });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'Missing X-API-Key header.', code: 'auth' });
    const wrong = await call('/sandbox/alice/execute', {
      method: 'POST',
      body: JSON.stringify({ code: 'print(1)' }),
      key: 'wrong-key',
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()) as object).toEqual({ error: 'Invalid API key.', code: 'auth' });

    const intruder = new RemoteBackend({ url: s.url, apiKey: 'not-the-key-123', timeoutMs: 10_000 });
    const error = await failure(intruder.runPython('alice', 'print(1)', RUN));
    expect(error.code).toBe('auth');
    expect(error.message).toContain('SANDBOX_API_KEY');
    expect(error.message).not.toContain('not-the-key-123');
    expect(await intruder.available()).toMatchObject({ ok: false });
    expect(await s.client.available()).toEqual({ ok: true });

    const info = await (await call('/info')).json();
    expect(info).toMatchObject({
      available: true,
      backend: 'bubblewrap',
      active_sandboxes: 0,
      max_sandboxes: 20,
    });
  });

  it('enforces SANDBOX_RATE_LIMIT per key per minute, /health excepted', async () => {
    let now = new Date('2026-01-01T10:00:05Z');
    s = await startService({ service: { rateLimitPerMinute: 3, now: () => now } });
    for (let i = 0; i < 3; i++) expect((await call('/info')).status).toBe(200);
    const limited = await call('/info');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('55');
    expect(((await limited.json()) as { error: string }).error).toContain('Rate limit exceeded');
    expect((await call('/health', { key: null })).status).toBe(200);
    const error = await failure(s.client.stats());
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('rate limiting');

    now = new Date('2026-01-01T10:01:00Z');
    expect((await call('/info')).status).toBe(200);
  });

  it('caps active sandboxes at SANDBOX_MAX_CONTAINERS and frees a place when one is deleted', async () => {
    s = await startService({ service: { maxSandboxes: 2 } });
    expect((await call('/sandbox/a/create', { method: 'POST', body: '{}' })).status).toBe(200);
    await s.client.runShell('b', 'true', RUN);
    const full = await failure(s.client.runShell('c', 'true', RUN));
    expect(full.code).toBe('unavailable');
    expect(full.message).toContain('limit of 2 active sandboxes');
    const created = await call('/sandbox/c/create', { method: 'POST', body: '{}' });
    expect(created.status).toBe(503);

    const status = await (await call('/sandbox/b/status')).json();
    expect(status).toMatchObject({ user_id: 'b', status: 'running', execution_count: 1 });
    expect((await call('/sandbox/c/status')).status).toBe(404);

    expect(await (await call('/sandbox/a', { method: 'DELETE' })).json()).toEqual({
      status: 'deleted',
      files_preserved: true,
    });
    expect((await s.client.runShell('c', 'echo now', RUN)).output).toBe('now\n');
    expect(await (await call('/sandbox/c/stop', { method: 'POST' })).json()).toEqual({ status: 'stopped' });
    expect(await (await call('/sandbox/zed/stop', { method: 'POST' })).json()).toEqual({
      status: 'not_found',
    });
    const restarted = await call('/sandbox/b/restart', { method: 'POST' });
    expect(await restarted.json()).toMatchObject({ user_id: 'b', execution_count: 0 });
  });

  it('clamps run time limits to SANDBOX_MAX_EXECUTION_TIMEOUT', async () => {
    s = await startService({ service: { maxTimeoutSeconds: 1 } });
    const result = await s.client.runPython('alice', 'while True:\n    pass', { timeoutMs: 600_000 });
    expect(result.timedOut).toBe(true);
    expect(result.error).toContain('timed out after 1 seconds');
  });

  it('answers bad requests with {error} and a reason', async () => {
    s = await startService();
    const empty = await call('/sandbox/alice/execute', { method: 'POST', body: '{}' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: string }).error).toMatch(/^Invalid body: code:/);
    const broken = await call('/sandbox/alice/shell', { method: 'POST', body: '{"command":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toHaveProperty('error');
    const noPath = await call('/sandbox/alice/file');
    expect(noPath.status).toBe(400);
    const badEncoding = await call('/sandbox/alice/file', {
      method: 'POST',
      body: JSON.stringify({ path: 'a.txt', content: 'x', encoding: 'latin-1' }),
    });
    expect(badEncoding.status).toBe(400);
    const unknown = await call('/nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'No such endpoint: GET /nope' });
    const pip = await call('/sandbox/alice/pip/install', {
      method: 'POST',
      body: '{"package":"--index-url=http://x"}',
    });
    expect(pip.status).toBe(400);
  });

  it('lists pip packages and reports its numbers', async () => {
    s = await startService();
    const list = (await (await call('/sandbox/alice/pip/list')).json()) as {
      success: boolean;
      output: string;
    };
    expect(list.success).toBe(true);
    expect(list.output).toMatch(/Package\s+Version/);
    const info = (await s.client.stats()) as Record<string, unknown>;
    expect(info).toMatchObject({ active_sandboxes: 1, backend: 'bubblewrap' });
    expect(info.backend_stats).toMatchObject({ network: false });
  });

  it('with the network switched on, runs share the host network (and reach its local services)', async () => {
    s = await startService({ bubblewrap: { network: true } });
    const code = `import socket\ns = socket.create_connection(("127.0.0.1", ${s.port}), 5)\nprint("connected")`;
    const result = await s.client.runPython('alice', code, RUN);
    expect(result.output).toContain('connected');
    expect((await s.client.stats()).backend_stats).toMatchObject({ network: true });
  });

  it('removes sandboxes idle longer than the limit on the sweep', async () => {
    s = await startService();
    let now = new Date('2026-01-01T10:00:00Z');
    const sessions = new Sessions({ backend: s.backend, maxSessions: 5, idleMs: 60_000, now: () => now });
    sessions.acquire('old');
    now = new Date('2026-01-01T10:00:50Z');
    sessions.acquire('recent');
    now = new Date('2026-01-01T10:01:30Z');
    expect(await sessions.sweep()).toEqual(['old']);
    expect(sessions.get('old')).toBeUndefined();
    expect(sessions.get('recent')).toBeDefined();
    await sessions.close();
    expect(sessions.size).toBe(0);
  });
});
