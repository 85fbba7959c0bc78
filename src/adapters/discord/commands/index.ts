/** Clara's Discord slash commands, the text channel command, and the server tier preference. */
export { redactDetails } from './audit.js';
export {
  type ChannelCommand,
  type ChannelCommandDeps,
  handleChannelCommand,
  parseChannelCommand,
} from './channel-text-command.js';
export { CHANNEL_MODES, MODE_DESCRIPTIONS } from './clara-commands.js';
export { commandDefinitions } from './definitions.js';
export type {
  BackupCommandsPort,
  CommandLogger,
  CommandRepositories,
  EmailCommandsPort,
  McpCommandsPort,
  MemoryCommandsPort,
  SandboxCommandsPort,
  SlashCommandDeps,
  SlashCommandSettings,
} from './deps.js';
export {
  COLORS,
  errorEmbed,
  helpEmbed,
  infoEmbed,
  listEmbed,
  permissionDeniedEmbed,
  statusEmbed,
  successEmbed,
  warningEmbed,
} from './embeds.js';
export { guildTierPreference } from './guild-settings-commands.js';
export { hasLevel, type PermissionLevel } from './permissions.js';
export { commandPath, SlashCommands } from './slash-commands.js';
