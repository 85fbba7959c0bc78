/** The backup port (spec §11.4) the `/backup` slash commands and `clara backup` use, and its result types. */

/** The databases Clara backs up: the main database and the memory (mem0) database. */
export const BACKUP_DATABASES = ['clara', 'mem0'] as const;
export type BackupDatabaseName = (typeof BACKUP_DATABASES)[number];

export interface BackupRunResult {
  database: string;
  ok: boolean;
  /** Where the backup went: `s3://bucket/key` or an absolute file path. */
  location?: string;
  /** Compressed size. */
  bytes?: number;
  /** Why it failed (secrets removed). */
  error?: string;
}

export interface BackupRun {
  /** success: all selected databases backed up (at least one); partial: some; failure: none. */
  status: 'success' | 'partial' | 'failure';
  results: BackupRunResult[];
}

export interface BackupEntry {
  database: string;
  /** File name, e.g. `clara_20261124_030000.sql.gz`. */
  name: string;
  bytes: number;
  createdAt: Date;
}

export interface BackupDatabaseStatus {
  name: string;
  configured: boolean;
  reachable: boolean;
}

export interface BackupStatus {
  /** e.g. `S3 bucket clara-backups at https://s3.wasabisys.com` or `local folder /data/backups`. */
  destination: string;
  databases: BackupDatabaseStatus[];
  retentionDays: number;
  lastBackup?: { name: string; bytes: number; createdAt: Date };
  lastError?: string;
}

export interface BackupService {
  backupNow(databases?: string[]): Promise<BackupRun>;
  list(database?: string, limit?: number): Promise<BackupEntry[]>;
  status(): Promise<BackupStatus>;
}

/** A failure with a message a person can act on (never containing a password or key). */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** The slice of a pino logger the backup service uses. */
export type BackupLogFn = (fields: Record<string, unknown>, message: string) => void;
export interface BackupLogger {
  debug: BackupLogFn;
  info: BackupLogFn;
  warn: BackupLogFn;
  error: BackupLogFn;
}
