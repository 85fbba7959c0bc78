/**
 * Builds the backup service from the configuration. Destination: `BACKUP_DIR` when set; else S3 when
 * `S3_ACCESS_KEY` and `S3_SECRET_KEY` are set (bucket `S3_BUCKET`, default clara-backups); else `DATA_DIR/backups`.
 */
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { type Config, dataPath, s3Buckets } from '../config/index.js';
import { isPostgresUrl } from '../db/index.js';
import { LocalBackupStore } from './local-store.js';
import { postgresTarget } from './postgres.js';
import { S3BackupStore } from './s3-store.js';
import { DatabaseBackupService } from './service.js';
import type { DatabaseSource } from './sources.js';
import type { BackupStore } from './store.js';
import type { BackupDatabaseName, BackupLogger } from './types.js';

export interface CreateBackupServiceOptions {
  config: Config;
  /** The app's open main database; its SQLite connection is used for the copy instead of opening a second one. */
  db?: { readonly sqlite?: BetterSqlite3.Database } | undefined;
  logger?: BackupLogger;
  now?: () => Date;
  /** Time limit of one pg_dump (default 10 minutes). */
  dumpTimeoutMs?: number;
}

export function createBackupStore(config: Config): BackupStore {
  if (config.BACKUP_DIR) return new LocalBackupStore(dataPath(config, config.BACKUP_DIR));
  if (config.S3_ACCESS_KEY && config.S3_SECRET_KEY) {
    return new S3BackupStore({
      endpoint: config.S3_ENDPOINT_URL,
      bucket: s3Buckets(config).backups,
      accessKey: config.S3_ACCESS_KEY,
      secretKey: config.S3_SECRET_KEY,
      region: config.S3_REGION,
    });
  }
  return new LocalBackupStore(dataPath(config, 'backups'));
}

/** What `clara` and `mem0` are under this configuration. */
export function backupSources(
  config: Config,
  db?: CreateBackupServiceOptions['db'],
): Record<BackupDatabaseName, DatabaseSource> {
  const mainIsPostgres = isPostgresUrl(config.DATABASE_URL);
  const clara: DatabaseSource = mainIsPostgres
    ? { kind: 'postgres', target: postgresTarget(config.DATABASE_URL as string, 'DATABASE_URL') }
    : { kind: 'sqlite', file: join(dataPath(config), 'assistant.db'), connection: db?.sqlite };
  let mem0: DatabaseSource;
  if (config.MEM0_DATABASE_URL) {
    mem0 = { kind: 'postgres', target: postgresTarget(config.MEM0_DATABASE_URL, 'MEM0_DATABASE_URL') };
  } else if (config.QDRANT_URL) {
    mem0 = {
      kind: 'none',
      reason: 'Memories are kept in Qdrant (QDRANT_URL); back them up with Qdrant snapshots.',
    };
  } else if (!mainIsPostgres) {
    mem0 = {
      kind: 'none',
      reason:
        'Memories are kept inside the main database (assistant.db), so the clara backup includes them. ' +
        'Set MEM0_DATABASE_URL for a separate memory database.',
    };
  } else {
    // Main database on PostgreSQL without MEM0_DATABASE_URL: memories live in their own SQLite file.
    mem0 = { kind: 'sqlite', file: join(dataPath(config), 'memory.db'), optional: true };
  }
  return { clara, mem0 };
}

export function createBackupService(options: CreateBackupServiceOptions): DatabaseBackupService {
  const { config } = options;
  return new DatabaseBackupService({
    store: createBackupStore(config),
    sources: backupSources(config, options.db),
    retentionDays: config.BACKUP_RETENTION_DAYS,
    pgTools: { binDir: config.BACKUP_PG_BIN_DIR },
    respawnProtectionHours: config.RESPAWN_PROTECTION_HOURS,
    forceBackup: config.FORCE_BACKUP,
    ...(options.dumpTimeoutMs ? { dumpTimeoutMs: options.dumpTimeoutMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
