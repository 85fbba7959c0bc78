/** The shape every subcommand handler has, and the table the dispatcher reads. */
import type { ChatInputCommandInteraction } from 'discord.js';
import type { CommandContext } from './context.js';
import type { PermissionLevel } from './permissions.js';

export type CommandOptions = ChatInputCommandInteraction['options'];

/** What an audited handler reports when it worked (or failed softly, e.g. a server that did not start). */
export interface HandlerOutcome {
  target?: string | null;
  message?: string;
  result?: 'ok' | 'error';
}

export interface SubcommandHandler {
  level: PermissionLevel;
  /** Changes something: written to the audit log with its options (secrets removed). */
  audited?: boolean;
  /** Needs a server (server settings); answered with a clear message in DMs. */
  guildOnly?: boolean;
  run(ctx: CommandContext, options: CommandOptions): Promise<HandlerOutcome | undefined>;
}

/** Keyed by the command path: `mcp install`, `email account add`. */
export type HandlerTable = Readonly<Record<string, SubcommandHandler>>;
