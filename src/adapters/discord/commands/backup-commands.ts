/** `/backup` now, status, list (Administrator) over the backup port; absent port = a clear "not set up". */

import { type CommandContext, CommandError } from './context.js';
import type { BackupCommandsPort } from './deps.js';
import { COLORS, errorEmbed, listEmbed, statusEmbed, successEmbed, warningEmbed } from './embeds.js';
import type { HandlerTable } from './handler.js';

const NOT_CONFIGURED =
  'Backups are not set up in this Clara process. Set BACKUP_DIR (a local folder) or the S3 keys ' +
  '(S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET) and restart Clara; `clara backup now` runs one from the command line.';

function portOf(ctx: CommandContext): BackupCommandsPort {
  if (!ctx.deps.backup) throw new CommandError(NOT_CONFIGURED, 'Backups are not configured');
  return ctx.deps.backup;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

const when = (date: Date) =>
  `<t:${Math.floor(date.getTime() / 1000)}:f> (${date.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;

export const backupHandlers: HandlerTable = {
  'backup now': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const port = portOf(ctx);
      const database = options.getString('database');
      await ctx.defer(true);
      const outcome = await port.backupNow(database ? [database] : undefined);
      const lines = outcome.results.map((r) =>
        r.ok
          ? `✅ **${r.database}** → ${r.location ?? 'stored'}${r.bytes !== undefined ? ` (${formatBytes(r.bytes)})` : ''}`
          : `❌ **${r.database}**: ${r.error ?? 'failed'}`,
      );
      const embed =
        outcome.status === 'success'
          ? successEmbed('Backup finished', lines.join('\n'))
          : outcome.status === 'partial'
            ? warningEmbed('Backup partly failed', lines.join('\n'))
            : errorEmbed('Backup failed', lines.join('\n') || 'No database was backed up.');
      await ctx.send({ embeds: [embed] });
      const failed = outcome.results.filter((r) => !r.ok).map((r) => `${r.database}: ${r.error ?? 'failed'}`);
      return {
        target: database ?? 'all',
        result: outcome.status === 'success' ? 'ok' : 'error',
        message: `${outcome.status}${failed.length ? ` (${failed.join('; ')})` : ''}`,
      };
    },
  },
  'backup status': {
    level: 'admin',
    guildOnly: true,
    async run(ctx) {
      const port = portOf(ctx);
      await ctx.defer(true);
      const status = await port.status();
      const databases = status.databases.map(
        (d) =>
          `${d.reachable ? '✅ connected' : d.configured ? '⚫ configured' : '❌ not configured'} — ${d.name}`,
      );
      await ctx.send({
        embeds: [
          statusEmbed(
            '💾 Backups',
            [
              { name: 'Destination', value: status.destination },
              { name: 'Databases', value: databases.join('\n') || 'none' },
              { name: 'Retention', value: `${status.retentionDays} days`, inline: true },
              {
                name: 'Last backup',
                value: status.lastBackup
                  ? `${status.lastBackup.name} (${formatBytes(status.lastBackup.bytes)}), ${when(status.lastBackup.createdAt)}`
                  : 'none yet',
              },
              ...(status.lastError ? [{ name: 'Last error', value: status.lastError }] : []),
            ],
            { color: status.lastError ? COLORS.warning : COLORS.info },
          ),
        ],
      });
      return undefined;
    },
  },
  'backup list': {
    level: 'admin',
    guildOnly: true,
    async run(ctx, options) {
      const port = portOf(ctx);
      const database = options.getString('database') ?? undefined;
      const limit = options.getInteger('limit') ?? 10;
      await ctx.defer(true);
      const backups = await port.list(database, Math.max(1, Math.min(50, limit)));
      await ctx.send({
        embeds: [
          listEmbed(
            `💾 Backups${database ? ` of ${database}` : ''}`,
            backups.map(
              (b) => `\`${b.name}\` — ${b.database}, ${formatBytes(b.bytes)}, ${when(b.createdAt)}`,
            ),
            { empty: 'No backups yet. Run `/backup now`.' },
          ),
        ],
      });
      return undefined;
    },
  },
};
