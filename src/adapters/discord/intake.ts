/**
 * Pure decisions of the inbound pipeline (spec §1.3–§1.7): content cleaning, stop phrases, the allow-lists and the
 * channel-mode gate. No discord.js types: the bot passes plain facts in.
 */
import type { ChannelMode } from '../../db/index.js';
import type { DiscordSettings } from './settings.js';

/** Removes this bot's mention tokens and trims. */
export function stripBotMention(content: string, botId: string): string {
  return content.replaceAll(`<@${botId}>`, '').replaceAll(`<@!${botId}>`, '').trim();
}

/** A stop phrase equals one of the configured phrases once every user mention is removed (no substring match). */
export function isStopPhrase(content: string, phrases: readonly string[]): boolean {
  const text = content
    .replace(/<@!?\d+>/g, '')
    .trim()
    .toLowerCase();
  return text.length > 0 && phrases.includes(text);
}

export interface GuildFacts {
  guildId: string;
  /** The channel, and for a thread its parent: either may be allow-listed. */
  channelIds: readonly string[];
  roleIds: readonly string[];
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Allow-lists (spec §1.4), with one deliberate change: when either list is set, a message must come from an
 * allow-listed server or channel (the original let any other server through when only servers were listed).
 */
export function allowListVerdict(
  facts: GuildFacts,
  settings: Pick<DiscordSettings, 'allowedServers' | 'allowedChannels' | 'allowedRoles'>,
): Verdict {
  const { allowedServers, allowedChannels, allowedRoles } = settings;
  if (allowedServers.length > 0 || allowedChannels.length > 0) {
    const serverOk = allowedServers.includes(facts.guildId);
    const channelOk = facts.channelIds.some((id) => allowedChannels.includes(id));
    if (!serverOk && !channelOk) return { ok: false, reason: 'server/channel not allow-listed' };
  }
  if (allowedRoles.length > 0 && !facts.roleIds.some((id) => allowedRoles.includes(id)))
    return { ok: false, reason: 'author holds no allow-listed role' };
  return { ok: true };
}

/** Channel-mode gate (spec §1.5): off ignores everything; mention needs a mention or a reply to Clara. */
export function modeVerdict(mode: ChannelMode, addressed: boolean): Verdict {
  if (mode === 'off') return { ok: false, reason: 'channel mode is off' };
  if (mode === 'mention' && !addressed)
    return { ok: false, reason: 'not addressed in a mention-mode channel' };
  return { ok: true };
}

/** Gateway replays: remembers message ids for `ttlMs` (default 5 minutes) and reports repeats. */
export class RecentIds {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time an id is seen within the window. */
  firstTime(id: string): boolean {
    const now = this.now();
    for (const [key, at] of this.seen) {
      if (now - at <= this.ttlMs) break;
      this.seen.delete(key);
    }
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    return true;
  }
}

/** Permission-seeking endings that trigger auto-continue (spec §1.12), checked on the last 200 characters. */
const CONTINUE_PHRASES = [
  ...['do it', 'proceed', 'continue', 'go ahead', 'start', 'try'].map((v) => `want me to ${v}?`),
  ...['implement', 'fix', 'create', 'build', 'run'].map((v) => `want me to ${v}`),
  ...['proceed', 'continue', 'go ahead', 'do it', 'start'].map((v) => `shall i ${v}?`),
  ...['proceed', 'continue', 'go ahead', 'do it'].map((v) => `should i ${v}?`),
  'ready to proceed?',
  'ready when you are',
  'let me know if you want',
  "let me know when you're ready",
  'just say the word',
  'give me the go-ahead',
];

export function asksToContinue(reply: string): boolean {
  const tail = reply.slice(-200).toLowerCase().replaceAll('’', "'");
  return CONTINUE_PHRASES.some((phrase) => tail.includes(phrase));
}
