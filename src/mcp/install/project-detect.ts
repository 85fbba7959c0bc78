/**
 * Looks at a server's source folder: monorepo layout, which workspace package is the MCP server, package manager
 * by lockfile, and the entry file to run.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';

const PackageJson = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    keywords: z.array(z.string()).optional(),
    main: z.string().optional(),
    bin: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
    scripts: z.record(z.string(), z.string()).optional(),
    workspaces: z
      .union([z.array(z.string()), z.object({ packages: z.array(z.string()).optional() })])
      .optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    devDependencies: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();
export type PackageJson = z.infer<typeof PackageJson>;

export function readPackageJson(dir: string): PackageJson | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = PackageJson.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${file} does not look like a package.json: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

export function packageManagerFor(dir: string): PackageManager {
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(dir, 'yarn.lock'))) return 'yarn';
  return 'npm';
}

/** Workspace globs of a monorepo root (pnpm-workspace.yaml, package.json workspaces, lerna.json), or undefined. */
export function workspaceGlobs(dir: string, pkg: PackageJson | undefined): string[] | undefined {
  const globs: string[] = [];
  let monorepo = false;
  const pnpmFile = join(dir, 'pnpm-workspace.yaml');
  if (existsSync(pnpmFile)) {
    monorepo = true;
    for (const match of readFileSync(pnpmFile, 'utf8').matchAll(/^\s*-\s*['"]?([^'"\s#]+)['"]?/gm))
      globs.push(match[1]!);
  }
  if (pkg?.workspaces) {
    monorepo = true;
    globs.push(...(Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces.packages ?? [])));
  }
  const lerna = join(dir, 'lerna.json');
  if (existsSync(lerna)) {
    monorepo = true;
    try {
      const parsed = z
        .object({ packages: z.array(z.string()).optional() })
        .safeParse(JSON.parse(readFileSync(lerna, 'utf8')));
      if (parsed.success) globs.push(...(parsed.data.packages ?? []));
    } catch {
      // an unreadable lerna.json still marks a monorepo
    }
  }
  return monorepo ? globs : undefined;
}

/** Expands simple workspace globs (`packages/*`, `apps/foo`, `packages/**`) into package folders. */
function expandGlobs(root: string, globs: string[]): string[] {
  const out = new Set<string>();
  for (const glob of [...globs, 'packages/*', 'apps/*']) {
    if (glob.startsWith('!')) continue;
    const clean = glob.replace(/\/\*\*$/, '/*').replace(/\/$/, '');
    const star = clean.indexOf('*');
    if (star < 0) {
      const dir = resolve(root, clean);
      if (inside(root, dir) && isDir(dir)) out.add(dir);
      continue;
    }
    const base = resolve(root, clean.slice(0, clean.lastIndexOf('/', star) + 1) || '.');
    if (!inside(root, base) || !isDir(base)) continue;
    for (const entry of readdirSync(base)) {
      const dir = join(base, entry);
      if (entry !== 'node_modules' && !entry.startsWith('.') && isDir(dir)) out.add(dir);
    }
  }
  return [...out].filter((dir) => existsSync(join(dir, 'package.json')));
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The workspace package that is the MCP server, scored by name/description/keywords, SDK dependency, folder name. */
export function findServerPackage(root: string, globs: string[]): string | undefined {
  let best: { dir: string; score: number } | undefined;
  for (const dir of expandGlobs(root, globs)) {
    let pkg: PackageJson | undefined;
    try {
      pkg = readPackageJson(dir);
    } catch {
      continue;
    }
    if (!pkg) continue;
    const text = [pkg.name, pkg.description, ...(pkg.keywords ?? [])].join(' ').toLowerCase();
    let score = 0;
    if (/\bmcp\b|mcp-|-mcp|modelcontextprotocol/.test(text)) score += 2;
    if (pkg.dependencies?.['@modelcontextprotocol/sdk']) score += 3;
    if (['js', 'javascript', 'typescript', 'node', 'server', 'mcp'].includes(dir.split(sep).pop() ?? ''))
      score += 1;
    if (pkg.bin) score += 1;
    if (score > 0 && (!best || score > best.score)) best = { dir, score };
  }
  return best?.dir;
}

/** Entry file candidates in order: bin, main, then the usual build outputs. */
export function findEntry(dir: string, pkg: PackageJson | undefined): string | undefined {
  const candidates: string[] = [];
  if (typeof pkg?.bin === 'string') candidates.push(pkg.bin);
  else if (pkg?.bin) {
    const bins = Object.entries(pkg.bin);
    const named = bins.find(([name]) => pkg?.name && name === pkg.name.split('/').pop());
    candidates.push(...(named ? [named[1]] : []), ...bins.map(([, path]) => path));
  }
  if (pkg?.main) candidates.push(pkg.main);
  candidates.push(
    'dist/index.js',
    'build/index.js',
    'lib/index.js',
    'index.js',
    'dist/index.mjs',
    'index.mjs',
  );
  for (const candidate of candidates) {
    const file = resolve(dir, candidate);
    if (
      inside(dir, file) &&
      existsSync(file) &&
      statSync(file).isFile() &&
      /\.(?:c|m)?js$|^[^.]*$/.test(file)
    ) {
      return file;
    }
  }
  return undefined;
}

/** True when every dependency resolves from `dir` (its own node_modules or an ancestor's). */
export function dependenciesPresent(dir: string, pkg: PackageJson): boolean {
  const deps = Object.keys(pkg.dependencies ?? {});
  return deps.every((dep) => {
    let current = resolve(dir);
    for (;;) {
      if (existsSync(join(current, 'node_modules', dep, 'package.json'))) return true;
      const parent = resolve(current, '..');
      if (parent === current) return false;
      current = parent;
    }
  });
}

export interface PythonProject {
  name: string;
  script?: string;
}

/** Name and first console script of a Python project (pyproject.toml or setup.py). */
export function readPythonProject(dir: string): PythonProject | undefined {
  const pyproject = join(dir, 'pyproject.toml');
  if (existsSync(pyproject)) {
    const text = readFileSync(pyproject, 'utf8');
    const name = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(text)?.[1];
    const scripts = /\[project\.scripts\]([^[]*)/.exec(text)?.[1];
    const script = scripts ? /^\s*["']?([A-Za-z0-9_.-]+)["']?\s*=/m.exec(scripts)?.[1] : undefined;
    return { name: name ?? dir.split(sep).pop() ?? 'server', ...(script ? { script } : {}) };
  }
  if (existsSync(join(dir, 'setup.py'))) {
    const text = readFileSync(join(dir, 'setup.py'), 'utf8');
    return { name: /name\s*=\s*["']([^"']+)["']/.exec(text)?.[1] ?? dir.split(sep).pop() ?? 'server' };
  }
  return undefined;
}
