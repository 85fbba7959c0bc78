/**
 * Identifier conventions kept from the original system (spec §0.2) so data stays compatible.
 */

/** Platforms that have a known prefix in unified user ids. */
export const KNOWN_PLATFORMS = ['api', 'discord', 'slack', 'telegram', 'web', 'cli'] as const;
export type KnownPlatform = (typeof KNOWN_PLATFORMS)[number];

/** `discord-<id>`: the memory user id of one human. An id already carrying the prefix is left alone. */
export function unifiedUserId(platform: string, platformUserId: string): string {
  return platformUserId.startsWith(`${platform}-`) ? platformUserId : `${platform}-${platformUserId}`;
}

/** Splits a unified id on its first `-`: `discord-123` → { platform: 'discord', id: '123' }. */
export function parseUnifiedUserId(userId: string): { platform: string; id: string } {
  const dash = userId.indexOf('-');
  if (dash <= 0) return { platform: '', id: userId };
  return { platform: userId.slice(0, dash), id: userId.slice(dash + 1) };
}

export const discordUserId = (discordId: string): string => `discord-${discordId}`;
/** Session owner for a Discord DM. */
export const discordDmOwner = (discordUserIdRaw: string): string => `discord-dm-${discordUserIdRaw}`;
/** Session owner and channel-summary key for a guild channel. */
export const discordChannelOwner = (channelId: string): string => `discord-channel-${channelId}`;

/** MCP tools are exposed to the model as `<server>__<tool>`. */
export const MCP_TOOL_SEPARATOR = '__';
export const mcpToolName = (server: string, tool: string): string => `${server}${MCP_TOOL_SEPARATOR}${tool}`;
