/** RemoteBackend → real sandbox service → bubblewrap running real python3 and sh. */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesWith, RUN, type RunningService, startService } from './service-harness.js';

describe('remote sandbox runs (bubblewrap behind the service)', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await startService();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('runs Python: stdout, stderr and exit codes come back', async () => {
    const ok = await s.client.runPython(
      'alice',
      'import sys\nprint(6 * 7)\nprint("careful", file=sys.stderr)',
      RUN,
    );
    expect(ok.ok).toBe(true);
    expect(ok.exitCode).toBe(0);
    expect(ok.output).toContain('42');
    expect(ok.output).toContain('[stderr]: careful');

    const failed = await s.client.runPython(
      'alice',
      'import sys\nprint("before")\nraise ValueError("boom")',
      RUN,
    );
    expect(failed.ok).toBe(false);
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toContain('before');
    expect(failed.error).toContain('ValueError: boom');

    const exit = await s.client.runPython('alice', 'import sys\nsys.exit(7)', RUN);
    expect(exit).toMatchObject({ ok: false, exitCode: 7, error: 'Exit code: 7' });
  });

  it('passes large programs intact', async () => {
    const blob = 'ab'.repeat(150_000);
    const result = await s.client.runPython('alice', `data = "${blob}"\nprint(len(data), data[-3:])`, RUN);
    expect(result.output).toBe('300000 bab\n');
  });

  it('runs in /workspace as an unprivileged user with a minimal environment', async () => {
    const result = await s.client.runPython(
      'alice',
      'import os\nprint(os.getcwd(), os.getuid())\nprint(sorted(k for k in os.environ if "KEY" in k or "SANDBOX" in k))',
      RUN,
    );
    expect(result.output).toContain('/workspace 1000');
    expect(result.output).toContain('[]');
  });

  it('runs shell commands with stderr marked and the exit code kept', async () => {
    const result = await s.client.runShell('alice', "echo out; echo 'it''s' >&2; exit 3", RUN);
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(3);
    expect(result.error).toBe('Exit code: 3');
    expect(result.output).toBe('out\n[stderr]: its\n');
    const fine = await s.client.runShell('alice', 'true', RUN);
    expect(fine).toMatchObject({ ok: true, output: '(no output)', exitCode: 0 });
  });

  it('finds processes by marker (control for the checks below)', async () => {
    const marker = `${randomInt(100_000, 999_999)}.75`;
    const child = spawn('sleep', [marker]);
    try {
      expect(await processesWith(`sleep ${marker}`)).toEqual([child.pid]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops a run that never ends and leaves no process behind', async () => {
    const marker = `${randomInt(100_000, 999_999)}.${randomInt(100_000, 999_999)}`;
    const code = `import subprocess\nsubprocess.Popen(["sleep", "${marker}"])\nwhile True:\n    pass\n`;
    const result = await s.client.runPython('alice', code, { timeoutMs: 2_000 });
    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.error).toContain('timed out after 2 seconds');
    expect(await processesWith(`sleep ${marker}`)).toEqual([]);

    const shellMarker = `${randomInt(100_000, 999_999)}.5`;
    const shell = await s.client.runShell('alice', `sleep ${shellMarker} & while :; do :; done`, {
      timeoutMs: 1_000,
    });
    expect(shell.timedOut).toBe(true);
    expect(await processesWith(`sleep ${shellMarker}`)).toEqual([]);
  });

  it('background processes do not outlive a finished run', async () => {
    const marker = `${randomInt(100_000, 999_999)}.25`;
    const result = await s.client.runShell('alice', `sleep ${marker} & echo started`, RUN);
    expect(result.output).toBe('started\n');
    expect(await processesWith(`sleep ${marker}`)).toEqual([]);
  });

  it('caps an output flood and stops the run', async () => {
    const result = await s.client.runPython('alice', 'while True:\n    print("x" * 10000)', RUN);
    expect(result.ok).toBe(false);
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThan(101_000);
    expect(result.output).toContain('[output truncated]');
    expect(result.error).toContain('too much output');
    expect(result.timedOut).toBeUndefined();
  });

  it('has no network: the service port on the host cannot be reached from inside', async () => {
    const code = [
      'import socket',
      's = socket.socket()',
      's.settimeout(5)',
      'try:',
      `    s.connect(("127.0.0.1", ${s.port}))`,
      '    print("connected")',
      'except OSError as e:',
      '    print("blocked", e.errno)',
    ].join('\n');
    const result = await s.client.runPython('alice', code, RUN);
    expect(result.output).toContain('blocked');
    expect(result.output).not.toContain('connected');
    // The same port answers from the host, so the refusal above is the sandbox's doing.
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it('refuses package installs clearly when there is no network', async () => {
    const result = await s.client.installPackage('alice', 'requests', RUN);
    expect(result.ok).toBe(false);
    expect(result.error).toContain('no network access');
    expect(result.error).toContain('SANDBOX_NETWORK');
  });

  it('installs a wheel from the workspace without a network, importable in the next run', async () => {
    // A minimal pure-Python wheel, built inside the sandbox with zipfile (no network, no build tools).
    const build = [
      'import base64, hashlib, zipfile',
      'info = "demo_pkg-0.1.dist-info"',
      'files = {"demo_pkg/__init__.py": "VALUE = 42\\n",',
      '         f"{info}/METADATA": "Metadata-Version: 2.1\\nName: demo-pkg\\nVersion: 0.1\\n",',
      '         f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}',
      'digest = lambda b: base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b"=").decode()',
      'record = [f"{n},sha256={digest(t.encode())},{len(t.encode())}" for n, t in files.items()]',
      'files[f"{info}/RECORD"] = "\\n".join(record + [f"{info}/RECORD,,"]) + "\\n"',
      'with zipfile.ZipFile("demo_pkg-0.1-py3-none-any.whl", "w") as z:',
      '    for name, text in files.items(): z.writestr(name, text)',
    ].join('\n');
    expect((await s.client.runPython('erin', build, RUN)).ok).toBe(true);
    const before = await s.client.runPython('erin', 'import demo_pkg', RUN);
    expect(before.error).toContain("No module named 'demo_pkg'");

    const installed = await s.client.installPackage('erin', '/workspace/demo_pkg-0.1-py3-none-any.whl', RUN);
    expect(installed).toMatchObject({
      ok: true,
      output: 'Installed /workspace/demo_pkg-0.1-py3-none-any.whl.',
    });
    const used = await s.client.runPython(
      'erin',
      'import demo_pkg\nprint(demo_pkg.VALUE, demo_pkg.__file__)',
      RUN,
    );
    expect(used.output).toMatch(
      /^42 \/workspace\/\.local\/lib\/python3\.\d+\/site-packages\/demo_pkg\/__init__\.py/,
    );
    const listed = await s.client.runShell('erin', 'python3 -m pip list --user 2>/dev/null', RUN);
    expect(listed.output).toMatch(/demo-pkg\s+0\.1/);
    // Another person does not get it.
    expect((await s.client.runPython('frank', 'import demo_pkg', RUN)).ok).toBe(false);
  });

  it('cannot write outside /workspace: the system is read-only', async () => {
    const result = await s.client.runShell('alice', 'touch /usr/evil', RUN);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/Read-only file system|Permission denied/);
  });
});
