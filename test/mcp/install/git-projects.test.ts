/**
 * Kinds of project in a git repository (cloned over file://, no network): a TypeScript server without a build
 * script, compiled with the tsc of its own devDependencies (Clara's node_modules/typescript, as a `file:`
 * dependency so npm installs it offline); a project whose lockfile asks for pnpm or yarn (stand-ins that log their
 * calls and use npm: the real ones cannot be installed here), and the fallback to npm when that tool is missing.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHarness, FIXTURES, type InstallHarness, makeRepo, OFFLINE_NPM, REPO_ROOT } from './setup.js';

const TYPESCRIPT = join(REPO_ROOT, 'node_modules', 'typescript');

/** Points the fixture's `typescript` devDependency at Clara's own copy, or removes it. */
function typescriptDependency(dir: string, use: boolean): void {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  if (use) pkg.devDependencies.typescript = `file:${TYPESCRIPT}`;
  else delete pkg.devDependencies;
  writeFileSync(file, JSON.stringify(pkg, null, 2));
}

/** A PATH with node, npm, git and sh only (so "pnpm is not installed" holds on any machine). */
function minimalPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'clara-min-path-'));
  const npmCli = join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync(existsSync(npmCli) ? npmCli : '/usr/bin/npm', join(bin, 'npm'));
  symlinkSync('/usr/bin/git', join(bin, 'git'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  return bin;
}

let harness: InstallHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function install(url: string, env: NodeJS.ProcessEnv, name: string) {
  harness = buildHarness({ env });
  const steps: string[] = [];
  const outcome = await harness.installer.install({
    source: url,
    name,
    onProgress: (event) => event.kind === 'step' && steps.push(event.message),
  });
  return { outcome, steps, checkout: join(harness.store.serverDir('local', name), 'repo') };
}

describe('install a TypeScript server from a git repository', () => {
  it('installs its devDependencies, compiles it with their tsc and runs the output', async () => {
    const url = makeRepo('git-typescript', { edit: (dir) => typescriptDependency(dir, true) });
    const { outcome, steps, checkout } = await install(url, OFFLINE_NPM, 'tsserver');
    expect(steps).toEqual(
      expect.arrayContaining(['Installing dependencies with npm…', 'Compiling TypeScript…']),
    );
    expect(outcome.config).toMatchObject({
      command: process.execPath,
      args: [join(checkout, 'dist', 'index.js')],
      cwd: checkout,
    });
    expect(outcome.tools.map((t) => t.name)).toEqual(['echo', 'add']);
    expect((await harness!.manager.callTool('tsserver', 'echo', { message: 'compiled' })).content).toBe(
      'typescript echo: compiled',
    );
    expect((await harness!.manager.callTool('tsserver', 'add', { a: 2, b: 3 })).content).toBe('5');
  });

  it('says what to add when the project does not install a TypeScript compiler, and saves nothing', async () => {
    const url = makeRepo('git-typescript', { edit: (dir) => typescriptDependency(dir, false) });
    harness = buildHarness({ env: OFFLINE_NPM });
    await expect(harness.installer.install({ source: url, name: 'nots' })).rejects.toThrow(
      /is a TypeScript project \(tsconfig\.json\) with no build script .* add "typescript" to its devDependencies/,
    );
    expect(existsSync(harness.store.serverDir('local', 'nots'))).toBe(false);
    expect(await harness.store.list()).toEqual([]);
  });
});

describe('the package manager named by the lockfile', () => {
  const withFakeManagers = (log: string): NodeJS.ProcessEnv => ({
    ...OFFLINE_NPM,
    PATH: `${join(FIXTURES, 'fake-package-managers')}:${process.env.PATH}`,
    FAKE_PM_LOG: log,
  });

  it.each([
    ['pnpm', 'pnpm-lock.yaml'],
    ['yarn', 'yarn.lock'],
  ])('installs and builds with %s when the repository has %s', async (pm, lockfile) => {
    const url = makeRepo('git-pnpm', {
      serverAt: 'src/server.js',
      edit: (dir) => {
        if (lockfile !== 'pnpm-lock.yaml') renameSync(join(dir, 'pnpm-lock.yaml'), join(dir, lockfile));
      },
    });
    const log = join(mkdtempSync(join(tmpdir(), 'clara-pm-log-')), 'calls.log');
    const { outcome, steps, checkout } = await install(url, withFakeManagers(log), `with_${pm}`);
    expect(steps).toEqual(
      expect.arrayContaining([`Installing dependencies with ${pm}…`, `Building with ${pm} run build…`]),
    );
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      `${pm} --version @ ${process.cwd()}`,
      `${pm} install @ ${checkout}`,
      `${pm} run build @ ${checkout}`,
    ]);
    expect(outcome.config).toMatchObject({ args: [join(checkout, 'dist', 'server.js')] });
    expect(existsSync(join(checkout, 'node_modules', 'acme-helper', 'index.js'))).toBe(true);
    expect((await harness!.manager.callTool(`with_${pm}`, 'echo', { message: pm })).content).toBe(
      `tiny echo: ${pm}`,
    );
  });

  it('falls back to npm, and says so, when the lockfile asks for pnpm and pnpm is not installed', async () => {
    const url = makeRepo('git-pnpm', { serverAt: 'src/server.js' });
    const { steps, checkout } = await install(url, { ...OFFLINE_NPM, PATH: minimalPath() }, 'fallback');
    expect(steps).toEqual(
      expect.arrayContaining([
        'The lockfile asks for pnpm, which is not installed; using npm instead.',
        'Installing dependencies with npm…',
        'Building with npm run build…',
      ]),
    );
    expect(existsSync(join(checkout, 'dist', 'server.js'))).toBe(true);
    expect((await harness!.manager.callTool('fallback', 'echo', { message: 'npm' })).content).toBe(
      'tiny echo: npm',
    );
  });
});
