/**
 * What the slash commands need from the rest of Clara: narrow views of the real services, passed in by the
 * composition root (src/app/discord.ts). Nothing here is created by the commands themselves.
 */
import type { Repositories } from '../../../db/index.js';
import type { Tier } from '../../../domain/index.js';
import type { EmailService } from '../../../email/index.js';
import type { McpManager } from '../../../mcp/index.js';
import type { McpInstaller } from '../../../mcp/install/index.js';
import type { McpOAuth } from '../../../mcp/oauth/index.js';
import type { SmitheryClient } from '../../../mcp/smithery/index.js';
import type { MemoryEngine } from '../../../memory/index.js';

/** Backups (src/backup implements it; absent = backups are not set up in this process). */
export interface BackupCommandsPort {
  backupNow(databases?: string[]): Promise<{
    status: 'success' | 'partial' | 'failure';
    results: Array<{ database: string; ok: boolean; location?: string; bytes?: number; error?: string }>;
  }>;
  list(
    database?: string,
    limit?: number,
  ): Promise<Array<{ database: string; name: string; bytes: number; createdAt: Date }>>;
  status(): Promise<{
    destination: string;
    databases: Array<{ name: string; configured: boolean; reachable: boolean }>;
    retentionDays: number;
    lastBackup?: { name: string; bytes: number; createdAt: Date };
    lastError?: string;
  }>;
}

/**
 * The code sandbox (src/sandbox; absent = this process has none): availability, the mode in effect and the backend's
 * numbers, for a server (its `/sandbox mode`, else SANDBOX_MODE) or, without `guildId`, for SANDBOX_MODE.
 */
export interface SandboxCommandsPort {
  status(guildId?: string): Promise<{ mode: string; available: boolean; detail: string }>;
}

export interface McpCommandsPort {
  manager: Pick<
    McpManager,
    | 'servers'
    | 'server'
    | 'startServer'
    | 'enable'
    | 'disable'
    | 'restart'
    | 'remove'
    | 'refresh'
    | 'listTools'
  >;
  installer: Pick<McpInstaller, 'install'>;
  smithery: Pick<SmitheryClient, 'search'>;
  oauth: Pick<McpOAuth, 'start' | 'complete' | 'status' | 'setToken'>;
}

export type MemoryCommandsPort = Pick<MemoryEngine, 'count' | 'search' | 'forget'>;

export type EmailCommandsPort = Pick<
  EmailService,
  | 'monitoringEnabled'
  | 'logChannelId'
  | 'listAccounts'
  | 'addAccount'
  | 'testAccount'
  | 'setEnabled'
  | 'removeAccount'
  | 'configure'
  | 'listRules'
  | 'presets'
  | 'addRule'
  | 'applyPreset'
  | 'removeRule'
>;

export type CommandRepositories = Pick<Repositories, 'channelConfigs' | 'guildConfigs' | 'adminAudit'>;

export interface CommandLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Plain settings from config (the adapter never reads config itself). */
export interface SlashCommandSettings {
  /** BOT_NAME */
  botName: string;
  version: string;
  /** CLARA_ADMIN_ROLE: members with a role of this name count as admins (default `Clara-Admin`). */
  adminRoleName: string;
  /** The chat provider (LLM_PROVIDER) and whether it has its key. */
  llm: { provider: string; ready: boolean; models?: Partial<Record<Tier, string>> };
  /** MODEL_TIER */
  defaultTier?: Tier | undefined;
  /** AUTO_TIER_SELECTION */
  autoTierSelection: boolean;
  /** ORS_ENABLED */
  orsEnabled: boolean;
  /** A one-line description of long-term memory (store, embeddings), shown by /memory status. */
  memoryDescription?: string | undefined;
}

export interface SlashCommandDeps {
  repos: CommandRepositories;
  mcp: McpCommandsPort;
  /** Absent when MEMORY_ENABLED=false. */
  memory?: MemoryCommandsPort | undefined;
  email: EmailCommandsPort;
  backup?: BackupCommandsPort | undefined;
  sandbox?: SandboxCommandsPort | undefined;
  settings: SlashCommandSettings;
  logger: CommandLogger;
  /** How long confirm buttons work (default 60 s). */
  confirmTimeoutMs?: number;
  /** Relative local install paths resolve from here (default: the working directory). */
  installCwd?: string;
  now?: () => Date;
}
