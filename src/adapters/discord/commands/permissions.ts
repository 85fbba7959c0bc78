/**
 * Who may run what. Discord can only hide whole top-level commands (`default_member_permissions`), and our
 * commands mix read-only and admin subcommands, so every admin subcommand is checked here at run time:
 * - `admin`: the Administrator permission, or a role named CLARA_ADMIN_ROLE;
 * - `manage`: Manage Channels (or Administrator), or a role named CLARA_ADMIN_ROLE.
 * Admin subcommands work only inside a server (a DM carries no server permissions to check).
 */
import {
  type APIInteractionGuildMember,
  type Guild,
  GuildMember,
  PermissionFlagsBits,
  type PermissionsBitField,
} from 'discord.js';

export type PermissionLevel = 'any' | 'manage' | 'admin';

export interface PermissionSubject {
  guild: Guild | null;
  guildId: string | null;
  member: GuildMember | APIInteractionGuildMember | null;
  /** Resolved permissions of the member in the channel (interactions carry them). */
  permissions: Readonly<PermissionsBitField> | null;
}

/** Role names the member holds (cached guild roles resolve ids of raw API members). */
export function memberRoleNames(subject: PermissionSubject): string[] {
  const { member, guild } = subject;
  if (!member) return [];
  if (member instanceof GuildMember) return member.roles.cache.map((role) => role.name);
  return member.roles.map((id) => guild?.roles.cache.get(id)?.name).filter((n): n is string => !!n);
}

export function hasLevel(subject: PermissionSubject, level: PermissionLevel, adminRoleName: string): boolean {
  if (level === 'any') return true;
  if (!subject.guildId || !subject.member) return false;
  const permissions = subject.permissions;
  if (permissions?.has(PermissionFlagsBits.Administrator)) return true;
  if (level === 'manage' && permissions?.has(PermissionFlagsBits.ManageChannels)) return true;
  const wanted = adminRoleName.trim().toLowerCase();
  return wanted !== '' && memberRoleNames(subject).some((name) => name.toLowerCase() === wanted);
}

/** Words for the Permission denied answer. */
export function describeLevel(level: PermissionLevel, adminRoleName: string): string {
  if (level === 'admin') return `the **Administrator** permission or the **${adminRoleName}** role`;
  if (level === 'manage')
    return `the **Manage Channels** permission (or Administrator) or the **${adminRoleName}** role`;
  return 'no special permission';
}
