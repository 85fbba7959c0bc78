import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../schema.js';
import type { DatabaseDialect } from '../types.js';

/** What every repository is built from. */
export interface RepositoryContext {
  db: Kysely<DatabaseSchema>;
  dialect: DatabaseDialect;
}
