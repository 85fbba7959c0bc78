/** Folders shipped with Clara, found relative to this file (works from src/ with tsx and from dist/). */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHIPPED_PERSONALITIES = join(PACKAGE_ROOT, 'personalities');
export const WEB_STATIC_DIR = join(PACKAGE_ROOT, 'web');

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
