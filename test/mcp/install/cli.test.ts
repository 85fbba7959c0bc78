/** `clara mcp install` as a real child process: progress on stderr, result on stdout, clear errors with exit codes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFernetKey } from '../../../src/crypto/index.js';
import { runClara } from '../../support/cli.js';
import { freshSqliteDir } from '../../support/databases.js';
import {
  type FakeAuthServer,
  type FakeHostedMcp,
  startFakeAuthServer,
  startFakeHostedMcp,
} from '../../support/fake-oauth.js';
import { TINY_SERVER } from './setup.js';

describe('clara mcp install', () => {
  it('installs a local server with progress output, then the installed server answers clara mcp call', async () => {
    const env = {
      DATA_DIR: await freshSqliteDir('clara-cli-install-'),
      CLARA_SECRET_KEY: generateFernetKey(),
    };
    const installed = await runClara(
      ['mcp', 'install', TINY_SERVER, '--name', 'tiny', '--arg', '--label=cli', '--env', 'TINY_MODE=quiet'],
      { env, timeoutMs: 60_000 },
    );
    expect(installed.stderr).toContain('→ Testing the server (start, list tools, stop)…');
    expect(installed.stdout).toContain('Installed "tiny" (local) with 2 tools: echo, add.');
    expect(installed.code).toBe(0);

    const called = await runClara(['mcp', 'call', 'tiny', 'echo', '{"message":"hello"}'], {
      env,
      timeoutMs: 60_000,
    });
    expect(called.stdout).toContain('cli echo: hello');
    expect(called.code).toBe(0);

    const again = await runClara(['mcp', 'install', TINY_SERVER, '--name', 'tiny'], {
      env,
      timeoutMs: 60_000,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Installation failed: An MCP server named "tiny" already exists/);
  }, 120_000);

  it('exits 2 with the accepted forms for a malformed source or a bad --env', async () => {
    const env = {
      DATA_DIR: await freshSqliteDir('clara-cli-install-'),
      CLARA_SECRET_KEY: generateFernetKey(),
    };
    const bad = await runClara(['mcp', 'install', 'a.b/c/d'], { env, timeoutMs: 60_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /Installation failed: Unknown source type for "a\.b\/c\/d"\. Use an npm package/,
    );
    const badEnv = await runClara(['mcp', 'install', TINY_SERVER, '--env', '1X=2'], {
      env,
      timeoutMs: 60_000,
    });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/--env expects KEY=VALUE/);
  }, 120_000);
});

describe('clara mcp oauth-*', () => {
  let auth: FakeAuthServer;
  let hosted: FakeHostedMcp;
  beforeAll(async () => {
    auth = await startFakeAuthServer();
    hosted = await startFakeHostedMcp({ auth });
  });
  afterAll(async () => {
    await Promise.all([hosted?.close(), auth?.close()]);
  });

  it('installs a remote server, authorizes it out-of-band from the terminal, then calls its tool', async () => {
    const env = { DATA_DIR: await freshSqliteDir('clara-cli-oauth-'), CLARA_SECRET_KEY: generateFernetKey() };
    const installed = await runClara(['mcp', 'install', hosted.url, '--name', 'wx'], {
      env,
      timeoutMs: 60_000,
    });
    expect(installed.stdout).toMatch(/Installed "wx" \(remote\)\. It needs authorization/);
    const started = await runClara(['mcp', 'oauth-start', 'wx'], { env, timeoutMs: 60_000 });
    const link = /https?:\/\/\S+\/authorize\?\S+/.exec(started.stdout)?.[0];
    expect(link, started.stdout + started.stderr).toBeDefined();
    expect(started.stdout).toContain('clara mcp oauth-complete wx <code>');
    const code = /<code id="code">([^<]+)<\/code>/.exec(await (await fetch(link!)).text())![1]!;
    const completed = await runClara(['mcp', 'oauth-complete', 'wx', code], { env, timeoutMs: 60_000 });
    expect(completed.stdout).toContain('"wx" is authorized; the test connection found 1 tools.');
    expect(completed.code).toBe(0);
    const called = await runClara(['mcp', 'call', 'wx', 'weather', '{"city":"Oslo"}'], {
      env,
      timeoutMs: 60_000,
    });
    expect(called.stdout).toContain('Sunny in Oslo');
    const status = await runClara(['mcp', 'oauth-status', 'wx'], { env, timeoutMs: 60_000 });
    expect(status.stdout).toMatch(/authorized: yes\ntoken expiry: .* \(valid\)/);
  }, 180_000);
});
