import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';

describe('runCommand', () => {
  it('passes arguments as an array (no shell) and streams lines', async () => {
    const lines: string[] = [];
    const result = await runCommand(
      process.execPath,
      ['-e', 'console.log(process.argv[1]); console.log("b")', '$(echo hi) ; x'],
      {
        timeoutMs: 20_000,
        onLine: (line) => lines.push(line),
      },
    );
    expect(result.code).toBe(0);
    expect(lines).toEqual(['$(echo hi) ; x', 'b']);
  });

  it('reports the exit code with the tail of the output', async () => {
    await expect(
      runCommand(process.execPath, ['-e', 'console.error("npm error something broke"); process.exit(4)'], {
        timeoutMs: 20_000,
      }),
    ).rejects.toThrow(/failed \(exit code 4\)\.\nnpm error something broke/);
  });

  it('stops a command that runs too long, with its child processes', async () => {
    const script =
      'const { spawn } = require("node:child_process"); const c = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "inherit" }); console.log("child " + c.pid); setInterval(() => {}, 1000);';
    const lines: string[] = [];
    const error = await runCommand(process.execPath, ['-e', script], {
      timeoutMs: 1500,
      onLine: (line) => lines.push(line),
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/did not finish within 1\.5 s and was stopped/);
    const childPid = Number(lines.find((l) => l.startsWith('child '))?.slice(6));
    expect(childPid).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Gone, or a zombie waiting for a reaper (containers whose PID 1 does not reap): either way, not running.
    expect(processState(childPid)).toMatch(/^(gone|Z)$/);
  });

  it('names a missing program', async () => {
    await expect(runCommand('clara-no-such-program', ['x'], { timeoutMs: 5000 })).rejects.toThrow(
      /clara-no-such-program is not installed or not on PATH/,
    );
  });
});

function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? 'gone';
  } catch {
    return 'gone';
  }
}
