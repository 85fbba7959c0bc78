/** `clara backup …`: back up the databases now, list backups, show the status, restore one. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  BACKUP_DATABASES,
  BackupError,
  type BackupRun,
  createBackupService,
  type DatabaseBackupService,
  downloadBackup,
  isBackupDatabase,
  restoreBackup,
} from '../backup/index.js';
import type { Config } from '../config/index.js';
import { formatSize } from '../storage/index.js';
import { CliExit } from './load.js';
import type { WithConfig } from './memory.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return n;
}

const databaseOption = () =>
  new Option('--database <name>', 'only this database').choices([...BACKUP_DATABASES]);

const print = (text: string) => process.stdout.write(`${text}\n`);

/** Runs an action with a backup service; backup errors become a message and exit code 1. */
async function withService(config: Config, action: (service: DatabaseBackupService) => Promise<number>) {
  const service = createBackupService({ config });
  try {
    return await action(service);
  } catch (error) {
    if (error instanceof BackupError) throw new CliExit(1, error.message);
    throw error;
  } finally {
    service.close();
  }
}

function printRun(run: BackupRun, destination: string): void {
  print(`Backup ${run.status} (${destination})`);
  for (const result of run.results) {
    if (result.ok) print(`  ✓ ${result.database}: ${result.location} (${formatSize(result.bytes ?? 0)})`);
    else print(`  ✗ ${result.database}: ${result.error}`);
  }
}

export function registerBackupCommands(program: Command, withConfig: WithConfig): void {
  const backup = program
    .command('backup')
    .description('database backups: back up now, list, status, restore (S3 or a local folder)');

  backup
    .command('now')
    .description('back up the databases now (clara, and mem0 when it is a separate database)')
    .addOption(databaseOption())
    .option(
      '--if-due',
      'for schedules: skip when the last backup is younger than RESPAWN_PROTECTION_HOURS (unless FORCE_BACKUP=true)',
    )
    .option('--json', 'print JSON')
    .action(
      withConfig((config, options: { database?: string; ifDue?: boolean; json?: boolean }) =>
        withService(config, async (service) => {
          if (options.ifDue && options.database) {
            throw new CliExit(2, '--if-due backs up every database; leave out --database.');
          }
          const run = options.ifDue
            ? await service.backupIfDue()
            : await service.backupNow(options.database ? [options.database] : undefined);
          if (run.status === 'skipped') {
            if (options.json) print(JSON.stringify(run, null, 2));
            else {
              print(
                `Skipped: the last backup ran at ${run.lastRunAt.toISOString()}, less than ` +
                  `${run.protectionHours} hours ago (RESPAWN_PROTECTION_HOURS). Set FORCE_BACKUP=true to back up anyway.`,
              );
            }
            return 0;
          }
          if (options.json) print(JSON.stringify(run, null, 2));
          else printRun(run, service.destination);
          return run.status === 'success' ? 0 : 1;
        }),
      ),
    );

  backup
    .command('list')
    .description('the newest backups')
    .addOption(databaseOption())
    .option('--limit <n>', 'how many', positive, 10)
    .option('--json', 'print JSON')
    .action(
      withConfig((config, options: { database?: string; limit: number; json?: boolean }) =>
        withService(config, async (service) => {
          const entries = await service.list(options.database, options.limit);
          if (options.json) {
            print(JSON.stringify(entries, null, 2));
            return 0;
          }
          if (entries.length === 0) {
            print(`No backups yet in ${service.destination}. Make one with: clara backup now`);
            return 0;
          }
          print(`Backups in ${service.destination}:`);
          for (const entry of entries) {
            print(
              `  ${entry.name}  ${entry.database.padEnd(5)}  ${formatSize(entry.bytes).padStart(9)}  ${entry.createdAt.toISOString()}`,
            );
          }
          return 0;
        }),
      ),
    );

  backup
    .command('status')
    .description('where backups go, which databases are configured and reachable, the newest backup')
    .option('--json', 'print JSON')
    .action(
      withConfig((config, options: { json?: boolean }) =>
        withService(config, async (service) => {
          const status = await service.status();
          if (options.json) {
            print(JSON.stringify(status, null, 2));
            return 0;
          }
          print(`Destination: ${status.destination}`);
          for (const db of status.databases) {
            const source = isBackupDatabase(db.name) ? service.source(db.name) : undefined;
            const why = source?.kind === 'none' ? ` (${source.reason})` : '';
            const state = !db.configured
              ? `not configured${why}`
              : db.reachable
                ? 'reachable'
                : 'NOT reachable';
            print(`Database ${db.name}: ${state}`);
          }
          print(`Retention: ${status.retentionDays} days`);
          print(
            status.lastBackup
              ? `Last backup: ${status.lastBackup.name} (${formatSize(status.lastBackup.bytes)}, ${status.lastBackup.createdAt.toISOString()})`
              : 'Last backup: none yet',
          );
          if (status.lastError) print(`Last error: ${status.lastError}`);
          return 0;
        }),
      ),
    );

  backup
    .command('restore')
    .description(
      'restore a backup: SQLite backups replace the database file (stop Clara first); PostgreSQL backups print the psql steps, or run psql with --psql',
    )
    .argument('<name>', 'backup name as clara backup list shows it')
    .option('-y, --yes', 'really replace the database file / run psql')
    .option('--psql', 'PostgreSQL: run psql to restore (into an empty database)')
    .option('--target-url <url>', 'PostgreSQL: restore into this database instead of the configured one')
    .option('--to <file>', 'SQLite: restore to this file instead of the configured database file')
    .option('--download <dir>', 'only copy the backup file into this folder')
    .action(
      withConfig(
        (
          config,
          name: string,
          options: { yes?: boolean; psql?: boolean; targetUrl?: string; to?: string; download?: string },
        ) =>
          withService(config, async (service) => {
            if (options.download) {
              print(`Saved ${await downloadBackup(service, name, options.download)}`);
              return 0;
            }
            print(
              await restoreBackup(service, {
                name,
                yes: options.yes === true,
                runPsql: options.psql === true,
                targetUrl: options.targetUrl,
                toFile: options.to,
                pgTools: { binDir: config.BACKUP_PG_BIN_DIR },
              }),
            );
            return 0;
          }),
      ),
    );
}
