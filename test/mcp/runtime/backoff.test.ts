/**
 * Automatic restarts with exponential backoff, on a real child process that crashes on chosen starts: the delays
 * double (base, 2·base, 4·base …), the counter starts again after a connection that stayed up (a healthy run), and
 * the manager gives up after the maximum number of restarts and says so. Timings are short options; the test
 * reads the delays the manager chose (its log) and counts the starts, it never measures time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newLocalServer } from '../../../src/mcp/config/index.js';
import type { McpManager } from '../../../src/mcp/manager/index.js';
import { REPO_ROOT } from '../../support/cli.js';
import { freshStore, tempDir, testManager, waitFor } from './helpers.js';

const FLAKY = path.join(REPO_ROOT, 'test', 'fixtures', 'mcp', 'flaky-server', 'server.mjs');

async function flakyServer(env: Record<string, string>) {
  const { store } = await freshStore();
  const dir = await tempDir('clara-mcp-flaky-');
  const runs = path.join(dir, 'runs.txt');
  writeFileSync(runs, '');
  await store.save(
    newLocalServer({
      name: 'flaky',
      command: process.execPath,
      args: [FLAKY],
      cwd: dir,
      env: { FLAKY_RUNS: runs, ...env },
    }),
  );
  const starts = () => readFileSync(runs, 'utf8').trim().split('\n').filter(Boolean).length;
  return { store, starts };
}

/** The delays of the automatic restarts, in order, from the manager's log lines. */
function delays(lines: string[]): number[] {
  return lines.flatMap((line) => {
    const match = /MCP server flaky: restart \d+\/\d+ in (\d+) ms/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe('automatic restarts with backoff', () => {
  let manager: McpManager | undefined;
  afterEach(async () => {
    await manager?.stop();
    manager = undefined;
  });

  it('doubles the delay on each failed restart, and starts counting again after a healthy run', async () => {
    // Starts 2, 3 and 4 crash; start 5 and later serve.
    const { store, starts } = await flakyServer({ FLAKY_FAIL_FROM: '2', FLAKY_FAIL_TO: '4' });
    const built = testManager(store, { backoffBaseMs: 50, maxRestarts: 5, stableAfterMs: 500 });
    manager = built.manager;
    await manager.start();
    const first = await manager.server('flaky');
    expect(first).toMatchObject({ status: 'running', restarts: 0 });
    process.kill(first!.pid!, 'SIGKILL');

    const back = await waitFor(async () => {
      const info = await manager!.server('flaky');
      return info?.status === 'running' && info.pid !== first!.pid ? info : undefined;
    }, 'the server to come back after three failed restarts');
    expect(starts()).toBe(5);
    expect(delays(built.log.lines)).toEqual([50, 100, 200, 400]);
    expect(back.restarts).toBe(4);

    // Let the new connection outlive stableAfterMs (a wait for the precondition, not a timing assertion).
    await new Promise((resolve) => setTimeout(resolve, 800));
    process.kill(back.pid!, 'SIGKILL');
    const again = await waitFor(async () => {
      const info = await manager!.server('flaky');
      return info?.status === 'running' && info.pid !== back.pid ? info : undefined;
    }, 'the server to come back after a healthy run');
    // The healthy run reset the counter: the next delay is the base again, not 800 ms.
    expect(delays(built.log.lines)).toEqual([50, 100, 200, 400, 50]);
    expect(again.restarts).toBe(1);
    expect(starts()).toBe(6);
    expect((await manager.callTool('flaky', 'echo', { message: 'still here' })).content).toBe(
      'tiny echo: still here',
    );
  });

  it('gives up after the maximum number of restarts, says so, and stops trying', async () => {
    // Every start after the first crashes.
    const { store, starts } = await flakyServer({ FLAKY_FAIL_FROM: '2' });
    const built = testManager(store, { backoffBaseMs: 50, maxRestarts: 3 });
    manager = built.manager;
    await manager.start();
    const first = await manager.server('flaky');
    process.kill(first!.pid!, 'SIGKILL');
    const dead = await waitFor(async () => {
      const info = await manager!.server('flaky');
      return info?.lastError?.includes('gave up') ? info : undefined;
    }, 'the manager to give up');
    expect(dead).toMatchObject({ status: 'error', connected: false, restarts: 3 });
    expect(dead.lastError).toMatch(
      /start 4 crashes on purpose.*gave up after 3 restarts; restart it with mcp_restart/s,
    );
    expect(delays(built.log.lines)).toEqual([50, 100, 200]);
    expect(built.log.lines).toContain('warn MCP server flaky: gave up after 3 restarts');
    // One first start and three restarts, and no further attempt is scheduled.
    expect(starts()).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(starts()).toBe(4);
  });
});
