/** Audit records of administrative commands: who, where, what (secrets removed), and how it ended. */
import type { AdminAuditInput, Repositories } from '../../../db/index.js';
import type { CommandLogger } from './deps.js';

const SECRET_KEY = /pass(word)?|secret|token|code|api[_-]?key|authorization|credential/i;
const VALUE_MAX = 300;

/** Options as given, with anything that looks like a secret replaced by `[redacted]`. */
export function redactDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
    else if (typeof value === 'string')
      out[key] = value.length > VALUE_MAX ? `${value.slice(0, VALUE_MAX)}…` : value;
    else if (value && typeof value === 'object' && !Array.isArray(value))
      out[key] = redactDetails(value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

export interface AuditActor {
  guildId: string | null;
  channelId: string | null;
  /** Unified id (`discord-<id>`). */
  actorId: string;
  actorName: string | null;
}

export interface AuditEntry {
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  result: AdminAuditInput['result'];
  message?: string | null;
}

/** Writes one audit row; a failure to write is logged, never thrown at the person. */
export async function recordAudit(
  repos: Pick<Repositories, 'adminAudit'>,
  logger: CommandLogger,
  actor: AuditActor,
  entry: AuditEntry,
): Promise<void> {
  const input: AdminAuditInput = {
    platform: 'discord',
    guildId: actor.guildId,
    channelId: actor.channelId,
    actorId: actor.actorId,
    actorName: actor.actorName,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ? redactDetails(entry.details) : null,
    result: entry.result,
    message: entry.message ?? null,
  };
  try {
    await repos.adminAudit.record(input);
  } catch (error) {
    logger.error(
      { action: entry.action, actor: actor.actorId, guild: actor.guildId, err: String(error) },
      'Could not write the admin audit record',
    );
  }
  logger.info(
    {
      action: entry.action,
      target: entry.target,
      actor: actor.actorId,
      guild: actor.guildId,
      result: entry.result,
    },
    'Admin command',
  );
}
