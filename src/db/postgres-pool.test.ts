import { describe, expect, it } from 'vitest';
import { normalisePostgresUrl } from './postgres-pool.js';

describe('normalisePostgresUrl', () => {
  it('rewrites postgres:// and SQLAlchemy driver URLs to postgresql://', () => {
    expect(normalisePostgresUrl('postgres://u:p@h:5432/db')).toBe('postgresql://u:p@h:5432/db');
    expect(normalisePostgresUrl('postgresql://u@h/db')).toBe('postgresql://u@h/db');
    expect(normalisePostgresUrl('postgresql+psycopg2://u@h/db')).toBe('postgresql://u@h/db');
    expect(normalisePostgresUrl('postgres+asyncpg://u@h/db?sslmode=require')).toBe(
      'postgresql://u@h/db?sslmode=require',
    );
  });
});
