/** Embeds of the slash commands (spec §1.17): the palette and the status, list, help, success and error helpers. */
import { EmbedBuilder } from 'discord.js';

export const COLORS = {
  primary: 0x5865f2,
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
} as const;

/** Discord's limits (embed description 4096, field value 1024, 25 fields). */
const DESCRIPTION_MAX = 4_000;
const FIELD_VALUE_MAX = 1_024;
const FIELD_NAME_MAX = 256;
const TITLE_MAX = 256;
const MAX_FIELDS = 25;
export const LIST_MAX_ITEMS = 25;

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

function base(title: string, color: number, description?: string): EmbedBuilder {
  const embed = new EmbedBuilder().setTitle(clip(title, TITLE_MAX)).setColor(color);
  if (description) embed.setDescription(clip(description, DESCRIPTION_MAX));
  return embed;
}

function withFields(embed: EmbedBuilder, fields: readonly EmbedField[]): EmbedBuilder {
  const shown = fields.slice(0, MAX_FIELDS).map((f) => ({
    name: clip(f.name || '\u200b', FIELD_NAME_MAX),
    value: clip(f.value || '—', FIELD_VALUE_MAX),
    inline: f.inline ?? false,
  }));
  return shown.length ? embed.addFields(shown) : embed;
}

export const infoEmbed = (title: string, description?: string): EmbedBuilder =>
  base(title, COLORS.info, description);

export const successEmbed = (title: string, description?: string): EmbedBuilder =>
  base(`✅ ${title}`, COLORS.success, description);

export const warningEmbed = (title: string, description?: string): EmbedBuilder =>
  base(`⚠️ ${title}`, COLORS.warning, description);

export const errorEmbed = (title: string, description?: string): EmbedBuilder =>
  base(`❌ ${title}`, COLORS.error, description);

/** Title plus name/value fields. */
export function statusEmbed(
  title: string,
  fields: readonly EmbedField[],
  options: { description?: string; color?: number; footer?: string } = {},
): EmbedBuilder {
  const embed = withFields(base(title, options.color ?? COLORS.info, options.description), fields);
  if (options.footer) embed.setFooter({ text: clip(options.footer, 2_000) });
  return embed;
}

/** Bulleted list, at most 25 items, then "… and N more". */
export function listEmbed(
  title: string,
  items: readonly string[],
  options: { description?: string; color?: number; footer?: string; empty?: string } = {},
): EmbedBuilder {
  const shown = items.slice(0, LIST_MAX_ITEMS).map((item) => `• ${item}`);
  if (items.length > LIST_MAX_ITEMS) shown.push(`… and ${items.length - LIST_MAX_ITEMS} more`);
  const body = [options.description, shown.length ? shown.join('\n') : options.empty]
    .filter(Boolean)
    .join('\n\n');
  const embed = base(title, options.color ?? COLORS.info, body);
  if (options.footer) embed.setFooter({ text: clip(options.footer, 2_000) });
  return embed;
}

export const HELP_GROUPS = [
  '🔌 `/mcp` — MCP servers (tools): list, install, enable, OAuth…',
  '🤖 `/model` — model tier of this server',
  '💬 `/ors` — proactive messages settings',
  '📦 `/sandbox` — code sandbox',
  '🧠 `/memory` — what Clara remembers about you',
  '📧 `/email` — mailbox monitoring and rules',
  '💾 `/backup` — database backups',
  '🔧 `/clara` — help, info, channel mode',
].join('\n');

export function helpEmbed(title = '📚 Clara help', description: string = HELP_GROUPS): EmbedBuilder {
  return base(title, COLORS.primary, description);
}

export function permissionDeniedEmbed(needed: string): EmbedBuilder {
  return errorEmbed('Permission denied', `This command needs ${needed}.`);
}
