/** Where backups are kept: an S3-compatible bucket or a local folder. Keys look like `backups/<db>/<name>`. */

export interface StoredBackupObject {
  key: string;
  bytes: number;
  /** When the store says the object was written (S3 LastModified, file mtime). */
  modified: Date;
}

export interface BackupMetadata {
  database: string;
  /** ISO 8601 time of the backup. */
  timestamp: string;
}

export interface BackupStore {
  readonly kind: 's3' | 'local';
  /** e.g. `S3 bucket clara-backups at https://s3.wasabisys.com` or `local folder /data/backups`. */
  describe(): string;
  /** Checks the destination is usable (S3: head-bucket, created when missing; local: the folder is writable). */
  check(): Promise<void>;
  /** Stores the file at `key`; returns where it went and its size. */
  put(key: string, file: string, metadata: BackupMetadata): Promise<{ location: string; bytes: number }>;
  /** Objects under `prefix` (e.g. `backups/clara/`), in no particular order. */
  list(prefix: string): Promise<StoredBackupObject[]>;
  delete(key: string): Promise<void>;
  /** Copies the object to a local file. */
  download(key: string, file: string): Promise<void>;
  /** A small text object (the respawn-protection marker); undefined when there is none. */
  readText(key: string): Promise<string | undefined>;
  writeText(key: string, text: string): Promise<void>;
  /** Where a person finds the object (`s3://bucket/key` or a file path). */
  locate(key: string): string;
  close(): void;
}
