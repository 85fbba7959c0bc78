/** Plain settings of the Discord adapter; the composition root fills them from the validated config. */
export interface DiscordSettings {
  token: string;
  /** REST base without `/v10` (`DISCORD_API_URL`). */
  apiUrl: string;
  clientId?: string;
  allowedServers: readonly string[];
  allowedChannels: readonly string[];
  allowedRoles: readonly string[];
  /** Role name that grants admin rights (`CLARA_ADMIN_ROLE`). */
  adminRole: string;
  stopPhrases: readonly string[];
  /** Reply-chain length, the message included (`DISCORD_MAX_MESSAGES`). */
  maxChainMessages: number;
  /** Characters kept per context message and per inlined text file (`DISCORD_MAX_CHARS`). */
  maxChars: number;
  /** Bytes of a text attachment inlined into the prompt (`DISCORD_MAX_FILE_SIZE`). */
  maxFileSize: number;
  historyLimit: number;
  maxImageDimension: number;
  maxImageSize: number;
  maxImagesPerRequest: number;
  autoContinue: boolean;
  autoContinueMax: number;
  logChannelId?: string;
  /** Messages per window per person; 0 = unlimited. */
  rateLimitMessages: number;
  rateLimitWindowSeconds: number;
  editIntervalMs: number;
  /** Answer messages stored but unanswered at most this many minutes ago after a restart; 0 = never. */
  recoveryMinutes: number;
}
