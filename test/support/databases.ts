/** Fresh databases for test files: a new PostgreSQL database on the run's shared cluster, or a temp dir for SQLite. */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The shared cluster's superuser URL (started by `global-setup.ts`). */
export function clusterUrl(): string {
  const url = inject('postgresUrl');
  if (!url) {
    throw new Error(
      "No PostgreSQL test cluster: add globalSetup: ['test/support/global-setup.ts'] to vitest.config.ts",
    );
  }
  return url;
}

/** Creates a uniquely named database on the shared cluster and returns its URL. */
export async function freshPostgresUrl(prefix = 't'): Promise<string> {
  const base = new URL(clusterUrl());
  const name = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    await client.query(`create database ${quoteIdent(name)}`);
  } finally {
    await client.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

/** A new empty temp directory (e.g. a DATA_DIR for the SQLite database). */
export async function freshSqliteDir(prefix = 'clara-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
