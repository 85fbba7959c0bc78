/** Database backups (spec §11.4): pg_dump / SQLite copies, gzip'd, to S3 or a local folder, with retention. */
export {
  backupSources,
  type CreateBackupServiceOptions,
  createBackupService,
  createBackupStore,
} from './from-config.js';
export { LocalBackupStore } from './local-store.js';
export { MARKER_KEY } from './marker.js';
export { BACKUP_PREFIX, backupKey, backupName, parseBackupName } from './names.js';
export { downloadBackup, type RestoreOptions, restoreBackup } from './restore.js';
export { S3BackupStore, type S3BackupStoreOptions } from './s3-store.js';
export {
  type BackupServiceOptions,
  DatabaseBackupService,
  DEFAULT_DUMP_TIMEOUT_MS,
  isBackupDatabase,
  type SkippedBackup,
} from './service.js';
export type { DatabaseSource } from './sources.js';
export type { BackupMetadata, BackupStore, StoredBackupObject } from './store.js';
export {
  BACKUP_DATABASES,
  type BackupDatabaseName,
  type BackupDatabaseStatus,
  type BackupEntry,
  BackupError,
  type BackupLogger,
  type BackupRun,
  type BackupRunResult,
  type BackupService,
  type BackupStatus,
} from './types.js';
