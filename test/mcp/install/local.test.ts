/** Installing from a local path: real servers started, listed, called; bad input gives clear errors. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHarness, EVERYTHING, type InstallHarness, TINY_SERVER } from './setup.js';

let harness: InstallHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('install from a local path', () => {
  it('installs server-everything in place, then lists and calls its tools', async () => {
    harness = buildHarness();
    const outcome = await harness.installer.install({
      source: EVERYTHING,
      installedBy: 'discord-42',
      onProgress: (event) => harness!.progress.push(event),
    });
    expect(outcome.config).toMatchObject({
      name: 'server_everything',
      type: 'local',
      sourceType: 'local',
      command: process.execPath,
      installedBy: 'discord-42',
    });
    expect(outcome.tools.map((t) => t.name)).toContain('echo');
    expect(harness.progress.map((p) => p.message)).toContain('Testing the server (start, list tools, stop)…');
    // Used in place: nothing was installed or copied into Clara's folder.
    expect(existsSync(harness.store.serverDir('local', 'server_everything'))).toBe(true);
    expect(existsSync(join(harness.store.serverDir('local', 'server_everything'), 'node_modules'))).toBe(
      false,
    );

    const saved = await harness.store.get('server_everything');
    expect(saved?.tools.length).toBe(outcome.tools.length);
    const info = await harness.manager.startServer('server_everything');
    expect(info.status).toBe('running');
    const result = await harness.manager.callTool('server_everything', 'echo', {
      message: 'hello from the test',
    });
    expect(result.content).toContain('hello from the test');
    expect(harness.registry.names()).toContain('server_everything__echo');
  });

  it('installs a single-file server with extra args and a chosen name', async () => {
    harness = buildHarness();
    const outcome = await harness.installer.install({
      source: join(TINY_SERVER, 'server.js'),
      name: 'tiny',
      args: ['--label=one'],
    });
    expect(outcome.config).toMatchObject({
      name: 'tiny',
      args: [join(TINY_SERVER, 'server.js'), '--label=one'],
    });
    const result = await harness.manager.callTool('tiny', 'echo', { message: 'hi' });
    expect(result.content).toBe('one echo: hi');
  });

  it('refuses malformed sources, missing paths, bad names and duplicates; nothing is saved', async () => {
    harness = buildHarness();
    await expect(harness.installer.install({ source: 'a.b/c/d' })).rejects.toThrow(/Unknown source type/);
    await expect(harness.installer.install({ source: '/nonexistent/clara/server' })).rejects.toThrow(
      /does not exist/,
    );
    await expect(harness.installer.install({ source: TINY_SERVER, name: 'bad__name' })).rejects.toThrow(
      /must not contain "__"/,
    );
    expect(await harness.store.list()).toEqual([]);
    await harness.installer.install({ source: TINY_SERVER, name: 'tiny' });
    await expect(harness.installer.install({ source: TINY_SERVER, name: 'tiny' })).rejects.toThrow(
      /already exists/,
    );
    expect((await harness.store.list()).map((c) => c.name)).toEqual(['tiny']);
  });

  it('reports a server that exits at start with its own output, saves nothing, and keeps the others working', async () => {
    harness = buildHarness();
    await harness.installer.install({ source: TINY_SERVER, name: 'good' });
    const error = await harness.installer
      .install({ source: join(TINY_SERVER, 'server.js'), name: 'broken', args: ['--fail'] })
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/did not pass its test connection/);
    expect((error as Error).message).toMatch(/refusing to start/);
    expect(await harness.store.get('broken')).toBeUndefined();
    expect(existsSync(harness.store.serverDir('local', 'broken'))).toBe(false);
    const result = await harness.manager.callTool('good', 'add', { a: 2, b: 3 });
    expect(result.content).toBe('5');
  });

  it('refuses a folder it cannot run', async () => {
    harness = buildHarness();
    const empty = mkdtempSync(join(tmpdir(), 'clara-empty-server-'));
    writeFileSync(join(empty, 'README.md'), 'nothing to run');
    await expect(harness.installer.install({ source: empty, name: 'empty' })).rejects.toThrow(
      /Could not tell how to run the server/,
    );
  });
});
