/**
 * Turns a source folder (a fresh clone, or a local path used in place) into a launch command: honours
 * smithery.yaml, finds the server package in a monorepo, installs dependencies with the package manager its lockfile
 * names, builds, and picks the entry. Python projects get their own virtual environment inside the folder.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { explainNpmFailure, NPM_NETWORK_ARGS } from './npm-errors.js';
import {
  dependenciesPresent,
  findEntry,
  findServerPackage,
  type PackageManager,
  packageManagerFor,
  readPackageJson,
  readPythonProject,
  workspaceGlobs,
} from './project-detect.js';
import { runCommand } from './run-command.js';
import { readSmitheryStartCommand } from './smithery-yaml.js';
import type { InstallContext, StdioLaunch } from './types.js';

export interface ConfigureOptions {
  /** `clone`: a folder Clara owns (always install/build). `in-place`: the user's folder (only what is missing). */
  mode: 'clone' | 'in-place';
}

export async function configureProject(
  dir: string,
  ctx: InstallContext,
  options: ConfigureOptions,
): Promise<StdioLaunch> {
  if (existsSync(dir) && statSync(dir).isFile()) return fileLaunch(dir);
  const root = resolve(dir);
  const rootPkg = readPackageJson(root);
  const globs = workspaceGlobs(root, rootPkg);
  const serverDir = (globs && findServerPackage(root, globs)) || root;
  if (serverDir !== root) ctx.progress(`Monorepo: using the package in ${serverDir.slice(root.length + 1)}`);

  const start = readSmitheryStartCommand(serverDir) ?? readSmitheryStartCommand(root);
  const serverPkg = readPackageJson(serverDir);
  if (rootPkg || serverPkg) {
    const pm = await availablePackageManager(packageManagerFor(root), ctx);
    const installDir = rootPkg ? root : serverDir;
    const pkg = (rootPkg ?? serverPkg)!;
    const needsInstall = options.mode === 'clone' || !dependenciesPresent(installDir, pkg);
    const hasDependencies = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length > 0;
    if (needsInstall && (hasDependencies || globs)) {
      ctx.progress(`Installing dependencies with ${pm}…`);
      await runCommand(
        pm,
        pm === 'npm' ? ['install', '--no-audit', '--no-fund', ...NPM_NETWORK_ARGS] : ['install'],
        {
          cwd: installDir,
          env: ctx.env,
          timeoutMs: ctx.timeouts.installMs,
          onLine: ctx.detail,
          signal: ctx.signal,
        },
      ).catch((error: unknown) => {
        throw pm === 'npm'
          ? explainNpmFailure(error, 'install the dependencies of the server', ctx.env)
          : error;
      });
    }
    const entryBefore = findEntry(serverDir, serverPkg);
    const buildPkg = rootPkg?.scripts?.build ? rootPkg : serverPkg;
    const buildDir = rootPkg?.scripts?.build ? root : serverDir;
    if (buildPkg?.scripts?.build && (options.mode === 'clone' || !entryBefore)) {
      ctx.progress(`Building with ${pm} run build…`);
      await runCommand(pm, ['run', 'build'], {
        cwd: buildDir,
        env: ctx.env,
        timeoutMs: ctx.timeouts.installMs,
        onLine: ctx.detail,
        signal: ctx.signal,
      });
    } else if (!entryBefore && existsSync(join(serverDir, 'tsconfig.json'))) {
      await compileTypeScript(serverDir, root, ctx);
    }
    if (start) return { command: start.command, args: start.args, cwd: serverDir, env: start.env };
    const entry = findEntry(serverDir, serverPkg);
    if (entry) return { command: process.execPath, args: [entry], cwd: serverDir };
    if (serverPkg?.scripts?.start) {
      return {
        command: pm,
        args: pm === 'npm' ? ['run', '--silent', 'start'] : ['run', 'start'],
        cwd: serverDir,
      };
    }
    throw new Error(
      `Found package.json in ${serverDir} but no entry to run (no bin, main, dist/index.js, build/index.js, lib/index.js, index.js or start script).`,
    );
  }
  if (start) return { command: start.command, args: start.args, cwd: serverDir, env: start.env };
  const python = readPythonProject(serverDir);
  if (python) return pythonLaunch(serverDir, python, ctx);
  throw new Error(
    `Could not tell how to run the server in ${serverDir}: no package.json, pyproject.toml, setup.py or smithery.yaml.`,
  );
}

/** TypeScript without a build script: the project's own compiler (its `typescript` dependency), run with node. */
async function compileTypeScript(serverDir: string, root: string, ctx: InstallContext): Promise<void> {
  const tsc = [serverDir, root]
    .map((d) => join(d, 'node_modules', 'typescript', 'bin', 'tsc'))
    .find((f) => existsSync(f));
  if (!tsc) {
    throw new Error(
      `${serverDir} is a TypeScript project (tsconfig.json) with no build script and no compiled entry, and it does not install the TypeScript compiler: add "typescript" to its devDependencies (or a "build" script).`,
    );
  }
  ctx.progress('Compiling TypeScript…');
  await runCommand(process.execPath, [tsc, '-p', '.'], {
    cwd: serverDir,
    env: ctx.env,
    timeoutMs: ctx.timeouts.installMs,
    onLine: ctx.detail,
    signal: ctx.signal,
  });
}

function fileLaunch(file: string): StdioLaunch {
  const ext = extname(file);
  const cwd = resolve(file, '..');
  if (['.js', '.mjs', '.cjs'].includes(ext)) return { command: process.execPath, args: [file], cwd };
  if (ext === '.py') return { command: 'python3', args: [file], cwd };
  throw new Error(
    `Cannot run ${file}: a single-file server must be .js, .mjs, .cjs or .py (or give a folder).`,
  );
}

async function availablePackageManager(wanted: PackageManager, ctx: InstallContext): Promise<PackageManager> {
  if (wanted === 'npm') return 'npm';
  try {
    await runCommand(wanted, ['--version'], { env: ctx.env, timeoutMs: 15_000 });
    return wanted;
  } catch {
    ctx.progress(`The lockfile asks for ${wanted}, which is not installed; using npm instead.`);
    return 'npm';
  }
}

async function pythonLaunch(
  dir: string,
  project: { name: string; script?: string },
  ctx: InstallContext,
): Promise<StdioLaunch> {
  const venv = join(dir, '.venv');
  const bin = join(venv, process.platform === 'win32' ? 'Scripts' : 'bin');
  if (!existsSync(join(bin, 'python'))) {
    ctx.progress('Creating a Python virtual environment…');
    await runCommand('python3', ['-m', 'venv', venv], {
      cwd: dir,
      env: ctx.env,
      timeoutMs: 120_000,
      signal: ctx.signal,
    });
  }
  ctx.progress('Installing the Python package into its virtual environment…');
  await runCommand(join(bin, 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '.'], {
    cwd: dir,
    env: ctx.env,
    timeoutMs: ctx.timeouts.installMs,
    onLine: ctx.detail,
    signal: ctx.signal,
  });
  if (project.script && existsSync(join(bin, project.script))) {
    return { command: join(bin, project.script), args: [], cwd: dir };
  }
  return { command: join(bin, 'python'), args: ['-m', project.name.replace(/-/g, '_')], cwd: dir };
}
