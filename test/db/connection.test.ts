/** Opening the database: dialect selection, clear password-free errors, surviving a dropped connection. */
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DatabaseConnectionError, openDatabase } from '../../src/db/index.js';
import { clusterUrl, freshPostgresUrl, freshSqliteDir } from '../support/databases.js';
import { freshTarget, recordingLogger } from './targets.js';

const SECRET = 'S3cret-Passw0rd-xyz';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await freshSqliteDir();
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

async function openError(options: Parameters<typeof openDatabase>[0]): Promise<Error> {
  try {
    const db = await openDatabase(options);
    await db.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected openDatabase to fail');
}

describe('selecting the dialect', () => {
  it('uses SQLite in dataDir without a URL or with a non-PostgreSQL URL', async () => {
    const dataDir = await tempDir();
    const logger = recordingLogger();
    const db = await openDatabase({ dataDir, url: 'sqlite:///ignored.db', logger });
    try {
      expect(db.dialect).toBe('sqlite');
      await db.migrate();
      await db.ping();
      expect(logger.calls.map((c) => c.message)).toContain(
        'DATABASE_URL is not a PostgreSQL URL; using SQLite in DATA_DIR',
      );
    } finally {
      await db.close();
    }
  });

  it('creates a missing data directory for the SQLite file', async () => {
    const dataDir = join(await tempDir(), 'nested', 'data');
    const db = await openDatabase({ dataDir });
    await db.close();
    await db.close(); // closing twice is harmless
  });

  it('accepts postgres:// as well as postgresql://', async () => {
    const url = (await freshPostgresUrl()).replace(/^postgresql:/, 'postgres:');
    const db = await openDatabase({ url, dataDir: await tempDir() });
    try {
      expect(db.dialect).toBe('postgres');
      await db.ping();
    } finally {
      await db.close();
    }
  });
});

describe('errors when the database cannot be opened', () => {
  it('names the unreachable PostgreSQL URL with the password masked, and says what to check', async () => {
    const port = await closedPort();
    const error = await openError({
      url: `postgres://clara:${SECRET}@127.0.0.1:${port}/clara`,
      dataDir: '.',
    });
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.message).toContain(`postgresql://clara:****@127.0.0.1:${port}/clara`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('Is the PostgreSQL server running');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(SECRET);
  });

  it('names a database that does not exist', async () => {
    const url = new URL(clusterUrl());
    url.username = 'postgres';
    url.password = SECRET;
    url.pathname = '/no_such_database';
    const error = await openError({ url: url.toString(), dataDir: '.' });
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.message).toContain('database "no_such_database" does not exist');
    expect(error.message).toContain(`postgresql://postgres:****@127.0.0.1:${url.port}/no_such_database`);
    expect(error.message).not.toContain(SECRET);
  });

  it('names a malformed URL without its password', async () => {
    const error = await openError({ url: `postgresql://clara:${SECRET}@bad host:x/db`, dataDir: '.' });
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.message).toContain('postgresql://clara:****@');
    expect(error.message).not.toContain(SECRET);
  });

  it('names the SQLite data directory that cannot be created', async () => {
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, 'not a directory');
    const dataDir = join(file, 'data');
    const error = await openError({ dataDir });
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.message).toContain(`Cannot create the data directory ${dataDir}`);
    expect(error.message).toContain('DATA_DIR');
  });

  it('names the SQLite file that is not a database', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, 'assistant.db'), 'this is not a sqlite file, just some text '.repeat(50));
    const error = await openError({ dataDir });
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.message).toContain(join(dataDir, 'assistant.db'));
  });
});

describe('a dropped PostgreSQL connection', () => {
  it('is logged, does not crash the process, and the next query works', async () => {
    const target = await freshTarget('postgres');
    const logger = recordingLogger();
    const db = await openDatabase({ ...target.options, logger });
    try {
      await db.migrate();
      await db.ping(); // leaves an idle client in the pool

      const admin = new pg.Client({ connectionString: clusterUrl() });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          'select pg_terminate_backend(pid) as done from pg_stat_activity where datname = $1',
          [new URL(target.options.url ?? '').pathname.slice(1)],
        );
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((row) => row.done === true)).toBe(true);
      } finally {
        await admin.end();
      }

      await vi.waitFor(() => expect(logger.calls.some((c) => c.level === 'warn')).toBe(true), {
        timeout: 5000,
      });
      expect(logger.calls.find((c) => c.level === 'warn')?.message).toContain('PostgreSQL connection lost');

      await db.ping();
      const project = await db.repos.projects.ensure('discord-1', 'Default Project');
      expect(project.ownerId).toBe('discord-1');
    } finally {
      await db.close();
      await target.cleanup();
    }
  });
});
