/**
 * The real `clara` command on a data dir holding server-everything (stdio): `mcp status` (totals, one server, an
 * unknown one), `mcp tools <server>` (started, and `--cached` without starting it), `mcp disable` / `enable`,
 * `tools list` (text and `--json`) and `mcp remove`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../src/crypto/index.js';
import { freshStore, saveEverythingStdio } from '../mcp/runtime/helpers.js';
import { fakeLlmEnv } from '../support/app.js';
import { runClara } from '../support/cli.js';
import { freshSqliteDir } from '../support/databases.js';

const SECRET = 'everything-token-value-not-shown';

/** A data dir with server-everything, its config carrying one cached tool that the real server does not have. */
async function seeded() {
  const dataDir = await freshSqliteDir('clara-cli-mcp-');
  const key = generateFernetKey();
  const serversDir = path.join(dataDir, '.mcp_servers');
  const { store } = await freshStore(serversDir, key);
  const saved = await saveEverythingStdio(store, 'everything', { env: { EVERYTHING_TOKEN: SECRET } });
  await store.save({
    ...saved,
    tools: [
      { name: 'cached_only', description: 'Saved at an earlier start', inputSchema: { type: 'object' } },
    ],
  });
  const env = { ...fakeLlmEnv(undefined), DATA_DIR: dataDir, CLARA_SECRET_KEY: key };
  const clara = (...args: string[]) => runClara(args, { env, timeoutMs: 60_000 });
  return { clara, serversDir, reread: async () => (await freshStore(serversDir, key)).store };
}

describe('clara mcp status / tools / enable / disable / remove and clara tools list', () => {
  it('shows totals and one server, and says clearly when the server does not exist', async () => {
    const { clara } = await seeded();
    const totals = await clara('mcp', 'status');
    expect(totals).toMatchObject({
      code: 0,
      stdout: 'MCP servers: 1 (1 local, 0 remote)\nEnabled: 1\nConnected: 0 (0 tools)\n',
    });

    const one = await clara('mcp', 'status', 'everything');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(
      /^⚫ everything\nType: local \(local\)\nStatus: stopped\nConnected: no\nEnabled: yes\n/,
    );
    expect(one.stdout).toContain(`Command: ${process.execPath}`);
    expect(one.stdout).toMatch(/Tools: 1\n- cached_only\n$/);
    expect(one.stdout).not.toContain('**');
    expect(one.stdout + one.stderr).not.toContain(SECRET);

    const unknown = await clara('mcp', 'status', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain(
      'There is no MCP server named "nope". See the installed ones with: clara mcp list',
    );
  }, 180_000);

  it('lists a server’s tools by starting it, or the cached ones with --cached', async () => {
    const { clara } = await seeded();
    const cached = await clara('mcp', 'tools', 'everything', '--cached');
    expect(cached).toMatchObject({
      code: 0,
      stdout:
        'Tools of everything (1), called as everything__<tool>:\n- cached_only: Saved at an earlier start\n',
    });
    const live = await clara('mcp', 'tools', 'everything');
    expect(live.code).toBe(0);
    expect(live.stdout).toMatch(/^Tools of everything \(13\), called as everything__<tool>:\n/);
    expect(live.stdout).toMatch(/^- echo: Echoes back the input string$/m);
    expect(live.stdout).not.toContain('cached_only');
    const missing = await clara('mcp', 'tools', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no MCP server named "nope"');
  }, 180_000);

  it('disables and enables a server in its config file', async () => {
    const { clara, reread } = await seeded();
    expect(await clara('mcp', 'disable', 'everything')).toMatchObject({
      code: 0,
      stdout: 'Disabled "everything".\n',
    });
    expect((await (await reread()).get('everything'))?.enabled).toBe(false);
    expect((await clara('mcp', 'list')).stdout).toMatch(
      /⚫ everything \(local\) – stopped, disabled, 1 tools/,
    );
    // A disabled server's tools are not offered.
    expect((await clara('tools', 'list')).stdout).not.toContain('everything__');

    expect(await clara('mcp', 'enable', 'everything')).toMatchObject({
      code: 0,
      stdout: 'Enabled "everything".\n',
    });
    expect((await (await reread()).get('everything'))?.enabled).toBe(true);
    const unknown = await clara('mcp', 'enable', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no MCP server named "nope"');
  }, 180_000);

  it('lists every tool offered to an admin, built-in and MCP, as text and as JSON', async () => {
    const { clara } = await seeded();
    const text = await clara('tools', 'list');
    expect(text.code).toBe(0);
    const names = text.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'get_chat_history',
        'mcp_list',
        'mcp_install',
        'mcp_oauth_start',
        'everything__echo',
      ]),
    );
    expect(text.stdout).toMatch(/^everything__echo +Echoes back the input string\. \(MCP: everything\)$/m);

    const json = await clara('tools', 'list', '--json');
    expect(json.code).toBe(0);
    const specs = JSON.parse(json.stdout) as Array<{ name: string; description: string; parameters: object }>;
    expect(specs.map((s) => s.name)).toEqual(names);
    expect(specs.find((s) => s.name === 'everything__echo')).toMatchObject({
      description: 'Echoes back the input string. (MCP: everything)',
      parameters: { type: 'object', properties: { message: { type: 'string' } } },
    });
    expect(specs.find((s) => s.name === 'mcp_install')?.parameters).toMatchObject({
      type: 'object',
      properties: { source: { type: 'string' } },
    });
  }, 180_000);

  it('removes a server: its config and folder are gone, and a second remove is an error', async () => {
    const { clara, serversDir, reread } = await seeded();
    const folder = path.join(serversDir, 'local', 'everything');
    expect(existsSync(folder)).toBe(true);
    expect(await clara('mcp', 'remove', 'everything')).toMatchObject({
      code: 0,
      stdout: 'Removed "everything".\n',
    });
    expect(existsSync(folder)).toBe(false);
    expect(await (await reread()).list()).toEqual([]);
    expect((await clara('mcp', 'list')).stdout).toMatch(/^No MCP servers installed\./);
    const again = await clara('mcp', 'remove', 'everything');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('There is no MCP server named "everything"');
  }, 180_000);
});
