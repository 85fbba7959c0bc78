/**
 * npm packages are installed into the server's own folder (`<MCP_SERVERS_DIR>/local/<name>/`, a private
 * package.json + node_modules) with the user's npm and registry settings — never globally, never `npx -y` at run
 * time. The server then runs as `node <the package's bin>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { explainNpmFailure, firstErrorLine, NPM_NETWORK_ARGS, npmRegistryOrigin } from './npm-errors.js';
import { findEntry, readPackageJson } from './project-detect.js';
import { CommandError, runCommand } from './run-command.js';
import { type InstallContext, InstallError, type StdioLaunch } from './types.js';

export async function installNpmPackage(
  spec: string,
  dir: string,
  ctx: InstallContext,
): Promise<{ launch: StdioLaunch; packageName: string; version?: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    await writeFile(manifest, `${JSON.stringify({ name: 'clara-mcp-server', private: true }, null, 2)}\n`);
  }
  ctx.progress(`Installing ${spec} with npm into ${dir}…`);
  try {
    await runCommand(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-audit',
        '--no-fund',
        '--omit=dev',
        ...NPM_NETWORK_ARGS,
        '--save',
        '--save-exact',
        spec,
      ],
      { cwd: dir, env: ctx.env, timeoutMs: ctx.timeouts.installMs, onLine: ctx.detail, signal: ctx.signal },
    );
  } catch (error) {
    if (
      error instanceof CommandError &&
      /\bE404\b|404 Not Found|is not in this registry/i.test(error.output)
    ) {
      throw new InstallError(
        `The npm package "${spec}" does not exist in your npm registry ${npmRegistryOrigin(error.output, ctx.env)}. Check the name (search with smithery_search or on npmjs.com).`,
      );
    }
    if (error instanceof CommandError && /ENOENT|Could not read package\.json|ENOTDIR/.test(error.output)) {
      throw new InstallError(
        `npm could not read "${spec}": ${firstErrorLine(error.output) || error.message}`,
      );
    }
    throw explainNpmFailure(error, `install the npm package "${spec}"`, ctx.env);
  }
  const deps = z
    .object({ dependencies: z.record(z.string(), z.string()).default({}) })
    .parse(JSON.parse(readFileSync(manifest, 'utf8'))).dependencies;
  const packageName = Object.keys(deps)[0];
  if (!packageName) throw new InstallError(`npm installed nothing for "${spec}".`);
  const packageDir = join(dir, 'node_modules', ...packageName.split('/'));
  const pkg = readPackageJson(packageDir);
  if (!pkg?.bin) {
    throw new InstallError(
      `The npm package ${packageName} has no "bin" entry, so it cannot be started as an MCP server. Is it a server package?`,
    );
  }
  const entry = findEntry(packageDir, { ...pkg, main: undefined });
  if (!entry) throw new InstallError(`The npm package ${packageName} names a bin file that is missing.`);
  const launch: StdioLaunch = isNodeScript(entry)
    ? { command: process.execPath, args: [entry], cwd: dir }
    : { command: entry, args: [], cwd: dir };
  const version = typeof pkg.version === 'string' ? pkg.version : undefined;
  return { launch, packageName, ...(version ? { version } : {}) };
}

function isNodeScript(file: string): boolean {
  if (/\.(?:c|m)?js$/.test(file)) return true;
  try {
    const head = readFileSync(file, { encoding: 'utf8' }).slice(0, 200);
    return !head.startsWith('#!') || /\bnode\b/.test(head.split('\n')[0] ?? '');
  } catch {
    return true;
  }
}
