/**
 * The text a turn is indexed under. Each turn is stored as a few records (see `VARIANTS` in indexer.ts): the turn
 * alone, and the turn followed by its neighbours in the same session (trimmed), so a question answered across
 * turns ("What did you research?" / "Adoption agencies!") is still found. Every record also carries the turn's day
 * (readable and as compact terms, see dates.ts), the days its relative dates refer to, and Porter stems.
 */
import type { MessageRow } from '../../db/index.js';
import { calendarDay, dateLine, readableDay, relativeDateTerms } from './dates.js';
import { extraStems } from './porter.js';
import type { ConversationTurn } from './types.js';

/** Longest part of a turn indexed (very long replies add little beyond their start). */
export const TURN_INDEX_CHARS = 2_000;
/** Longest part of a neighbouring turn indexed with a turn. */
export const NEIGHBOUR_CHARS = 300;

const NAME_PREFIX = /^\[([^\]\n]{1,100})\]:\s?/;

/** Cuts at a word boundary near `max` characters. */
export function trimText(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

export interface SpeakerNames {
  /** The bot's display name (assistant turns). */
  assistant: string;
  /** Display name for user turns stored without a `[Name]: ` prefix (DMs, web, terminal). */
  user?: string | undefined;
}

/** Stored messages → turns: user messages in shared channels carry a `[Name]: ` prefix naming the speaker. */
export function turnsFromMessages(rows: readonly MessageRow[], names: SpeakerNames): ConversationTurn[] {
  return rows.map((row) => {
    const prefixed = row.role === 'user' ? NAME_PREFIX.exec(row.content) : null;
    const speaker =
      row.role === 'assistant' ? names.assistant : (prefixed?.[1]?.trim() ?? names.user ?? 'User');
    return {
      messageId: row.id,
      sessionId: row.sessionId,
      role: row.role,
      speaker,
      text: prefixed ? row.content.slice(prefixed[0].length) : row.content,
      at: row.createdAt,
    };
  });
}

/** What a record is found by (full text) and what its vector is computed from (no compact terms or stems). */
export interface RecordTexts {
  text: string;
  embedText: string;
}

const line = (turn: ConversationTurn, max: number) => `${turn.speaker}: ${trimText(turn.text, max)}`;

/** A turn, then the neighbouring turns given (closest first on each side), with its day and stems. */
export function recordTexts(
  turn: ConversationTurn,
  before: readonly ConversationTurn[],
  after: readonly ConversationTurn[],
  timeZone: string,
): RecordTexts {
  const body = [
    line(turn, TURN_INDEX_CHARS),
    ...[...before, ...after].map((other) => line(other, NEIGHBOUR_CHARS)),
  ].join('\n');
  const today = calendarDay(turn.at, timeZone);
  const days = [dateLine(today), ...relativeDateTerms(turn.text, today)].join(' ');
  const stems = extraStems(body);
  return {
    text: [body, days, ...(stems.length > 0 ? [stems.join(' ')] : [])].join('\n'),
    embedText: `${body}\n${readableDay(today)}`,
  };
}
