/** `clara backup …` through the real CLI: now, list, status, restore, and the errors a person sees. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type CliResult, runClara } from '../support/cli.js';
import { freshPostgresUrl, freshSqliteDir } from '../support/databases.js';
import { type RunningS3, startS3rver } from '../support/s3.js';

let dataDir: string;
let s3: RunningS3;
let sqliteBackup = '';
/** Each CLI call starts Node + tsx (seconds on a busy machine). */
const SLOW = 240_000;

const clara = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runClara(['backup', ...args], { env: { DATA_DIR: dataDir, ...env }, timeoutMs: 60_000 });

beforeAll(async () => {
  dataDir = await freshSqliteDir('clara-backup-cli-');
  s3 = await startS3rver({ buckets: ['clara-backups'] });
  const migrated = await runClara(['db', 'migrate'], { env: { DATA_DIR: dataDir } });
  expect(migrated.code).toBe(0);
}, SLOW);

afterAll(async () => {
  await s3?.close();
}, SLOW);

test(
  'with zero setup: back up the SQLite database to DATA_DIR/backups, list it, show the status',
  async () => {
    const now = await clara(['now']);
    expect(now.stderr).toBe('');
    expect(now.code).toBe(0);
    const folder = join(dataDir, 'backups');
    expect(now.stdout).toMatch(
      new RegExp(
        `^Backup success \\(local folder ${folder}\\)\\n  ✓ clara: ${folder}/clara/clara_\\d{8}_\\d{6}\\.sqlite\\.gz \\(\\d+\\.\\d KB\\)\\n$`,
      ),
    );
    const name = now.stdout.match(/clara_\d{8}_\d{6}\.sqlite\.gz/)?.[0] as string;
    sqliteBackup = name;

    const list = await clara(['list', '--database', 'clara', '--limit', '5']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`Backups in local folder ${folder}:\n  ${name}  clara`);

    const status = await clara(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Destination: local folder ${folder}\nDatabase clara: reachable\n`);
    expect(status.stdout).toContain(
      'Database mem0: not configured (Memories are kept inside the main database',
    );
    expect(status.stdout).toContain(`Retention: 7 days\nLast backup: ${name} (`);

    const json = JSON.parse((await clara(['status', '--json'])).stdout) as { lastBackup: { name: string } };
    expect(json.lastBackup.name).toBe(name);

    const scheduled = await clara(['now', '--if-due']);
    expect(scheduled.code).toBe(0);
    expect(scheduled.stdout).toMatch(
      /^Skipped: the last backup ran at .*, less than 23 hours ago \(RESPAWN_PROTECTION_HOURS\)/,
    );
  },
  SLOW,
);

test(
  'restore asks for --yes, then replaces the database file and keeps the old one',
  async () => {
    const name = sqliteBackup;
    expect(name).not.toBe('');
    const refused = await clara(['restore', name]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Stop Clara, then run the command again with --yes.');
    expect(existsSync(join(dataDir, 'assistant.db.before-restore'))).toBe(false);

    const restored = await clara(['restore', name, '--yes']);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(
      /^Restored clara_\d{8}_\d{6}\.sqlite\.gz to .*assistant\.db \(\d+ tables\)\./,
    );
    expect(existsSync(join(dataDir, 'assistant.db.before-restore'))).toBe(true);

    const bad = await clara(['restore', 'not-a-backup.txt', '--yes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"not-a-backup.txt" is not a backup name');
  },
  SLOW,
);

test(
  'a database that is not set up, and an unknown one, are refused with a reason',
  async () => {
    const mem0 = await clara(['now', '--database', 'mem0']);
    expect(mem0.code).toBe(1);
    expect(mem0.stdout).toContain('Backup failure');
    expect(mem0.stdout).toContain('✗ mem0: Memories are kept inside the main database (assistant.db)');
    const unknown = await clara(['now', '--database', 'other']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("argument 'other' is invalid. Allowed choices are clara, mem0.");
  },
  SLOW,
);

test(
  'pg_dump missing and S3 unreachable are explained, without the secret key',
  async () => {
    const database = await freshPostgresUrl('bkcli');
    const noTool = await clara(['now'], { DATABASE_URL: database, BACKUP_PG_BIN_DIR: '/nonexistent/bin' });
    expect(noTool.code).toBe(1);
    expect(noTool.stdout).toContain('apt-get install postgresql-client');

    const s3Down = await clara(['now'], {
      DATABASE_URL: database,
      S3_ENDPOINT_URL: 'http://127.0.0.1:9',
      S3_ACCESS_KEY: 'AKIA-CLI-TEST',
      S3_SECRET_KEY: 'cli-secret-value-314',
    });
    expect(s3Down.code).toBe(1);
    expect(s3Down.stdout).toContain('S3_ENDPOINT_URL, S3_BUCKET, S3_REGION, S3_ACCESS_KEY and S3_SECRET_KEY');
    expect(s3Down.stdout + s3Down.stderr).not.toContain('cli-secret-value-314');
  },
  SLOW,
);

test(
  'PostgreSQL to S3: backup, list, and the restore steps',
  async () => {
    const database = await freshPostgresUrl('bkclis3');
    const env = {
      DATABASE_URL: database,
      S3_ENDPOINT_URL: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
    };
    const now = await clara(['now'], env);
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(
      /^Backup success \(S3 bucket clara-backups at http:\/\/127\.0\.0\.1:\d+\)\n {2}✓ clara: s3:\/\/clara-backups\/backups\/clara\/clara_\d{8}_\d{6}\.sql\.gz/,
    );
    const name = now.stdout.match(/clara_\d{8}_\d{6}\.sql\.gz/)?.[0] as string;
    expect((await clara(['list', '--json'], env)).stdout).toContain(`"name": "${name}"`);

    const steps = await clara(['restore', name], env);
    expect(steps.code).toBe(0);
    expect(steps.stdout).toContain(
      `gunzip -c ${name} | psql --single-transaction -v ON_ERROR_STOP=1 "${database}"`,
    );

    const download = await clara(['restore', name, '--download', dataDir], env);
    expect(download.code).toBe(0);
    expect(download.stdout).toBe(`Saved ${join(dataDir, name)}\n`);
    expect(existsSync(join(dataDir, name))).toBe(true);
  },
  SLOW,
);
