/**
 * A fake npm registry on 127.0.0.1 serving packages from local folders (packed with the real `npm pack`), so the
 * real npm client installs them with no network: `GET /<name>` → packument, `GET /-/<file>.tgz` → tarball.
 * Unknown packages answer 404 like the public registry. `failWith(500)` makes every request fail with that status,
 * `failWith('hang')` accepts requests and never answers (a registry that is down behind a proxy).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeNpmRegistry {
  readonly url: string;
  /** Tarball path of each packed package (for npm:<tarball> installs). */
  readonly tarballs: Map<string, string>;
  readonly requests: string[];
  failWith(mode: number | 'hang' | undefined): void;
  close(): Promise<void>;
}

/** Packs a package folder with the real npm; returns the .tgz path. */
export function npmPack(dir: string): string {
  const out = mkdtempSync(join(tmpdir(), 'clara-npm-pack-'));
  execFileSync('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: dir, stdio: 'pipe' });
  const file = readdirSync(out).find((f) => f.endsWith('.tgz'));
  if (!file) throw new Error(`npm pack produced nothing for ${dir}`);
  return join(out, file);
}

export async function startFakeNpmRegistry(packageDirs: string[]): Promise<FakeNpmRegistry> {
  const packages = new Map<string, { manifest: Record<string, unknown>; tarball: string }>();
  const tarballs = new Map<string, string>();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const tarball = npmPack(dir);
    packages.set(String(manifest.name), { manifest, tarball });
    tarballs.set(String(manifest.name), tarball);
  }
  const requests: string[] = [];
  let base = '';
  let failure: number | 'hang' | undefined;
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(path);
    if (failure === 'hang') return;
    if (failure) {
      res.writeHead(failure, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'the fake registry is failing on purpose' }));
      return;
    }
    if (path.startsWith('/-/')) {
      const name = path.slice(3, path.lastIndexOf('.tgz'));
      const pkg = packages.get(name);
      if (!pkg) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(readFileSync(pkg.tarball));
      return;
    }
    const pkg = packages.get(path.slice(1));
    if (!pkg) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Not found' }));
      return;
    }
    const data = readFileSync(pkg.tarball);
    const version = String(pkg.manifest.version);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        name: pkg.manifest.name,
        'dist-tags': { latest: version },
        versions: {
          [version]: {
            ...pkg.manifest,
            dist: {
              tarball: `${base}/-/${pkg.manifest.name}.tgz`,
              shasum: createHash('sha1').update(data).digest('hex'),
              integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
            },
          },
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    tarballs,
    requests,
    failWith: (mode) => {
      failure = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
