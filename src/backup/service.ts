/**
 * The backup service (spec §11.4): dump each selected database, gzip it, store it under `backups/<db>/`, then
 * delete that database's backups older than the retention period. Runs one at a time.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMarker, writeMarker } from './marker.js';
import { backupKey, backupName, databasePrefix, parseBackupName } from './names.js';
import { dumpPostgres, type PgToolsOptions, postgresReachable } from './postgres.js';
import { type DatabaseSource, formatOf, isConfigured, notConfiguredReason } from './sources.js';
import { dumpSqlite } from './sqlite.js';
import type { BackupStore } from './store.js';
import {
  BACKUP_DATABASES,
  type BackupDatabaseName,
  type BackupEntry,
  BackupError,
  type BackupLogger,
  type BackupRun,
  type BackupRunResult,
  type BackupService,
  type BackupStatus,
} from './types.js';

export const DEFAULT_DUMP_TIMEOUT_MS = 10 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface BackupServiceOptions {
  store: BackupStore;
  sources: Record<BackupDatabaseName, DatabaseSource>;
  retentionDays: number;
  pgTools?: PgToolsOptions;
  /** Time limit of one pg_dump (default 10 minutes). */
  dumpTimeoutMs?: number;
  /** Where dumps are written before they are stored (default the system temp folder). */
  workDir?: string;
  logger?: BackupLogger;
  now?: () => Date;
  /** `RESPAWN_PROTECTION_HOURS`: `backupIfDue` skips while the last run is younger (default 23). */
  respawnProtectionHours?: number;
  /** `FORCE_BACKUP`: `backupIfDue` always runs. */
  forceBackup?: boolean;
}

/** A scheduled run that did not happen because the last one is recent. */
export interface SkippedBackup {
  status: 'skipped';
  lastRunAt: Date;
  protectionHours: number;
}

const quiet = () => {};
const silent: BackupLogger = { debug: quiet, info: quiet, warn: quiet, error: quiet };

export function isBackupDatabase(name: string): name is BackupDatabaseName {
  return (BACKUP_DATABASES as readonly string[]).includes(name);
}

function unknownDatabase(name: string): string {
  return `Unknown database "${name}": choose ${BACKUP_DATABASES.join(' or ')}.`;
}

export class DatabaseBackupService implements BackupService {
  private readonly logger: BackupLogger;
  private readonly now: () => Date;
  private running: Promise<unknown> = Promise.resolve();
  private lastError: string | undefined;

  constructor(private readonly options: BackupServiceOptions) {
    this.logger = options.logger ?? silent;
    this.now = options.now ?? (() => new Date());
  }

  /** Where backups go, for messages. */
  get destination(): string {
    return this.options.store.describe();
  }

  get store(): BackupStore {
    return this.options.store;
  }

  source(name: BackupDatabaseName): DatabaseSource {
    return this.options.sources[name];
  }

  backupNow(databases?: string[]): Promise<BackupRun> {
    const run = this.running.then(() => this.runBackup(databases));
    this.running = run.catch(() => {});
    return run;
  }

  /**
   * For scheduled runs (cron, a restarted container): backs up unless the last run that backed up at least one
   * database is younger than the respawn protection, or `forceBackup` is set.
   */
  async backupIfDue(): Promise<BackupRun | SkippedBackup> {
    const protectionHours = this.options.respawnProtectionHours ?? 23;
    if (!this.options.forceBackup) {
      let lastRunAt: Date | undefined;
      try {
        lastRunAt = await readMarker(this.options.store);
      } catch (error) {
        this.logger.warn({ err: errorMessage(error) }, 'Could not read the last-backup marker; backing up');
      }
      if (lastRunAt && this.now().getTime() - lastRunAt.getTime() < protectionHours * HOUR_MS) {
        this.logger.info({ lastRunAt: lastRunAt.toISOString() }, 'Backup skipped: the last one is recent');
        return { status: 'skipped', lastRunAt, protectionHours };
      }
    }
    return this.backupNow();
  }

  /** Releases the S3 client's connections. */
  close(): void {
    this.options.store.close();
  }

  async list(database?: string, limit = 10): Promise<BackupEntry[]> {
    if (database !== undefined && !isBackupDatabase(database))
      throw new BackupError(unknownDatabase(database));
    const names = database ? [database] : [...BACKUP_DATABASES];
    const entries: BackupEntry[] = [];
    for (const name of names) {
      for (const object of await this.options.store.list(databasePrefix(name))) {
        const fileName = object.key.slice(databasePrefix(name).length);
        const parsed = parseBackupName(fileName);
        if (!parsed || parsed.database !== name) continue;
        entries.push({ database: name, name: fileName, bytes: object.bytes, createdAt: parsed.createdAt });
      }
    }
    entries.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.name.localeCompare(b.name));
    return entries.slice(0, Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 10);
  }

  async status(): Promise<BackupStatus> {
    const databases = await Promise.all(
      BACKUP_DATABASES.map(async (name) => {
        const source = this.options.sources[name];
        const configured = isConfigured(source);
        return { name, configured, reachable: configured && (await this.reachable(source)) };
      }),
    );
    const status: BackupStatus = {
      destination: this.destination,
      databases,
      retentionDays: this.options.retentionDays,
    };
    try {
      const [newest] = await this.list(undefined, 1);
      if (newest) status.lastBackup = { name: newest.name, bytes: newest.bytes, createdAt: newest.createdAt };
    } catch (error) {
      status.lastError = errorMessage(error);
      return status;
    }
    if (this.lastError) status.lastError = this.lastError;
    return status;
  }

  private async reachable(source: DatabaseSource): Promise<boolean> {
    if (source.kind === 'postgres') return postgresReachable(source.target);
    if (source.kind === 'sqlite') return Boolean(source.connection) || existsSync(source.file);
    return false;
  }

  private async runBackup(requested: string[] | undefined): Promise<BackupRun> {
    const selected =
      requested && requested.length > 0
        ? [...new Set(requested)]
        : BACKUP_DATABASES.filter((name) => isConfigured(this.options.sources[name]));
    const results: BackupRunResult[] = [];
    const todo: BackupDatabaseName[] = [];
    for (const name of selected) {
      if (!isBackupDatabase(name)) results.push({ database: name, ok: false, error: unknownDatabase(name) });
      else if (!isConfigured(this.options.sources[name])) {
        results.push({
          database: name,
          ok: false,
          error: notConfiguredReason(name, this.options.sources[name]),
        });
      } else todo.push(name);
    }
    if (selected.length === 0) {
      results.push({ database: 'clara', ok: false, error: 'No database is configured for backups.' });
    }
    if (todo.length > 0) {
      try {
        await this.options.store.check();
        for (const name of todo) results.push(await this.backupOne(name));
      } catch (error) {
        const message = errorMessage(error);
        for (const name of todo) results.push({ database: name, ok: false, error: message });
      }
    }
    for (const result of results) {
      if (result.ok && isBackupDatabase(result.database)) await this.prune(result.database);
    }
    const okCount = results.filter((r) => r.ok).length;
    if (okCount > 0) {
      await writeMarker(this.options.store, this.now()).catch((error: unknown) => {
        this.logger.warn({ err: errorMessage(error) }, 'Could not write the last-backup marker');
      });
    }
    const status =
      okCount === results.length && okCount > 0 ? 'success' : okCount > 0 ? 'partial' : 'failure';
    const errors = results.filter((r) => !r.ok).map((r) => `${r.database}: ${r.error}`);
    this.lastError = errors.length > 0 ? errors.join(' | ') : undefined;
    this.logger.info({ status, destination: this.destination }, `Backup finished: ${status}`);
    return { status, results };
  }

  private async backupOne(name: BackupDatabaseName): Promise<BackupRunResult> {
    const source = this.options.sources[name];
    const at = this.now();
    const fileName = backupName(name, formatOf(source), at);
    const workDir = await mkdtemp(join(this.options.workDir ?? tmpdir(), 'clara-backup-'));
    try {
      const dumpFile = join(workDir, fileName);
      if (source.kind === 'postgres') {
        await dumpPostgres(source.target, dumpFile, {
          ...this.options.pgTools,
          timeoutMs: this.options.dumpTimeoutMs ?? DEFAULT_DUMP_TIMEOUT_MS,
        });
      } else if (source.kind === 'sqlite') {
        await dumpSqlite({ file: source.file, connection: source.connection, outFile: dumpFile, workDir });
      } else {
        throw new BackupError(source.reason);
      }
      const stored = await this.options.store.put(backupKey(name, fileName), dumpFile, {
        database: name,
        timestamp: at.toISOString(),
      });
      this.logger.info(
        { database: name, location: stored.location, bytes: stored.bytes },
        'Database backed up',
      );
      return { database: name, ok: true, location: stored.location, bytes: stored.bytes };
    } catch (error) {
      const message = errorMessage(error);
      this.logger.warn({ database: name, err: message }, 'Database backup failed');
      return { database: name, ok: false, error: message };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Deletes this database's backups older than the retention period; a failure is logged, never thrown. */
  private async prune(name: BackupDatabaseName): Promise<string[]> {
    const cutoff = this.now().getTime() - this.options.retentionDays * DAY_MS;
    const deleted: string[] = [];
    try {
      for (const object of await this.options.store.list(databasePrefix(name))) {
        const parsed = parseBackupName(object.key.slice(databasePrefix(name).length));
        // Only names this service wrote: other files someone keeps under the prefix are left alone.
        if (!parsed || parsed.database !== name || parsed.createdAt.getTime() >= cutoff) continue;
        await this.options.store.delete(object.key);
        deleted.push(object.key);
      }
      if (deleted.length > 0) {
        this.logger.info({ database: name, deleted }, `Deleted ${deleted.length} backup(s) past retention`);
      }
    } catch (error) {
      this.logger.warn({ database: name, err: errorMessage(error) }, 'Deleting old backups failed');
    }
    return deleted;
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof BackupError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
