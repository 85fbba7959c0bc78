/**
 * PostgreSQL (real pg_dump / psql against the test cluster) backed up to S3 (s3rver, real AWS SDK):
 * both databases, object metadata, list/status, retention in the bucket, partial failure, restore through psql.
 */
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createBackupService, restoreBackup } from '../../src/backup/index.js';
import { type Config, loadConfig } from '../../src/config/index.js';
import { freshPostgresUrl, freshSqliteDir } from '../support/databases.js';
import { type RunningS3, startS3rver } from '../support/s3.js';

const BUCKET = 'clara-backups';
let s3: RunningS3;
let client: S3Client;
let mainUrl: string;
let memUrl: string;
let dataDir: string;
let clock = new Date('2026-11-20T03:00:00Z');
const now = () => clock;

async function query(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

function configWith(env: Record<string, string>): Config {
  return loadConfig({
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: mainUrl,
      MEM0_DATABASE_URL: memUrl,
      S3_ENDPOINT_URL: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      ...env,
    },
    envFile: false,
  });
}

async function objectText(key: string): Promise<string> {
  const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return gunzipSync(
    Buffer.from(
      await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    ),
  ).toString();
}

async function keys(prefix: string): Promise<string[]> {
  const response = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (response.Contents ?? []).map((o) => o.Key as string).sort();
}

beforeAll(async () => {
  // No bucket yet: the service creates it on its first run.
  s3 = await startS3rver();
  client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  });
  dataDir = await freshSqliteDir('clara-backup-pg-');
  mainUrl = await freshPostgresUrl('bkmain');
  memUrl = await freshPostgresUrl('bkmem');
  await query(
    mainUrl,
    "create table probe (id serial primary key, note text); insert into probe (note) values ('alpha'), ('beta')",
  );
  await query(
    memUrl,
    "create table memories (id serial primary key, body text); insert into memories (body) values ('likes tea')",
  );
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

test('both PostgreSQL databases are dumped with pg_dump and uploaded as gzip with metadata', async () => {
  const service = createBackupService({ config: configWith({}), now });
  const run = await service.backupNow();
  expect(run).toEqual({
    status: 'success',
    results: [
      {
        database: 'clara',
        ok: true,
        location: `s3://${BUCKET}/backups/clara/clara_20261120_030000.sql.gz`,
        bytes: expect.any(Number),
      },
      {
        database: 'mem0',
        ok: true,
        location: `s3://${BUCKET}/backups/mem0/mem0_20261120_030000.sql.gz`,
        bytes: expect.any(Number),
      },
    ],
  });
  const head = await client.send(
    new HeadObjectCommand({ Bucket: BUCKET, Key: 'backups/clara/clara_20261120_030000.sql.gz' }),
  );
  expect(head.ContentType).toBe('application/gzip');
  expect(head.ContentLength).toBe(run.results[0]?.bytes);
  expect(head.Metadata).toEqual({ 'backup-timestamp': '2026-11-20T03:00:00.000Z', database: 'clara' });

  const sql = await objectText('backups/clara/clara_20261120_030000.sql.gz');
  expect(sql).toContain('PostgreSQL database dump');
  expect(sql).toContain('CREATE TABLE public.probe');
  expect(sql).toMatch(/COPY public\.probe \(id, note\) FROM stdin;\n1\talpha\n2\tbeta\n/);
  // --no-owner --no-acl
  expect(sql).not.toMatch(/OWNER TO|GRANT /);
  expect(await objectText('backups/mem0/mem0_20261120_030000.sql.gz')).toContain('likes tea');
  service.close();
});

test('list and status read the bucket; both databases are reachable', async () => {
  const service = createBackupService({ config: configWith({}), now });
  expect((await service.list()).map((e) => [e.database, e.name])).toEqual([
    ['clara', 'clara_20261120_030000.sql.gz'],
    ['mem0', 'mem0_20261120_030000.sql.gz'],
  ]);
  expect((await service.list('mem0', 5)).map((e) => e.name)).toEqual(['mem0_20261120_030000.sql.gz']);
  const status = await service.status();
  expect(status).toMatchObject({
    destination: `S3 bucket ${BUCKET} at ${s3.endpoint}`,
    databases: [
      { name: 'clara', configured: true, reachable: true },
      { name: 'mem0', configured: true, reachable: true },
    ],
    retentionDays: 7,
    lastBackup: { name: 'clara_20261120_030000.sql.gz', createdAt: new Date('2026-11-20T03:00:00Z') },
  });
  expect(status.lastError).toBeUndefined();
  service.close();
});

test('retention deletes old backups of the database just backed up, leaving other objects alone', async () => {
  const put = (key: string) =>
    client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: Buffer.from('old'),
        ContentType: 'application/gzip',
      }),
    );
  await put('backups/clara/clara_20261110_030000.sql.gz'); // 10 days before the next run
  await put('backups/clara/clara_20261116_030000.sql.gz'); // 6 days before
  await put('backups/clara/readme.txt');
  await put('backups/mem0/mem0_20261101_030000.sql.gz'); // old, but mem0 is not backed up in this run
  clock = new Date('2026-11-22T03:00:00Z');
  const service = createBackupService({ config: configWith({ BACKUP_RETENTION_DAYS: '7' }), now });
  expect((await service.backupNow(['clara'])).status).toBe('success');
  expect(await keys('backups/')).toEqual([
    'backups/.last_backup',
    'backups/clara/clara_20261116_030000.sql.gz',
    'backups/clara/clara_20261120_030000.sql.gz',
    'backups/clara/clara_20261122_030000.sql.gz',
    'backups/clara/readme.txt',
    'backups/mem0/mem0_20261101_030000.sql.gz',
    'backups/mem0/mem0_20261120_030000.sql.gz',
  ]);
  // The run left the respawn-protection marker in the bucket; a scheduled run an hour later skips.
  clock = new Date('2026-11-22T04:00:00Z');
  expect(await service.backupIfDue()).toEqual({
    status: 'skipped',
    lastRunAt: new Date('2026-11-22T03:00:00Z'),
    protectionHours: 23,
  });
  service.close();
});

test('one of two databases failing makes a partial result that says why', async () => {
  const missing = new URL(memUrl);
  missing.pathname = '/no_such_database_here';
  const service = createBackupService({ config: configWith({ MEM0_DATABASE_URL: missing.toString() }), now });
  clock = new Date('2026-11-22T04:00:00Z');
  const run = await service.backupNow();
  expect(run.status).toBe('partial');
  expect(run.results[0]).toMatchObject({ database: 'clara', ok: true });
  expect(run.results[1]).toEqual({
    database: 'mem0',
    ok: false,
    error: expect.stringMatching(
      /^pg_dump failed for postgresql:\/\/.*no_such_database_here \(exit code 1\): .*does not exist.* Check the database name in MEM0_DATABASE_URL\.$/,
    ),
  });
  const status = await service.status();
  expect(status.databases[1]).toEqual({ name: 'mem0', configured: true, reachable: false });
  expect(status.lastError).toContain('mem0: pg_dump failed');
  service.close();
});

test('an unreachable S3 endpoint fails every database with a message naming the S3 variables, no keys', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const service = createBackupService({
    config: configWith({
      S3_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY: 'AKIA-BACKUP-TEST-KEY',
      S3_SECRET_KEY: 'backup-secret-value-789',
    }),
    now,
  });
  const run = await service.backupNow();
  expect(run.status).toBe('failure');
  expect(run.results.map((r) => r.database)).toEqual(['clara', 'mem0']);
  const error = run.results[0]?.error ?? '';
  expect(error).toMatch(
    /^Could not reach the bucket in S3 bucket clara-backups at http:\/\/127\.0\.0\.1:\d+: /,
  );
  expect(error).toContain('Check S3_ENDPOINT_URL, S3_BUCKET, S3_REGION, S3_ACCESS_KEY and S3_SECRET_KEY');
  expect(JSON.stringify(run)).not.toMatch(/backup-secret-value-789|AKIA-BACKUP-TEST-KEY/);
  service.close();
});

test('a PostgreSQL backup: the steps by default, and with psql into an empty database the same rows', async () => {
  const service = createBackupService({ config: configWith({}), now });
  const name = 'clara_20261122_030000.sql.gz';
  const steps = await restoreBackup(service, { name });
  expect(steps).toContain(`clara backup restore ${name} --download .`);
  expect(steps).toContain(`gunzip -c ${name} | psql --single-transaction -v ON_ERROR_STOP=1 "${mainUrl}"`);

  const target = await freshPostgresUrl('bkrestore');
  await expect(restoreBackup(service, { name, runPsql: true, targetUrl: target })).rejects.toThrow(/--yes/);
  expect(await restoreBackup(service, { name, runPsql: true, yes: true, targetUrl: target })).toBe(
    `Restored ${name} into ${target}.`,
  );
  expect(await query(target, 'select id, note from probe order by id')).toEqual([
    { id: 1, note: 'alpha' },
    { id: 2, note: 'beta' },
  ]);
  // A second time the tables exist: psql stops, the transaction is rolled back, and the message says what to do.
  await expect(restoreBackup(service, { name, runPsql: true, yes: true, targetUrl: target })).rejects.toThrow(
    /psql failed for .*already exists.*restore into an empty database/,
  );
  expect(await query(target, 'select count(*)::int as n from probe')).toEqual([{ n: 2 }]);
  service.close();
});
