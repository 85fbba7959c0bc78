import { afterEach, describe, expect, it } from 'vitest';
import type { McpManager } from '../../../src/mcp/manager/index.js';
import { ToolRegistry } from '../../../src/tools/index.js';
import {
  brokenServers,
  freshStore,
  saveEverythingStdio,
  saveRemote,
  startHttpEverything,
  testManager,
  waitFor,
} from './helpers.js';

const scope = {
  userId: 'tester',
  conversationId: 'c1',
  sessionId: 's1',
  platform: 'web',
  isAdmin: false,
};

describe('MCP manager with server-everything', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = (manager: McpManager) => {
    cleanups.push(() => manager.stop());
    return manager;
  };

  it('starts a stdio server, offers its tools as server__tool and runs them like the model would', async () => {
    const { store, dir } = await freshStore();
    await saveEverythingStdio(store, 'everything', { env: { CLARA_TEST_SECRET: 'env-secret-value-123' } });
    const registry = new ToolRegistry();
    const { manager } = testManager(store, { registry });
    track(manager);
    const summary = await manager.start();
    expect(summary).toMatchObject({ started: 1, connected: 1 });
    expect(registry.names()).toContain('everything__echo');
    const echoSpec = registry.specs(scope).find((s) => s.name === 'everything__echo');
    expect(echoSpec?.description).toBe('Echoes back the input string. (MCP: everything)');
    expect(echoSpec?.parameters).toMatchObject({
      type: 'object',
      properties: { message: { type: 'string' } },
    });

    const echo = await registry.execute(
      { name: 'everything__echo', arguments: '{"message":"hi there"}' },
      scope,
    );
    expect(echo).toEqual({ content: 'Echo: hi there' });
    const sum = await registry.execute(
      { name: 'everything__get-sum', arguments: '{"a": 2, "b": 40}' },
      scope,
    );
    expect(sum.content).toMatch(/42/);

    // Wrong arguments: the server's validation error goes back as an error result.
    const wrong = await registry.execute({ name: 'everything__echo', arguments: '{"text": 5}' }, scope);
    expect(wrong.isError).toBe(true);
    expect(wrong.content).toMatch(/^Error: .*message/is);

    // The child gets the config's env (decrypted) and a minimal environment, not Clara's own secrets.
    process.env.CLARA_PARENT_ONLY_SECRET = 'parent-secret';
    const env = await manager.callTool('everything', 'get-env', {});
    delete process.env.CLARA_PARENT_ONLY_SECRET;
    expect(env.content).toContain('env-secret-value-123');
    expect(env.content).not.toContain('parent-secret');

    // Images render as placeholders.
    const image = await manager.callTool('everything', 'get-tiny-image', {});
    expect(image.content).toMatch(/\[Image: image\/png\]/);

    // Tools and status were cached into the config, and the secret is not stored in plain text.
    await manager.flush();
    const saved = await store.get('everything');
    expect(saved?.status).toBe('running');
    expect(saved?.tools.map((t) => t.name)).toContain('echo');
    const { readFile } = await import('node:fs/promises');
    const file = await readFile(`${dir}/local/everything/config.json`, 'utf8');
    expect(file).not.toContain('env-secret-value-123');
  });

  it('connects over Streamable HTTP and SSE', async () => {
    const http = await startHttpEverything('streamableHttp');
    cleanups.push(() => http.stop());
    const sse = await startHttpEverything('sse');
    cleanups.push(() => sse.stop());
    const { store } = await freshStore();
    await saveRemote(store, 'web', http.url, 'streamable-http');
    await saveRemote(store, 'legacy', sse.url, 'sse');
    const registry = new ToolRegistry();
    const { manager } = testManager(store, { registry });
    track(manager);
    expect(await manager.start()).toMatchObject({ started: 2, connected: 2 });
    expect(
      await registry.execute({ name: 'web__echo', arguments: '{"message":"over http"}' }, scope),
    ).toEqual({
      content: 'Echo: over http',
    });
    expect(
      await registry.execute({ name: 'legacy__echo', arguments: '{"message":"over sse"}' }, scope),
    ).toEqual({
      content: 'Echo: over sse',
    });
    const info = await manager.server('web');
    expect(info).toMatchObject({ type: 'remote', status: 'running', transport: 'streamable-http' });
    expect(JSON.stringify(info)).not.toContain('header-secret-789');
  });

  it('restarts a server whose process dies, and a call on a dead server reconnects and succeeds', async () => {
    const { store } = await freshStore();
    await saveEverythingStdio(store);
    const { manager, log } = testManager(store);
    track(manager);
    await manager.start();
    const first = await manager.server('everything');
    expect(first?.pid).toBeGreaterThan(0);
    process.kill(first!.pid!, 'SIGKILL');
    const back = await waitFor(async () => {
      const info = await manager.server('everything');
      return info?.status === 'running' && info.pid && info.pid !== first!.pid ? info : undefined;
    }, 'the server to come back');
    expect(back.restarts).toBe(1);
    expect(log.lines.join('\n')).toMatch(/the server process exited/);
    expect((await manager.callTool('everything', 'echo', { message: 'again' })).content).toBe('Echo: again');

    // Kill and call at once: the call reconnects once and retries.
    process.kill(back.pid!, 'SIGKILL');
    const result = await manager.callTool('everything', 'echo', { message: 'right away' });
    expect(result).toEqual({ content: 'Echo: right away' });
  });

  it('gives up after the bounded number of restarts and says so in the status', async () => {
    const { store } = await freshStore();
    await saveEverythingStdio(store);
    const { manager } = testManager(store, { maxRestarts: 0 });
    track(manager);
    await manager.start();
    const info = await manager.server('everything');
    process.kill(info!.pid!, 'SIGKILL');
    const dead = await waitFor(async () => {
      const now = await manager.server('everything');
      return now?.status === 'error' ? now : undefined;
    }, 'the error status');
    expect(dead.lastError).toMatch(/gave up after 0 restarts/);
  });

  it('reports a server that exits at start and one that hangs, while the others keep working', async () => {
    const { store } = await freshStore();
    await brokenServers(store);
    await saveEverythingStdio(store);
    const registry = new ToolRegistry();
    const { manager } = testManager(store, { registry, startTimeoutMs: 5000 });
    track(manager);
    const summary = await manager.start();
    expect(summary).toMatchObject({ started: 3, connected: 1 });
    const exits = await manager.server('exits');
    expect(exits).toMatchObject({ status: 'error', connected: false });
    expect(exits?.lastError).toMatch(/exited during start-up.*missing API_KEY/s);
    const hangs = await manager.server('hangs');
    expect(hangs?.status).toBe('error');
    expect(hangs?.lastError).toMatch(/did not finish starting within 5 s/);
    expect(await manager.callTool('everything', 'echo', { message: 'still fine' })).toEqual({
      content: 'Echo: still fine',
    });
    const call = await manager.callTool('exits', 'anything', {});
    expect(call.isError).toBe(true);
    expect(call.content).toMatch(/not running: .*exited during start-up/s);
  });

  it('shutdown does not wait for a server that hangs at start: the start is cancelled', async () => {
    const { store } = await freshStore();
    await brokenServers(store);
    await store.remove('exits');
    const { manager } = testManager(store, { startTimeoutMs: 600_000 });
    const boot = manager.start();
    await waitFor(async () => (await manager.server('hangs'))?.status === 'starting', 'the start to begin');
    await manager.stop();
    expect(await boot).toMatchObject({ started: 1, connected: 0 });
    expect(await manager.server('hangs')).toMatchObject({ status: 'stopped', connected: false });
  });

  it('stops a tool call that hangs with a clear timeout error', async () => {
    const { store } = await freshStore();
    await saveEverythingStdio(store);
    const { manager } = testManager(store, { toolTimeoutMs: 1000 });
    track(manager);
    await manager.start();
    const slow = await manager.callTool('everything', 'trigger-long-running-operation', {
      duration: 30,
      steps: 3,
    });
    expect(slow.isError).toBe(true);
    expect(slow.content).toMatch(/did not answer within 1 s/);
    expect((await manager.callTool('everything', 'echo', { message: 'after' })).content).toBe('Echo: after');
  });

  it('hot-reloads a local server when a file in its folder changes', async () => {
    const { store } = await freshStore();
    const saved = await saveEverythingStdio(store, 'reloading', { hotReload: true });
    const { manager, log } = testManager(store);
    track(manager);
    await manager.start();
    const before = await manager.server('reloading');
    expect(before).toMatchObject({ status: 'running', watching: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${saved.type === 'local' ? saved.cwd : ''}/server.js`, '// changed\n');
    const after = await waitFor(async () => {
      const info = await manager.server('reloading');
      return info?.status === 'running' && info.pid && info.pid !== before!.pid ? info : undefined;
    }, 'the hot reload restart');
    expect(after.watching).toBe(true);
    expect(log.lines.join('\n')).toMatch(/files changed, restarting/);
  });

  it('offers cached tools at once and starts a lazy server (auto_start false) on its first call', async () => {
    const { store } = await freshStore();
    await saveEverythingStdio(store, 'lazy', {
      autoStart: false,
      tools: [{ name: 'echo', description: 'Echoes back the input string', inputSchema: { type: 'object' } }],
    });
    const registry = new ToolRegistry();
    const { manager } = testManager(store, { registry });
    track(manager);
    expect(await manager.start()).toMatchObject({ started: 0 });
    expect(registry.names()).toEqual(['lazy__echo']);
    expect((await manager.server('lazy'))?.status).toBe('stopped');
    const result = await registry.execute({ name: 'lazy__echo', arguments: '{"message":"wake up"}' }, scope);
    expect(result).toEqual({ content: 'Echo: wake up' });
    expect(await manager.server('lazy')).toMatchObject({ status: 'running', connected: true });
    expect(registry.names()).toContain('lazy__get-sum');
  });

  it('enables, disables, restarts, refreshes and removes servers', async () => {
    const { store } = await freshStore();
    await saveEverythingStdio(store, 'one');
    const registry = new ToolRegistry();
    const { manager } = testManager(store, { registry });
    track(manager);
    await manager.start();
    expect(registry.names()).toContain('one__echo');

    await manager.disable('one');
    expect(registry.names()).not.toContain('one__echo');
    expect(await store.get('one')).toMatchObject({ enabled: false });
    const disabled = await manager.callTool('one', 'echo', { message: 'x' });
    expect(disabled.content).toMatch(/disabled/);

    const enabled = await manager.enable('one');
    expect(enabled).toMatchObject({ status: 'running', enabled: true });
    expect(registry.names()).toContain('one__echo');

    const pid = (await manager.server('one'))?.pid;
    const restarted = await manager.restart('one');
    expect(restarted.pid).not.toBe(pid);

    await saveEverythingStdio(store, 'two');
    expect(await manager.refresh()).toEqual({ one: true, two: true });
    expect(registry.names()).toContain('two__echo');

    expect(await manager.remove('two')).toBe(true);
    expect(registry.names()).not.toContain('two__echo');
    expect(await store.get('two')).toBeUndefined();
  });

  it('marks a remote server that answers 401 as pending_auth and does not offer its tools', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"unauthorized"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const { store } = await freshStore();
    await saveRemote(store, 'hosted', `http://127.0.0.1:${port}/mcp`, 'streamable-http');
    const registry = new ToolRegistry();
    const { manager } = testManager(store, { registry });
    track(manager);
    await manager.start();
    const info = await manager.server('hosted');
    expect(info).toMatchObject({ status: 'pending_auth', connected: false });
    expect(info?.lastError).toMatch(/requires authorization/);
    expect(registry.names().filter((n) => n.startsWith('hosted__'))).toEqual([]);
    await manager.flush();
    expect((await store.get('hosted'))?.status).toBe('pending_auth');
  });

  it('runs periodic health checks and restarts a server that stops answering pings', async () => {
    const { store } = await freshStore();
    await saveEverythingStdio(store);
    const { manager, log } = testManager(store, { pingTimeoutMs: 500, healthIntervalMs: 300 });
    track(manager);
    await manager.start();
    expect(await manager.checkHealth()).toEqual({ everything: true });
    const before = await manager.server('everything');
    // A frozen process keeps its pipes open but never answers: only the periodic ping can notice.
    process.kill(before!.pid!, 'SIGSTOP');
    try {
      await waitFor(async () => {
        const info = await manager.server('everything');
        return info?.status === 'running' && info.pid && info.pid !== before!.pid ? info : undefined;
      }, 'the restart after a failed ping');
    } finally {
      try {
        process.kill(before!.pid!, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    expect(log.lines.join('\n')).toMatch(/health check failed/);
  });
});
