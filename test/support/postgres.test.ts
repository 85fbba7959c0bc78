import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './postgres.js';

describe('startPostgres', () => {
  it('fails with the install command when the server binaries are missing', async () => {
    await expect(startPostgres({ binDir: '/nonexistent/postgresql/15/bin' })).rejects.toThrow(
      'PostgreSQL 15 server binary /nonexistent/postgresql/15/bin/initdb not found: the database tests need a ' +
        'real PostgreSQL 15 server. Install it with: apt-get install -y postgresql-15',
    );
  });

  it('starts a private cluster that accepts connections, creates databases, and stops', async () => {
    const cluster = await startPostgres();
    try {
      expect(cluster.url).toBe(`postgresql://postgres@127.0.0.1:${cluster.port}/postgres`);
      const url = await cluster.createDatabase('launcher_check');
      expect(url).toBe(`postgresql://postgres@127.0.0.1:${cluster.port}/launcher_check`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ db: string; fsync: string }>(
        "select current_database() as db, current_setting('fsync') as fsync",
      );
      await client.end();
      expect(rows).toEqual([{ db: 'launcher_check', fsync: 'off' }]);
    } finally {
      await cluster.stop();
    }
    const late = new pg.Client({ connectionString: cluster.url });
    await expect(late.connect()).rejects.toThrow(/ECONNREFUSED/);
  });
});
