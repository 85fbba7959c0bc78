/**
 * The bwrap command line of one isolated run: the system read-only, the person's folder read-write at /workspace,
 * a private /tmp, no network (unless enabled), every namespace unshared, no capabilities, a minimal environment,
 * and resource limits applied inside through prlimit.
 */
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { WORKSPACE } from '../sandbox/index.js';

export interface ResourceLimits {
  /** RLIMIT_AS in bytes (address space ≈ memory). */
  memoryBytes: number;
  /** RLIMIT_NPROC: processes of the sandbox user (only enforced when runs use a non-root host user). */
  maxProcesses: number;
  /** RLIMIT_FSIZE in bytes: the largest file a run can write. */
  maxFileBytes: number;
}

export interface BwrapCommandOptions {
  bwrap: string;
  workspace: string;
  network: boolean;
  /** Path of prlimit inside the sandbox (from the read-only /usr), or null when it is missing. */
  prlimit: string | null;
  limits: ResourceLimits;
  /** RLIMIT_CPU in seconds for this run. */
  cpuSeconds: number;
  /** Script handed over on fd 3 and placed at this path (read-only) inside the sandbox. */
  scriptPath?: string;
  command: string[];
}

const SYSTEM_LINKS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const ETC_ALWAYS = [
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/python3',
  '/etc/python3.11',
  '/etc/python3.12',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/mime.types',
];
const ETC_NETWORK = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/gai.conf',
];

/** Where bwrap is: Debian's package path, else the PATH. */
export const BWRAP_PATH = existsSync('/usr/bin/bwrap') ? '/usr/bin/bwrap' : 'bwrap';

/**
 * The read-only "image" of a run: the host's /usr (with /bin, /lib … as the symlinks into it they are on merged-/usr
 * systems, or bound as folders elsewhere) and the few /etc files the loader, Python and TLS need (plus name
 * resolution with a network). Nothing else of the host.
 */
export function systemImageArgs(network: boolean): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of SYSTEM_LINKS) {
    const info = lstatOrUndefined(dir);
    if (!info) continue;
    if (info.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (info.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  for (const file of [...ETC_ALWAYS, ...(network ? ETC_NETWORK : [])]) {
    if (existsSync(file)) args.push('--ro-bind', file, file);
  }
  return args;
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

export const SANDBOX_ENV: Readonly<Record<string, string>> = {
  PATH: `${WORKSPACE}/.local/bin:/usr/local/bin:/usr/bin:/bin`,
  HOME: WORKSPACE,
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TMPDIR: '/tmp',
  PYTHONUSERBASE: `${WORKSPACE}/.local`,
  PYTHONUNBUFFERED: '1',
  PIP_CACHE_DIR: `${WORKSPACE}/.cache/pip`,
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
  // Debian marks the system Python as externally managed; installs go to /workspace/.local only.
  PIP_BREAK_SYSTEM_PACKAGES: '1',
  MPLCONFIGDIR: '/tmp/matplotlib',
  USER: 'sandbox',
};

export function bwrapArgs(options: BwrapCommandOptions): string[] {
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    '1000',
    '--gid',
    '1000',
    ...(options.network ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--hostname',
    'sandbox',
    ...systemImageArgs(options.network),
  ];
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  args.push('--bind', options.workspace, WORKSPACE, '--chdir', WORKSPACE);
  if (options.scriptPath) args.push('--file', '3', options.scriptPath);
  args.push('--clearenv');
  for (const [name, value] of Object.entries(SANDBOX_ENV)) args.push('--setenv', name, value);
  args.push('--');
  if (options.prlimit) {
    const { memoryBytes, maxProcesses, maxFileBytes } = options.limits;
    args.push(
      options.prlimit,
      `--as=${memoryBytes}`,
      `--cpu=${options.cpuSeconds}`,
      `--nproc=${maxProcesses}`,
      `--fsize=${maxFileBytes}`,
      '--',
    );
  }
  args.push(...options.command);
  return [options.bwrap, ...args];
}
