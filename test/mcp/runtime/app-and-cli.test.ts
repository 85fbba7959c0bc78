import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../../src/crypto/index.js';
import { fakeLlmEnv, startTestApp, type TestApp } from '../../support/app.js';
import { runClara } from '../../support/cli.js';
import { freshSqliteDir } from '../../support/databases.js';
import type { FakeLlm } from '../../support/fake-llm.js';
import { useFakeLlm } from '../../support/hooks.js';
import { promptOf, turn } from '../../support/turns.js';
import { freshStore, saveEverythingStdio } from './helpers.js';

/** A data dir whose `.mcp_servers` holds server-everything (stdio), encrypted with the key given in env. */
async function seededDataDir() {
  const dataDir = await freshSqliteDir('clara-mcp-app-');
  const key = generateFernetKey();
  const { store } = await freshStore(path.join(dataDir, '.mcp_servers'), key);
  await saveEverythingStdio(store, 'everything', { env: { EVERYTHING_TOKEN: 'token-value-not-in-files' } });
  return { dataDir, key };
}

describe('MCP in the app: the model calls MCP tools through the engine', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let app: TestApp | undefined;
  beforeEach(() => {
    fake = llm.current;
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('offers everything__echo, runs it in the tool loop, and returns wrong-argument errors to the model', async () => {
    const { dataDir, key } = await seededDataDir();
    app = await startTestApp({ backend: 'sqlite', fake, dataDir, env: { CLARA_SECRET_KEY: key } });
    await app.mcp.manager.start();
    fake.script(
      {
        toolCalls: [
          { id: 'call_1', name: 'everything__echo', arguments: { message: 'hello from the model' } },
        ],
      },
      { toolCalls: [{ id: 'call_2', name: 'everything__echo', arguments: { wrong: 1 } }] },
      { toolCalls: [{ id: 'call_3', name: 'mcp_disable', arguments: { server_name: 'everything' } }] },
      'Done.',
    );
    const result = await turn(app.engine, 'echo something');
    expect(result.last).toMatchObject({ type: 'done', text: 'Done.' });
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'tool_end', name: 'everything__echo', ok: true }),
    );
    const requests = fake.chatRequests();
    const offered = requests[0]?.body.tools.map((t: { function: { name: string } }) => t.function.name);
    expect(offered).toEqual(
      expect.arrayContaining(['everything__echo', 'mcp_list', 'mcp_status', 'mcp_tools']),
    );
    // Admin tools are not offered to a non-admin.
    expect(offered).not.toContain('mcp_disable');
    const toolResults = promptOf(requests[3]!).filter((m) => m.role === 'tool');
    expect(toolResults.map((m) => m.content)).toEqual([
      'Echo: hello from the model',
      expect.stringMatching(/^Error: .*message/s),
      expect.stringMatching(/^Error: the tool mcp_disable is only for admins/),
    ]);
    expect((await app.mcp.manager.server('everything'))?.enabled).toBe(true);
  });

  it('lets an admin manage servers through the model tools', async () => {
    const { dataDir, key } = await seededDataDir();
    app = await startTestApp({ backend: 'sqlite', fake, dataDir, env: { CLARA_SECRET_KEY: key } });
    await app.mcp.manager.start();
    fake.script(
      { toolCalls: [{ id: 'a', name: 'mcp_list', arguments: {} }] },
      { toolCalls: [{ id: 'b', name: 'mcp_status', arguments: { server_name: 'everything' } }] },
      { toolCalls: [{ id: 'c', name: 'mcp_disable', arguments: { server_name: 'everything' } }] },
      { toolCalls: [{ id: 'd', name: 'mcp_refresh', arguments: {} }] },
      { toolCalls: [{ id: 'e', name: 'mcp_enable', arguments: { server_name: 'everything' } }] },
      { toolCalls: [{ id: 'f', name: 'mcp_tools', arguments: { server_name: 'everything' } }] },
      { toolCalls: [{ id: 'g', name: 'mcp_status', arguments: { server_name: 'nope' } }] },
      'All done.',
    );
    await turn(app.engine, 'manage the plugins', { isAdmin: true });
    const last = fake.chatRequests().at(-1)!;
    const results = promptOf(last)
      .filter((m) => m.role === 'tool')
      .map((m) => m.content as string);
    expect(results[0]).toMatch(
      /Local Servers\*\*\n✅ \*\*everything\*\* \(local\) – running, enabled, 13 tools/,
    );
    expect(results[1]).toMatch(/Status: running/);
    expect(results[1]).toMatch(/- echo/);
    expect(results[1]).not.toContain('token-value-not-in-files');
    expect(results[2]).toBe('Disabled and stopped "everything".');
    expect(results[3]).toBe('No enabled MCP servers.');
    expect(results[4]).toBe('Enabled "everything": running with 13 tools.');
    expect(results[5]).toMatch(/^Tools of everything \(13\)/);
    expect(results[6]).toMatch(/no MCP server named "nope"/);
    const file = await readFile(
      path.join(dataDir, '.mcp_servers', 'local', 'everything', 'config.json'),
      'utf8',
    );
    expect(file).not.toContain('token-value-not-in-files');
  });
});

describe('clara mcp / clara tools (the real CLI)', () => {
  it('lists servers, calls a tool and reports errors with a non-zero exit code', async () => {
    const { dataDir, key } = await seededDataDir();
    const env = { ...fakeLlmEnv(undefined), DATA_DIR: dataDir, CLARA_SECRET_KEY: key };

    const list = await runClara(['mcp', 'list'], { env, timeoutMs: 60_000 });
    expect(list.stdout).toMatch(/Local Servers\n⚫ everything \(local\) – stopped, enabled, 0 tools/);
    expect(list.code).toBe(0);

    const call = await runClara(['mcp', 'call', 'everything', 'echo', '{"message":"from the CLI"}'], {
      env,
      timeoutMs: 60_000,
    });
    expect(call.stdout).toBe('Echo: from the CLI\n');
    expect(call.code).toBe(0);

    const bad = await runClara(['mcp', 'call', 'everything', 'echo', '{"wrong": 1}'], {
      env,
      timeoutMs: 60_000,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: .*message/s);

    const missing = await runClara(['mcp', 'call', 'nope', 'echo'], { env, timeoutMs: 60_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no MCP server named "nope"/);
  }, 240_000);

  it('runs any registered tool through the registry, built-in or MCP', async () => {
    const { dataDir, key } = await seededDataDir();
    const env = { ...fakeLlmEnv(undefined), DATA_DIR: dataDir, CLARA_SECRET_KEY: key };

    const echo = await runClara(
      ['tools', 'call', 'everything__echo', '{"message":"via the registry"}', '--user', 'u1'],
      { env, timeoutMs: 60_000 },
    );
    expect(echo.stdout).toBe('Echo: via the registry\n');
    expect(echo.code).toBe(0);

    const builtin = await runClara(['tools', 'call', 'mcp_status'], { env, timeoutMs: 60_000 });
    expect(builtin.stdout).toMatch(/MCP servers: 1 \(1 local, 0 remote\)/);
    expect(builtin.code).toBe(0);

    const unknown = await runClara(['tools', 'call', 'everything__no_such_tool', '{}'], {
      env,
      timeoutMs: 60_000,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no tool named "everything__no_such_tool".*everything__echo/s);

    const badJson = await runClara(['tools', 'call', 'everything__echo', '{not json'], {
      env,
      timeoutMs: 60_000,
    });
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/not valid JSON/);
  }, 240_000);
});
