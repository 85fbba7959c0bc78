/**
 * Embedded SQLite main database + local backup folder (the zero-setup laptop case): backup → list → status →
 * retention → restore, through the app's own database layer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createBackupService, restoreBackup } from '../../src/backup/index.js';
import { type Config, loadConfig } from '../../src/config/index.js';
import { type MainDatabase, openDatabase } from '../../src/db/index.js';
import { freshSqliteDir } from '../support/databases.js';

const DAY = 24 * 60 * 60 * 1000;
let dir: string;
let config: Config;
let db: MainDatabase | undefined;
let clock = new Date('2026-11-01T03:00:00Z');
const now = () => clock;

function rows(sqlite: BetterSqlite3.Database): string[] {
  return (sqlite.prepare('select note from backup_probe order by id').all() as Array<{ note: string }>).map(
    (r) => r.note,
  );
}

beforeAll(async () => {
  dir = await freshSqliteDir('clara-backup-sqlite-');
  config = loadConfig({ env: { DATA_DIR: dir }, envFile: false });
  db = await openDatabase({ dataDir: dir });
  await db.migrate();
  db.sqlite?.exec('create table backup_probe (id integer primary key, note text not null)');
  const insert = db.sqlite?.prepare('insert into backup_probe (note) values (?)');
  for (const note of ['first', 'second', 'third']) insert?.run(note);
});

afterAll(async () => {
  await db?.close();
});

test('a backup of the open SQLite database lands in DATA_DIR/backups/clara as a gzip SQLite copy', async () => {
  const service = createBackupService({ config, db, now });
  const run = await service.backupNow();
  expect(run).toEqual({
    status: 'success',
    results: [
      {
        database: 'clara',
        ok: true,
        location: join(dir, 'backups', 'clara', 'clara_20261101_030000.sqlite.gz'),
        bytes: expect.any(Number),
      },
    ],
  });
  const file = run.results[0]?.location as string;
  expect(readFileSync(file).length).toBe(run.results[0]?.bytes);
  const copy = join(dir, 'copy-check.db');
  await writeFile(copy, gunzipSync(readFileSync(file)));
  const check = new BetterSqlite3(copy, { readonly: true });
  expect(rows(check)).toEqual(['first', 'second', 'third']);
  check.close();
  // Nothing left behind in the backup folder but the backup.
  expect(await readdir(join(dir, 'backups', 'clara'))).toEqual(['clara_20261101_030000.sqlite.gz']);
});

test('list and status describe the local destination, the databases and the newest backup', async () => {
  const service = createBackupService({ config, db, now });
  const list = await service.list();
  expect(list).toEqual([
    {
      database: 'clara',
      name: 'clara_20261101_030000.sqlite.gz',
      bytes: expect.any(Number),
      createdAt: new Date('2026-11-01T03:00:00Z'),
    },
  ]);
  expect(await service.list('mem0')).toEqual([]);
  await expect(service.list('nope')).rejects.toThrow('Unknown database "nope": choose clara or mem0.');

  const status = await service.status();
  expect(status).toEqual({
    destination: `local folder ${join(dir, 'backups')}`,
    databases: [
      { name: 'clara', configured: true, reachable: true },
      { name: 'mem0', configured: false, reachable: false },
    ],
    retentionDays: 7,
    lastBackup: {
      name: 'clara_20261101_030000.sqlite.gz',
      bytes: list[0]?.bytes,
      createdAt: list[0]?.createdAt,
    },
  });
});

test('asking for a database that is not set up fails with the reason, and unknown names are refused', async () => {
  const service = createBackupService({ config, db, now });
  const run = await service.backupNow(['mem0', 'nope']);
  expect(run.status).toBe('failure');
  expect(run.results).toEqual([
    {
      database: 'mem0',
      ok: false,
      error: expect.stringContaining('the clara backup includes them'),
    },
    { database: 'nope', ok: false, error: 'Unknown database "nope": choose clara or mem0.' },
  ]);
  expect((await service.status()).lastError).toContain('mem0: Memories are kept inside the main database');
});

test('retention deletes backups older than BACKUP_RETENTION_DAYS after a successful run, and nothing else', async () => {
  const service = createBackupService({ config, db, now });
  const folder = join(dir, 'backups', 'clara');
  await writeFile(join(folder, 'my-notes.txt'), 'kept: not a backup name');
  clock = new Date(clock.getTime() + 3 * DAY); // 2026-11-04
  expect((await service.backupNow(['clara'])).status).toBe('success');
  expect((await readdir(folder)).sort()).toEqual([
    'clara_20261101_030000.sqlite.gz',
    'clara_20261104_030000.sqlite.gz',
    'my-notes.txt',
  ]);
  clock = new Date(clock.getTime() + 6 * DAY); // 2026-11-10: the first is 9 days old, the second 6
  expect((await service.backupNow()).status).toBe('success');
  expect((await readdir(folder)).sort()).toEqual([
    'clara_20261104_030000.sqlite.gz',
    'clara_20261110_030000.sqlite.gz',
    'my-notes.txt',
  ]);
  expect((await service.list(undefined, 1)).map((e) => e.name)).toEqual(['clara_20261110_030000.sqlite.gz']);
});

test('restore refuses without --yes and while the database is open, then brings back the same rows', async () => {
  const live = db as MainDatabase;
  // Rows change after the newest backup.
  live.sqlite?.exec(
    "delete from backup_probe where note = 'second'; insert into backup_probe (note) values ('later')",
  );
  expect(rows(live.sqlite as BetterSqlite3.Database)).toEqual(['first', 'third', 'later']);

  // The CLI's service has no connection of its own; the app's connection is still open.
  const cli = createBackupService({ config, now });
  const name = 'clara_20261110_030000.sqlite.gz';
  await expect(restoreBackup(cli, { name })).rejects.toThrow(/run the command again with --yes/);
  await expect(restoreBackup(cli, { name, yes: true })).rejects.toThrow(
    /open in another program \(is Clara running\?\)/,
  );
  await expect(restoreBackup(cli, { name: 'clara_20200101_000000.sqlite.gz', yes: true })).rejects.toThrow(
    /There is no backup clara_20200101_000000\.sqlite\.gz in local folder/,
  );

  await live.close();
  db = undefined;
  const message = await restoreBackup(cli, { name, yes: true, now: clock });
  const target = join(dir, 'assistant.db');
  expect(message).toBe(
    `Restored ${name} to ${target} (${message.match(/\((\d+) tables\)/)?.[1]} tables). ` +
      `The previous database is kept as ${target}.before-restore.`,
  );

  db = await openDatabase({ dataDir: dir });
  expect(rows(db.sqlite as BetterSqlite3.Database)).toEqual(['first', 'second', 'third']);
  // The app's own tables came back too (the migrations see nothing to do).
  expect(await db.migrate()).toEqual([]);
  const before = new BetterSqlite3(`${target}.before-restore`, { readonly: true });
  expect(rows(before)).toEqual(['first', 'third', 'later']);
  before.close();
  expect(existsSync(`${target}.restoring`)).toBe(false);
});

test('scheduled runs skip while the last backup is younger than RESPAWN_PROTECTION_HOURS, unless forced', async () => {
  // The last successful run (above) wrote the marker at 2026-11-10 03:00.
  const marker = JSON.parse(readFileSync(join(dir, 'backups', '.last_backup'), 'utf8')) as {
    timestamp: string;
  };
  expect(marker).toEqual({ timestamp: '2026-11-10T03:00:00.000Z' });
  clock = new Date('2026-11-11T01:00:00Z'); // 22 hours later
  const scheduled = (env: Record<string, string> = {}) =>
    createBackupService({ config: loadConfig({ env: { DATA_DIR: dir, ...env }, envFile: false }), now });
  expect(await scheduled().backupIfDue()).toEqual({
    status: 'skipped',
    lastRunAt: new Date('2026-11-10T03:00:00Z'),
    protectionHours: 23,
  });
  const forced = await scheduled({ FORCE_BACKUP: 'true' }).backupIfDue();
  expect(forced.status).toBe('success');
  expect(JSON.parse(readFileSync(join(dir, 'backups', '.last_backup'), 'utf8'))).toEqual({
    timestamp: '2026-11-11T01:00:00.000Z',
  });
  clock = new Date('2026-11-11T02:00:00Z'); // 1 hour after the forced run, with a 0.5-hour protection
  expect((await scheduled({ RESPAWN_PROTECTION_HOURS: '0.5' }).backupIfDue()).status).toBe('success');
  // A marker that is not JSON is ignored (the run goes ahead).
  await writeFile(join(dir, 'backups', '.last_backup'), 'garbage');
  clock = new Date('2026-11-11T02:10:00Z');
  expect((await scheduled().backupIfDue()).status).toBe('success');
});
