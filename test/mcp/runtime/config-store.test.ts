import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../../src/crypto/index.js';
import {
  createMcpConfigStore,
  McpServerExistsError,
  McpServerNameError,
  newLocalServer,
  newRemoteServer,
} from '../../../src/mcp/config/index.js';

async function freshStore() {
  const dir = await mkdtemp(path.join(tmpdir(), 'clara-mcp-store-'));
  const warnings: string[] = [];
  const key = generateFernetKey();
  const store = createMcpConfigStore({
    dir,
    secretKey: key,
    logger: { warn: (_obj, msg) => warnings.push(msg) },
  });
  return { dir, store, warnings, key };
}

describe('MCP config store', () => {
  it('saves local and remote servers in the spec layout with secrets encrypted, and reads them back', async () => {
    const { dir, store } = await freshStore();
    await store.save(
      newLocalServer({
        name: 'everything',
        command: 'node',
        args: ['server.js', 'stdio'],
        env: { API_TOKEN: 'local-secret-value-123' },
      }),
    );
    await store.save(
      newRemoteServer({
        name: 'hosted',
        url: 'http://127.0.0.1:9/mcp',
        headers: { Authorization: 'Bearer remote-secret-value-456' },
      }),
    );
    const localText = await readFile(path.join(dir, 'local', 'everything', 'config.json'), 'utf8');
    const remoteText = await readFile(path.join(dir, 'remote', 'hosted', 'config.json'), 'utf8');
    expect(localText).not.toContain('local-secret-value-123');
    expect(remoteText).not.toContain('remote-secret-value-456');
    expect(JSON.parse(localText)).toMatchObject({ name: 'everything', command: 'node', enabled: true });
    expect(JSON.parse(localText).env.API_TOKEN).toMatch(/^fernet:/);
    const remote = JSON.parse(remoteText);
    expect(remote.mcpServers.hosted.serverUrl).toBe('http://127.0.0.1:9/mcp');
    expect(remote._metadata).toMatchObject({ transport: 'streamable-http', enabled: true, timeout: 30 });
    expect((await stat(path.join(dir, 'local', 'everything', 'config.json'))).mode & 0o077).toBe(0);

    const list = await store.list();
    expect(list.map((c) => `${c.type}:${c.name}`)).toEqual(['local:everything', 'remote:hosted']);
    const local = await store.get('everything');
    expect(local?.type === 'local' && local.env.API_TOKEN).toBe('local-secret-value-123');
    const hosted = await store.get('hosted');
    expect(hosted?.type === 'remote' && hosted.headers.Authorization).toBe('Bearer remote-secret-value-456');
  });

  it('updates, refuses clashing names and removes a local server with its folder', async () => {
    const { dir, store } = await freshStore();
    await store.save(newLocalServer({ name: 'one', command: 'node' }));
    const updated = await store.update('one', { enabled: false, hotReload: true });
    expect(updated).toMatchObject({ enabled: false, hotReload: true, type: 'local' });
    expect(await store.get('one')).toMatchObject({ enabled: false, hotReload: true });
    await expect(store.save(newRemoteServer({ name: 'one', url: 'http://127.0.0.1:9/mcp' }))).rejects.toThrow(
      McpServerExistsError,
    );
    await writeFile(path.join(dir, 'local', 'one', 'checkout.txt'), 'clone');
    expect(await store.remove('one')).toBe(true);
    await expect(stat(path.join(dir, 'local', 'one'))).rejects.toThrow();
    expect(await store.remove('one')).toBe(false);
    await expect(store.update('one', { enabled: true })).rejects.toThrow(/no MCP server named "one"/);
  });

  it('rejects bad names with a clear error', async () => {
    const { store } = await freshStore();
    for (const name of ['a__b', '../etc', 'a/b', 'Upper', '', '-x']) {
      await expect(store.save(newLocalServer({ name, command: 'node' }))).rejects.toThrow(McpServerNameError);
    }
    await expect(store.save(newLocalServer({ name: 'a__b', command: 'node' }))).rejects.toThrow(/"__"/);
    expect(await store.get('../etc')).toBeUndefined();
  });

  it('reads legacy files and skips unreadable ones with a warning', async () => {
    const { dir, store, warnings } = await freshStore();
    const write = async (rel: string, body: unknown) => {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), typeof body === 'string' ? body : JSON.stringify(body));
    };
    await write('local/legacy/config.json', {
      name: 'legacy',
      command: 'npx',
      args: '["-y", "pkg"]',
      env: '{"TOKEN": "plain"}',
      tools_json: '[{"name": "t1", "description": "d"}]',
      some_unknown_key: 1,
    });
    await write('remote/plain/config.json', {
      name: 'plain',
      server_url: 'https://example.com/mcp',
      enabled: false,
    });
    await write('remote/noentry/config.json', {
      mcpServers: { other: { serverUrl: 'https://x.example/mcp' } },
    });
    await write('local/broken/config.json', '{not json');
    await write('local/nocommand/config.json', { name: 'nocommand' });
    await write('local/Bad__Name/config.json', { command: 'node' });

    const list = await store.list();
    expect(list.map((c) => c.name)).toEqual(['legacy', 'plain']);
    expect(list[0]).toMatchObject({
      type: 'local',
      args: ['-y', 'pkg'],
      env: { TOKEN: 'plain' },
      tools: [{ name: 't1', description: 'd' }],
    });
    expect(list[1]).toMatchObject({ type: 'remote', url: 'https://example.com/mcp', enabled: false });
    expect(warnings.join('\n')).toMatch(/broken/);
    expect(warnings.join('\n')).toMatch(/command/);
    expect(warnings.join('\n')).toMatch(/no entry named "noentry"/);
    expect(warnings.join('\n')).toMatch(/"__"/);

    // Saving again encrypts the legacy plain value.
    await store.update('legacy', { enabled: true });
    expect(await readFile(path.join(dir, 'local', 'legacy', 'config.json'), 'utf8')).not.toContain('"plain"');
  });

  it('says which key is wrong when secrets cannot be decrypted', async () => {
    const { dir, store } = await freshStore();
    await store.save(newLocalServer({ name: 'keyed', command: 'node', env: { A: 'b' } }));
    const other = createMcpConfigStore({ dir, secretKey: generateFernetKey() });
    await expect(other.get('keyed')).rejects.toThrow(/CLARA_SECRET_KEY/);
  });
});
