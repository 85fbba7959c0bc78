/**
 * PostgreSQL with password authentication (a private cluster whose pg_hba.conf asks for scram-sha-256): the
 * password reaches pg_dump through PGPASSWORD, a wrong one is a clear failure without the password in it, and a
 * missing pg_dump or a dump over its time limit says what to do.
 */
import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createBackupService } from '../../src/backup/index.js';
import { loadConfig } from '../../src/config/index.js';
import { type PostgresCluster, startPostgres } from '../support/postgres.js';

const PASSWORD = 'right-horse-battery-staple';
const WRONG = 'wrong-password-xyz-42';
let cluster: PostgresCluster;
let port: number;
let dataDir: string;

async function superuser(text: string): Promise<Array<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: cluster.url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

const urlWith = (password: string) =>
  `postgresql://clara_app:${encodeURIComponent(password)}@127.0.0.1:${port}/clara_pw`;

function service(env: Record<string, string>, options: { dumpTimeoutMs?: number } = {}) {
  return createBackupService({
    config: loadConfig({ env: { DATA_DIR: dataDir, ...env }, envFile: false }),
    ...options,
  });
}

beforeAll(async () => {
  cluster = await startPostgres();
  port = cluster.port;
  dataDir = await mkdtemp(join(tmpdir(), 'clara-backup-pw-'));
  await superuser(`create role clara_app login password '${PASSWORD}'`);
  await superuser('create database clara_pw owner clara_app');
  const [{ hba_file: hba }] = (await superuser('show hba_file')) as [{ hba_file: string }];
  // The superuser keeps trust (for this setup); everyone else must give a password.
  await superuser(
    `copy (select unnest(array['local all all trust', 'host all postgres 127.0.0.1/32 trust', ` +
      `'host all all 127.0.0.1/32 scram-sha-256'])) to '${hba}'`,
  );
  await superuser('select pg_reload_conf()');
  const c = new pg.Client({ connectionString: urlWith(PASSWORD) });
  await c.connect();
  await c.query(
    "create table secrets_table (id int primary key, v text); insert into secrets_table values (1, 'x')",
  );
  await c.end();
});

afterAll(async () => {
  await cluster?.stop();
});

test('the password from DATABASE_URL works (given to pg_dump through its environment)', async () => {
  const backups = service({ DATABASE_URL: urlWith(PASSWORD) });
  const run = await backups.backupNow(['clara']);
  expect(run.status).toBe('success');
  expect(await readdir(join(dataDir, 'backups', 'clara'))).toHaveLength(1);
  expect((await backups.status()).databases[0]).toEqual({ name: 'clara', configured: true, reachable: true });
});

test('a wrong password is a clear failure that names DATABASE_URL and never shows the password', async () => {
  const backups = service({ DATABASE_URL: urlWith(WRONG) });
  const run = await backups.backupNow();
  expect(run.status).toBe('failure');
  expect(run.results).toEqual([
    {
      database: 'clara',
      ok: false,
      error: expect.stringMatching(
        /^pg_dump failed for postgresql:\/\/clara_app:\*\*\*\*@127\.0\.0\.1:\d+\/clara_pw \(exit code 1\): .*password authentication failed for user "clara_app".* Check the user name and password in DATABASE_URL\.$/,
      ),
    },
  ]);
  const status = await backups.status();
  expect(status.databases[0]).toEqual({ name: 'clara', configured: true, reachable: false });
  const everything = JSON.stringify({ run, status });
  expect(everything).not.toContain(WRONG);
  expect(everything).not.toContain(encodeURIComponent(WRONG));
});

test('a missing pg_dump says how to install the PostgreSQL client', async () => {
  const run = await service({
    DATABASE_URL: urlWith(PASSWORD),
    BACKUP_PG_BIN_DIR: '/nonexistent/pg/bin',
  }).backupNow();
  expect(run.results[0]?.error).toBe(
    'pg_dump was not found in BACKUP_PG_BIN_DIR (/nonexistent/pg/bin). Install the PostgreSQL client tools ' +
      '(Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq) or set BACKUP_PG_BIN_DIR ' +
      'to the folder holding pg_dump and psql.',
  );
});

test('a dump over its time limit is stopped and reported', async () => {
  // 1 ms: pg_dump cannot even start and connect in that time.
  const run = await service({ DATABASE_URL: urlWith(PASSWORD) }, { dumpTimeoutMs: 1 }).backupNow();
  expect(run.results[0]?.error).toMatch(
    /^pg_dump for postgresql:\/\/clara_app:\*\*\*\*@.* did not finish within the time limit and was stopped\.$/,
  );
});

test('pg_dump gets the options of spec §11.4 as separate arguments and the password only in PGPASSWORD', async () => {
  // A stand-in pg_dump in BACKUP_PG_BIN_DIR records what it was given, then prints a dump.
  const bin = await mkdtemp(join(tmpdir(), 'clara-fake-pgbin-'));
  const record = join(bin, 'record.txt');
  await writeFile(
    join(bin, 'pg_dump'),
    `#!/bin/sh\nfor a in "$@"; do printf 'arg:%s\\n' "$a"; done > '${record}'\n` +
      `printf 'env:%s\\n' "$PGPASSWORD" >> '${record}'\necho '-- dump'\n`,
  );
  await chmod(join(bin, 'pg_dump'), 0o755);
  const run = await service({ DATABASE_URL: urlWith(PASSWORD), BACKUP_PG_BIN_DIR: bin }).backupNow();
  expect(run.status).toBe('success');
  expect((await readFile(record, 'utf8')).split('\n')).toEqual([
    'arg:--format=plain',
    'arg:--no-owner',
    'arg:--no-acl',
    `arg:--dbname=postgresql://clara_app@127.0.0.1:${port}/clara_pw`,
    `env:${PASSWORD}`,
    '',
  ]);
});
