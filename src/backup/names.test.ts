import { expect, test } from 'vitest';
import { backupKey, backupName, parseBackupName } from './names.js';

test('names carry the database, the UTC time and the format, and parse back', () => {
  const at = new Date('2026-01-02T03:04:05.678Z');
  expect(backupName('clara', 'sql', at)).toBe('clara_20260102_030405.sql.gz');
  expect(backupName('mem0', 'sqlite', at)).toBe('mem0_20260102_030405.sqlite.gz');
  expect(backupKey('mem0', 'mem0_20260102_030405.sql.gz')).toBe('backups/mem0/mem0_20260102_030405.sql.gz');
  expect(parseBackupName('clara_20260102_030405.sql.gz')).toEqual({
    database: 'clara',
    createdAt: new Date('2026-01-02T03:04:05Z'),
    format: 'sql',
  });
});

test('anything else is not a backup name', () => {
  for (const name of [
    'clara_20260230_000000.sql.gz', // 30 February
    'clara_20260102_250000.sql.gz',
    'other_20260102_030405.sql.gz',
    'clara_20260102_030405.sql',
    'clara_20260102_030405.sql.gz.partial',
    '../clara_20260102_030405.sql.gz',
    'readme.txt',
  ]) {
    expect(parseBackupName(name), name).toBeUndefined();
  }
});
