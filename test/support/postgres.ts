/**
 * A private PostgreSQL 15 cluster for a test run: initdb in a temp directory, a free port on 127.0.0.1,
 * a private unix-socket directory, fsync off. As root (initdb refuses root) the cluster runs as the `postgres`
 * system user via `runuser`; otherwise as the current user.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
export const POSTGRES_BIN_DIR = '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  /** Superuser URL of the `postgres` database: `postgresql://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  /** Creates a database (default: a unique name) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
  /** Prefix for commands: `runuser -u postgres --` as root, nothing otherwise. */
  prefix: string[];
}

async function runAsIdentity(): Promise<RunAs> {
  if (process.getuid?.() !== 0)
    return { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, prefix: [] };
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid, prefix: ['runuser', '-u', 'postgres', '--'] };
  } catch {
    throw new Error(
      'Tests run as root, and PostgreSQL refuses to run as root, but there is no `postgres` system user. ' +
        'Install the server package (apt-get install -y postgresql-15), which creates it.',
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function exec(as: RunAs, binary: string, args: string[], cwd: string): Promise<void> {
  const [command, ...rest] = [...as.prefix, binary, ...args];
  await run(command as string, rest, { cwd, env: { ...process.env, LC_ALL: 'C' } });
}

/**
 * pg_ctl detaches the server (setsid), so a test run killed before its teardown would leave it running.
 * A detached shell waits for this process to exit and then stops the cluster and deletes its directory.
 */
function startWatchdog(base: string, stopCommand: string[]) {
  const script =
    'parent=$1; base=$2; shift 2; while kill -0 "$parent" 2>/dev/null; do sleep 1; done; "$@" >/dev/null 2>&1; rm -rf "$base"';
  const child = spawn('sh', ['-c', script, 'clara-pg-watchdog', String(process.pid), base, ...stopCommand], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export interface StartPostgresOptions {
  /** Where initdb, pg_ctl and postgres live (default: Debian's PostgreSQL 15 directory). */
  binDir?: string;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const binDir = options.binDir ?? POSTGRES_BIN_DIR;
  for (const binary of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(binDir, binary))) {
      throw new Error(
        `PostgreSQL 15 server binary ${join(binDir, binary)} not found: the database tests need a real ` +
          'PostgreSQL 15 server. Install it with: apt-get install -y postgresql-15',
      );
    }
  }
  const as = await runAsIdentity();
  const base = await mkdtemp(join(tmpdir(), 'clara-pg-'));
  const dataDir = join(base, 'data');
  const socketDir = join(base, 'sock');
  const logFile = join(base, 'postgres.log');
  await mkdir(socketDir);
  if (as.prefix.length > 0) {
    await chown(base, as.uid, as.gid);
    await chown(socketDir, as.uid, as.gid);
  }

  try {
    await exec(
      as,
      'initdb',
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'],
      base,
    );
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    throw new Error(`initdb failed in ${dataDir}: ${(error as Error).message}`);
  }

  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freePort();
    const serverOptions = [
      `-p ${candidate}`,
      `-k ${socketDir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    try {
      await exec(
        as,
        'pg_ctl',
        ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '30', 'start'],
        base,
      );
      port = candidate;
    } catch (error) {
      lastError = error; // most likely the port was taken in between; try another one
    }
  }
  if (port === 0) {
    const log = await readFile(logFile, 'utf8').catch(() => '(no log)');
    await rm(base, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(lastError as Error)?.message}\n${log.slice(-2000)}`);
  }

  const pgCtl = join(binDir, 'pg_ctl');
  const watchdog = startWatchdog(base, [...as.prefix, pgCtl, '-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let counter = 0;
  return {
    url,
    port,
    async createDatabase(name) {
      counter += 1;
      const database = name ?? `t_${process.pid}_${counter}_${randomBytes(4).toString('hex')}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create database ${quoteIdent(database)}`);
      } finally {
        await client.end();
      }
      return `postgresql://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    },
    async stop() {
      watchdog.kill();
      await exec(as, pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], base).catch(() => {});
      await rm(base, { recursive: true, force: true });
    },
  };
}
