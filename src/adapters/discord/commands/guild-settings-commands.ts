/**
 * Server settings in `guild_configs`: `/model` (used by the message pipeline through `guildTierPreference`),
 * `/ors` (stored; proactive messages are not built yet and the answers say so) and `/sandbox` (a server's mode is
 * used for the code it runs; see src/sandbox/select.ts).
 */
import type { GuildConfigRow, Repositories, SandboxMode } from '../../../db/index.js';
import type { Tier } from '../../../domain/index.js';
import { type CommandContext, CommandError } from './context.js';
import { statusEmbed, successEmbed } from './embeds.js';
import type { HandlerTable } from './handler.js';

const TIER_NAMES: readonly Tier[] = ['high', 'mid', 'low'];

/**
 * The tier a server asked for: `'auto'` when `/model auto on`, else its `/model tier`, else undefined (the env
 * defaults MODEL_TIER / AUTO_TIER_SELECTION apply). A `!high`-style prefix in the message still wins.
 */
export async function guildTierPreference(
  repos: Pick<Repositories, 'guildConfigs'>,
  guildId: string,
): Promise<Tier | 'auto' | undefined> {
  const config = await repos.guildConfigs.get(guildId);
  if (!config) return undefined;
  if (config.autoTierEnabled) return 'auto';
  return config.defaultTier ?? undefined;
}

function guildOf(ctx: CommandContext): string {
  if (!ctx.guildId) throw new CommandError('This setting belongs to a server; run the command inside one.');
  return ctx.guildId;
}

async function current(ctx: CommandContext): Promise<GuildConfigRow | undefined> {
  return ctx.guildId ? ctx.deps.repos.guildConfigs.get(ctx.guildId) : undefined;
}

const NOT_BUILT =
  'Proactive messages are not available in this build yet; these settings are stored for when they are.';
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function quietTime(value: string, name: string): string {
  const text = value.trim();
  const match = HHMM.exec(text.length === 4 ? `0${text}` : text);
  if (!match)
    throw new CommandError(
      `${name} "${value}" is not a time: use HH:MM in 24-hour form, e.g. 22:00 or 07:30.`,
    );
  return `${match[1]}:${match[2]}`;
}

/** A server's `/sandbox mode` as shown: local/remote pin a backend; the default auto follows SANDBOX_MODE. */
function serverSetting(config: GuildConfigRow | undefined): string {
  const mode = config?.sandboxMode;
  return mode === 'local' || mode === 'remote' ? `${mode} (this server)` : 'auto (follows SANDBOX_MODE)';
}

export const guildSettingsHandlers: HandlerTable = {
  'model status': {
    level: 'any',
    async run(ctx) {
      const { settings } = ctx.deps;
      const config = await current(ctx);
      const serverTier = config?.defaultTier
        ? config.defaultTier
        : `(env: MODEL_TIER = ${settings.defaultTier ?? 'mid'})`;
      const auto = config?.autoTierEnabled
        ? 'on (this server)'
        : settings.autoTierSelection
          ? 'on (env: AUTO_TIER_SELECTION)'
          : 'off';
      const models = settings.llm.models ?? {};
      const modelLines = TIER_NAMES.filter((t) => models[t]).map((t) => `${t}: \`${models[t]}\``);
      await ctx.send({
        embeds: [
          statusEmbed(
            '🤖 Model',
            [
              {
                name: 'Provider',
                value: `${settings.llm.provider}${settings.llm.ready ? '' : ' (no API key!)'}`,
                inline: true,
              },
              { name: 'Server default tier', value: serverTier, inline: true },
              { name: 'Auto tier', value: auto, inline: true },
              ...(modelLines.length ? [{ name: 'Models', value: modelLines.join('\n') }] : []),
            ],
            { footer: 'Start a message with !high, !mid or !low to choose the tier for that message.' },
          ),
        ],
      });
      return undefined;
    },
  },
  'model tier': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const tier = options.getString('tier', true);
      const value = TIER_NAMES.find((t) => t === tier) ?? null;
      if (!value && tier !== 'default')
        throw new CommandError(`tier "${tier}" must be high, mid, low or default.`);
      await ctx.deps.repos.guildConfigs.update(guildOf(ctx), { defaultTier: value });
      await ctx.send({
        embeds: [
          successEmbed(
            'Default tier set',
            value
              ? `Clara now uses the **${value}** tier in this server (a message starting with !high, !mid or !low still chooses its own).`
              : `This server now follows MODEL_TIER (${ctx.deps.settings.defaultTier ?? 'mid'}).`,
          ),
        ],
      });
      return { target: ctx.guildId, message: `default tier ${value ?? 'default'}` };
    },
  },
  'model auto': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const enabled = options.getString('enabled', true) === 'on';
      await ctx.deps.repos.guildConfigs.update(guildOf(ctx), { autoTierEnabled: enabled });
      await ctx.send({
        embeds: [
          successEmbed(
            `Auto tier ${enabled ? 'on' : 'off'}`,
            enabled
              ? 'Clara picks the tier for each message in this server.'
              : 'Clara uses the server default tier (/model tier) or MODEL_TIER.',
          ),
        ],
      });
      return { target: ctx.guildId, message: `auto tier ${enabled ? 'on' : 'off'}` };
    },
  },
  'ors status': {
    level: 'any',
    async run(ctx) {
      const config = await current(ctx);
      const enabled = config?.orsEnabled
        ? 'on (this server)'
        : ctx.deps.settings.orsEnabled
          ? 'on (env: ORS_ENABLED)'
          : 'off';
      const quiet =
        config?.orsQuietStart && config.orsQuietEnd
          ? `${config.orsQuietStart}–${config.orsQuietEnd}`
          : 'none';
      await ctx.send({
        embeds: [
          statusEmbed(
            '💬 Proactive messages',
            [
              { name: 'Enabled', value: enabled, inline: true },
              {
                name: 'Channel',
                value: config?.orsChannelId ? `<#${config.orsChannelId}>` : 'not set',
                inline: true,
              },
              { name: 'Quiet hours', value: quiet, inline: true },
            ],
            { description: NOT_BUILT },
          ),
        ],
      });
      return undefined;
    },
  },
  'ors enable': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx) {
      await ctx.deps.repos.guildConfigs.update(guildOf(ctx), { orsEnabled: true });
      await ctx.send({ embeds: [successEmbed('Proactive messages enabled for this server', NOT_BUILT)] });
      return { target: ctx.guildId, message: 'ors enabled' };
    },
  },
  'ors disable': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx) {
      await ctx.deps.repos.guildConfigs.update(guildOf(ctx), { orsEnabled: false });
      await ctx.send({ embeds: [successEmbed('Proactive messages disabled for this server')] });
      return { target: ctx.guildId, message: 'ors disabled' };
    },
  },
  'ors channel': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const channel = options.getChannel('channel', true);
      await ctx.deps.repos.guildConfigs.update(guildOf(ctx), { orsChannelId: channel.id });
      await ctx.send({ embeds: [successEmbed('Proactive channel set', `<#${channel.id}>\n${NOT_BUILT}`)] });
      return { target: channel.id, message: 'ors channel set' };
    },
  },
  'ors quiet': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const start = quietTime(options.getString('start', true), 'start');
      const end = quietTime(options.getString('end', true), 'end');
      await ctx.deps.repos.guildConfigs.update(guildOf(ctx), { orsQuietStart: start, orsQuietEnd: end });
      await ctx.send({ embeds: [successEmbed('Quiet hours set', `${start}–${end}\n${NOT_BUILT}`)] });
      return { target: ctx.guildId, message: `quiet ${start}-${end}` };
    },
  },
  'sandbox status': {
    level: 'any',
    async run(ctx) {
      const config = await current(ctx);
      const fields = ctx.guildId
        ? [{ name: 'Server setting', value: serverSetting(config), inline: true }]
        : [];
      const sandbox = ctx.deps.sandbox;
      if (!sandbox) {
        await ctx.send({
          embeds: [
            statusEmbed('📦 Code sandbox', fields, {
              description: 'No code sandbox is configured: Clara cannot run code here.',
            }),
          ],
        });
        return undefined;
      }
      await ctx.defer();
      const status = await sandbox.status(ctx.guildId ?? undefined);
      await ctx.send({
        embeds: [
          statusEmbed('📦 Code sandbox', [
            { name: 'Available', value: status.available ? '✅ yes' : '❌ no', inline: true },
            { name: 'Mode', value: status.mode, inline: true },
            ...fields,
            { name: 'Detail', value: status.detail },
          ]),
        ],
      });
      return undefined;
    },
  },
  'sandbox mode': {
    level: 'admin',
    audited: true,
    guildOnly: true,
    async run(ctx, options) {
      const mode = options.getString('mode', true) as SandboxMode;
      if (!['local', 'remote', 'auto'].includes(mode))
        throw new CommandError(`mode "${mode}" must be local, remote or auto.`);
      const guildId = guildOf(ctx);
      await ctx.defer();
      await ctx.deps.repos.guildConfigs.update(guildId, { sandboxMode: mode });
      const meaning =
        mode === 'auto'
          ? "Code run from this server follows Clara's SANDBOX_MODE."
          : `Code run from this server uses the ${mode === 'local' ? 'local Docker' : 'remote'} sandbox only.`;
      const status = await ctx.deps.sandbox?.status(guildId);
      const now = !status
        ? '\nThis Clara has no code sandbox, so nothing runs yet.'
        : status.available
          ? `\nIn effect now: ${status.mode}.`
          : `\nNot available right now: ${status.detail}`;
      await ctx.send({ embeds: [successEmbed(`Sandbox mode: ${mode}`, `${meaning}${now}`)] });
      return { target: ctx.guildId, message: `sandbox mode ${mode}` };
    },
  },
};
