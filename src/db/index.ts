/** The main database: open (SQLite or PostgreSQL), migrate, and the repositories the rest of Clara uses. */
export { fromDbTime, fromDbTimeOrNull, toDbTime } from './codec.js';
export { DatabaseConnectionError, DuplicateMessageError } from './errors.js';
export type { DbLogger } from './logger.js';
export { isPostgresUrl, type MainDatabase, type OpenDatabaseOptions, openDatabase } from './open.js';
export { LOG_LEVELS } from './repositories/index.js';
export type * from './schema.js';
export type * from './types.js';
