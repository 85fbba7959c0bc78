/**
 * The argument array that unpacks an archive in the sandbox (spec §6.2 `unzip`): the destination (default: the
 * archive's folder) is created first, Python's own zipfile/tarfile modules do the work (the slim image has no
 * `unzip`), and a listing of the destination follows. Paths travel as positional arguments, never inside the script.
 */
import { posix } from 'node:path';

/** tarfile with the safe `data` filter where Python has it (3.12+, and security releases of older versions). */
const UNTAR =
  'import sys, tarfile\n' +
  'with tarfile.open(sys.argv[1]) as t:\n' +
  '    t.extractall(sys.argv[2], **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))';

const SCRIPT = [
  'set -e',
  'mkdir -p -- "$2"',
  'case "$3" in',
  '  zip) python3 -m zipfile -e "$1" "$2" ;;',
  `  tar) python3 -c '${UNTAR}' "$1" "$2" ;;`,
  '  gz) gunzip -k -f -- "$1" ;;',
  `  *) python3 -m zipfile -e "$1" "$2" 2>/dev/null || python3 -c '${UNTAR}' "$1" "$2" ;;`,
  'esac',
  'echo "Extracted $1 to $2:"',
  'ls -la -- "$2"',
].join('\n');

export function archiveKind(path: string): 'zip' | 'tar' | 'gz' | 'unknown' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (/\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz)$/.test(lower)) return 'tar';
  if (lower.endsWith('.gz')) return 'gz';
  return 'unknown';
}

export function unzipCommand(archive: string, destination: string | undefined): string[] {
  return ['sh', '-c', SCRIPT, 'unzip', archive, destination ?? posix.dirname(archive), archiveKind(archive)];
}
