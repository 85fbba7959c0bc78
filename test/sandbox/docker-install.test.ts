/**
 * A successful `pip install` through the Docker backend: the container has a network (DOCKER_SANDBOX_NETWORK=bridge)
 * and its image points pip at a package index — here a local PEP 503 index serving one small wheel, standing in
 * for PyPI, which this machine cannot reach. The fake Docker engine runs the real pip inside the container's
 * sandbox; the package lands in the container's own /usr/local and is importable in the next run.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerBackend, dockerConnection } from '../../src/sandbox/index.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';

const WHEEL = 'demo_pkg-0.1-py3-none-any.whl';
const BUILD_WHEEL = [
  'import base64, hashlib, sys, zipfile',
  'info = "demo_pkg-0.1.dist-info"',
  'files = {"demo_pkg/__init__.py": "VALUE = 42\\n",',
  '         f"{info}/METADATA": "Metadata-Version: 2.1\\nName: demo-pkg\\nVersion: 0.1\\n",',
  '         f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}',
  'digest = lambda b: base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b"=").decode()',
  'record = [f"{n},sha256={digest(t.encode())},{len(t.encode())}" for n, t in files.items()]',
  'files[f"{info}/RECORD"] = "\\n".join(record + [f"{info}/RECORD,,"]) + "\\n"',
  'with zipfile.ZipFile(sys.argv[1], "w") as z:',
  '    for name, text in files.items(): z.writestr(name, text)',
].join('\n');
const RUN = { timeoutMs: 60_000 };
const USER = 'discord-77';

describe('DockerBackend installPackage with a reachable index', () => {
  let dir: string;
  let index: Server;
  let requested: string[];
  let docker: FakeDocker;
  let backend: DockerBackend;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clara-pip-index-'));
    execFileSync('python3', ['-c', BUILD_WHEEL, join(dir, WHEEL)]);
    const wheel = readFileSync(join(dir, WHEEL));
    const sha = createHash('sha256').update(wheel).digest('hex');
    requested = [];
    index = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url === '/simple/demo-pkg/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<html><body><a href="/files/${WHEEL}#sha256=${sha}">${WHEEL}</a></body></html>`);
      } else if (req.url === `/files/${WHEEL}`) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(wheel);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
    const port = (index.address() as AddressInfo).port;
    docker = await startFakeDocker({
      images: ['python:3.12-slim'],
      // The image's pip settings. The fake's stand-in image is the host's Debian Python, which marks itself
      // externally managed; python:3.12-slim does not need the second line.
      imageEnv: [`PIP_INDEX_URL=http://127.0.0.1:${port}/simple`, 'PIP_BREAK_SYSTEM_PACKAGES=1'],
    });
    backend = new DockerBackend({
      connection: dockerConnection(docker.dockerHost),
      image: 'python:3.12-slim',
      memory: '512m',
      cpus: 1,
      network: 'bridge',
      idleTimeoutMs: 900_000,
      sweepIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await backend?.close();
    await docker?.close();
    await new Promise((resolve) => index?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs a package, tracks it, and the next run imports it', async () => {
    expect((await backend.runPython(USER, 'import demo_pkg', RUN)).error).toContain(
      "No module named 'demo_pkg'",
    );
    const installed = await backend.installPackage(USER, 'demo-pkg==0.1', RUN);
    expect(installed).toMatchObject({ ok: true, output: 'Installed demo-pkg==0.1.' });
    expect(requested).toEqual(['/simple/demo-pkg/', `/files/${WHEEL}`]);
    const used = await backend.runPython(USER, 'import demo_pkg\nprint(demo_pkg.VALUE)', RUN);
    expect(used).toMatchObject({ ok: true, output: '42\n' });

    const execs = docker.find('POST', /\/exec$/).length;
    expect(await backend.installPackage(USER, 'Demo_Pkg', RUN)).toMatchObject({
      ok: true,
      output: 'demo-pkg is already installed.',
    });
    expect(docker.find('POST', /\/exec$/)).toHaveLength(execs);

    const missing = await backend.installPackage(USER, 'not-on-the-index', RUN);
    expect(missing.ok).toBe(false);
    expect(missing.output).toMatch(/No matching distribution found for not-on-the-index/);
  });
});
