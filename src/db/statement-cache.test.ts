import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

describe('withStatementCache', () => {
  it('reuses prepared statements by SQL text and evicts the least recently used', () => {
    const db = new BetterSqlite3(':memory:');
    const cached = withStatementCache(db, 2);
    const a = cached.prepare('select 1 as v');
    expect(cached.prepare('select 1 as v')).toBe(a);
    expect(a.all([])).toEqual([{ v: 1 }]);
    const b = cached.prepare('select 2 as v');
    cached.prepare('select 1 as v'); // a is now the most recent
    cached.prepare('select 3 as v'); // evicts b
    expect(cached.prepare('select 1 as v')).toBe(a);
    expect(cached.prepare('select 2 as v')).not.toBe(b);
    cached.close();
    expect(db.open).toBe(false);
  });

  it('keeps working after a schema change (SQLite re-prepares internally)', () => {
    const db = new BetterSqlite3(':memory:');
    const cached = withStatementCache(db);
    db.exec('create table t (x integer)');
    const insert = cached.prepare('insert into t (x) values (?)');
    insert.run([1]);
    db.exec('alter table t add column y text');
    cached.prepare('insert into t (x) values (?)').run([2]);
    expect(cached.prepare('select x from t order by x').all([])).toEqual([{ x: 1 }, { x: 2 }]);
    cached.close();
  });
});
