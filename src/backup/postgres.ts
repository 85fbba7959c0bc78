/**
 * PostgreSQL backups with the real client tools: `pg_dump --format=plain --no-owner --no-acl` into gzip (level 9),
 * and restores through `psql`. The password goes to the child through `PGPASSWORD`, never on its command line.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { redactUrl, scrubSecrets } from '../config/index.js';
import { runTool, ToolError } from './run-tool.js';
import { BackupError } from './types.js';

export interface PostgresTarget {
  /** The full URL, password included: only ever handed to the `pg` driver, never printed. */
  url: string;
  /** The URL without its password (what the tools get as --dbname). */
  urlWithoutPassword: string;
  password: string | undefined;
  /** The URL with the password masked, for messages. */
  display: string;
  /** The variable the URL came from (for messages), e.g. DATABASE_URL. */
  variable: string;
}

export function postgresTarget(rawUrl: string, variable: string): PostgresTarget {
  const normalised = rawUrl.trim().replace(/^postgres(?:ql)?(?:\+\w+)?:\/\//i, 'postgresql://');
  let url: URL;
  try {
    url = new URL(normalised);
  } catch {
    throw new BackupError(
      `${variable} is not a valid PostgreSQL URL (expected postgresql://user:password@host:5432/db).`,
    );
  }
  const password = url.password ? safeDecode(url.password) : undefined;
  url.password = '';
  return {
    url: normalised,
    urlWithoutPassword: url.toString(),
    password,
    display: redactUrl(normalised),
    variable,
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface PgToolsOptions {
  /** `BACKUP_PG_BIN_DIR`; undefined = found on PATH. */
  binDir?: string | undefined;
  /** Environment the tools inherit (default process.env). */
  env?: NodeJS.ProcessEnv;
}

function toolPath(options: PgToolsOptions, tool: 'pg_dump' | 'psql'): string {
  return options.binDir ? join(options.binDir, tool) : tool;
}

function toolEnv(options: PgToolsOptions, target: PostgresTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  // The URL's password wins over an inherited one; without one, PGPASSWORD/.pgpass from the environment apply.
  if (target.password !== undefined) env.PGPASSWORD = target.password;
  env.PGCONNECT_TIMEOUT ??= '15';
  return env;
}

/** Dumps the database as plain SQL, gzip level 9, into `outFile`. */
export async function dumpPostgres(
  target: PostgresTarget,
  outFile: string,
  options: PgToolsOptions & { timeoutMs: number },
): Promise<void> {
  try {
    await runTool({
      command: toolPath(options, 'pg_dump'),
      args: ['--format=plain', '--no-owner', '--no-acl', `--dbname=${target.urlWithoutPassword}`],
      env: toolEnv(options, target),
      timeoutMs: options.timeoutMs,
      stdout: [createGzip({ level: 9 }), createWriteStream(outFile)],
    });
  } catch (error) {
    throw explainToolError(error, 'pg_dump', target, options);
  }
}

/** Feeds a gzip'd plain SQL backup to `psql` in one transaction, stopping at the first error. */
export async function restorePostgres(
  target: PostgresTarget,
  gzFile: string,
  options: PgToolsOptions & { timeoutMs: number },
): Promise<void> {
  try {
    await runTool({
      command: toolPath(options, 'psql'),
      args: [
        '--no-psqlrc',
        '--quiet',
        '--single-transaction',
        '--set=ON_ERROR_STOP=1',
        `--dbname=${target.urlWithoutPassword}`,
        '--file=-',
      ],
      env: toolEnv(options, target),
      timeoutMs: options.timeoutMs,
      stdin: [createReadStream(gzFile), createGunzip()],
    });
  } catch (error) {
    const explained = explainToolError(error, 'psql', target, options);
    if (/already exists/.test(explained.message)) {
      explained.message +=
        ' The backup recreates every table, so restore into an empty database (dropdb/createdb first).';
    }
    throw explained;
  }
}

/** `select 1` with a short time limit. */
export async function postgresReachable(target: PostgresTarget): Promise<boolean> {
  const client = new pg.Client({
    connectionString: target.url,
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function explainToolError(
  error: unknown,
  tool: 'pg_dump' | 'psql',
  target: PostgresTarget,
  options: PgToolsOptions,
): BackupError {
  const secrets = target.password ? [target.password, encodeURIComponent(target.password)] : [];
  const scrub = (text: string) => scrubSecrets(text, secrets);
  if (!(error instanceof ToolError))
    return new BackupError(scrub(`${tool} failed: ${(error as Error).message}`));
  const failure = error.failure;
  switch (failure.kind) {
    case 'missing':
      return new BackupError(
        `${tool} was not found${options.binDir ? ` in BACKUP_PG_BIN_DIR (${options.binDir})` : ' on PATH'}. ` +
          'Install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client; ' +
          'macOS: brew install libpq) or set BACKUP_PG_BIN_DIR to the folder holding pg_dump and psql.',
      );
    case 'timeout':
      return new BackupError(
        `${tool} for ${target.display} did not finish within the time limit and was stopped.`,
      );
    case 'io':
      return new BackupError(scrub(`${tool} for ${target.display} failed while writing: ${failure.message}`));
    case 'exit': {
      const how = failure.code !== null ? `exit code ${failure.code}` : `signal ${failure.signal}`;
      const detail = failure.stderr ? `: ${scrub(failure.stderr).replace(/\s+/g, ' ').slice(0, 1200)}` : '';
      return new BackupError(
        `${tool} failed for ${target.display} (${how})${detail}${hint(failure.stderr, target, tool)}`,
      );
    }
  }
}

function hint(stderr: string, target: PostgresTarget, tool: string): string {
  if (/password authentication failed|no password supplied/i.test(stderr)) {
    return ` Check the user name and password in ${target.variable}.`;
  }
  if (/server version mismatch|aborting because of server version/i.test(stderr)) {
    return ` Install a PostgreSQL client at least as new as the server and point BACKUP_PG_BIN_DIR at its ${tool}.`;
  }
  if (/could not connect|connection refused|could not translate host name|timeout expired/i.test(stderr)) {
    return ` Check that PostgreSQL is running and that the host and port in ${target.variable} are right.`;
  }
  if (/database ".*" does not exist/i.test(stderr)) return ` Check the database name in ${target.variable}.`;
  return '';
}
