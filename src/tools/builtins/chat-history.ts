/**
 * Chat history tools (spec §4.5.1): `search_chat_history` (hybrid search over the current conversation's indexed
 * turns) and `get_chat_history` (the conversation's latest stored messages). The conversation is always the tool
 * context's own: a person can never read or search another conversation, whatever the arguments say.
 */
import { z } from 'zod';
import type { MessageRow, Repositories } from '../../db/index.js';
import {
  type ConversationHit,
  type ConversationIndex,
  searchConversation,
  turnsFromMessages,
} from '../../memory/index.js';
import { defineTool, type ToolDefinition } from '../types.js';

export interface ChatHistoryToolsOptions {
  /** The conversation index; without it (memory disabled) search falls back to a substring scan. */
  conversation?: ConversationIndex | undefined;
  messages: Pick<Repositories['messages'], 'byConversation'>;
  /** BOT_NAME: how assistant messages are attributed. */
  botName: string;
  /** DEFAULT_TIMEZONE: the zone message times are shown in (default UTC). */
  timeZone?: string | undefined;
  now?: () => Date;
}

const SEARCH_TEXT_CHARS = 200;
const HISTORY_TEXT_CHARS = 300;
/** Meaning-only results shown when no message shares a word with the query. */
const CLOSEST_SHOWN = 5;
/** Messages scanned by the substring fallback. */
const FALLBACK_SCAN = 1_000;

const cut = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/** `YYYY-MM-DD HH:MM` in `timeZone` (UTC when the zone is unknown). */
export function formatMessageTime(date: Date, timeZone = 'UTC'): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return date.toISOString().slice(0, 16).replace('T', ' ');
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const searchSchema = z.object({
  query: z
    .string({ error: 'query is required: the words or phrase to look for in this conversation' })
    .trim()
    .min(1, 'query is required: the words or phrase to look for in this conversation'),
  limit: z.number().int().optional().describe('How many matches to return (default 20, at most 50).'),
  from_user: z.string().optional().describe('Only messages from people whose display name contains this.'),
});

const historySchema = z.object({
  count: z.number().int().optional().describe('How many messages (default 50, between 10 and 200).'),
  before_hours: z
    .number()
    .min(0)
    .optional()
    .describe('Only messages older than this many hours (to page back in time).'),
  user_filter: z.string().optional().describe('Only messages from people whose display name contains this.'),
});

export function chatHistoryTools(options: ChatHistoryToolsOptions): ToolDefinition[] {
  const now = options.now ?? (() => new Date());
  const time = (date: Date) => formatMessageTime(date, options.timeZone);
  const turnsOf = (rows: MessageRow[]) => turnsFromMessages(rows, { assistant: options.botName });

  /** The spec's original behaviour: newest first, case-insensitive substring on text and name. */
  async function scan(conversationId: string, query: string, limit: number, fromUser?: string) {
    const rows = await options.messages.byConversation(conversationId, { limit: FALLBACK_SCAN });
    const needle = query.toLowerCase();
    const who = fromUser?.toLowerCase();
    return turnsOf(rows)
      .reverse()
      .filter((t) => t.text.toLowerCase().includes(needle))
      .filter((t) => !who || t.speaker.toLowerCase().includes(who))
      .slice(0, limit)
      .map(
        (t): Pick<ConversationHit, 'speaker' | 'text' | 'at' | 'textMatch'> => ({ ...t, textMatch: true }),
      );
  }

  const search = defineTool({
    name: 'search_chat_history',
    description:
      'Search the earlier messages of THIS conversation (this channel, DM or chat) by meaning and keywords, ' +
      'including messages older than what you can see. History is per conversation: other channels and DMs are ' +
      'never searched. Use it when someone refers to something said before ("what did I say about…", "when did ' +
      'we talk about…"). Returns the most relevant messages first.',
    schema: searchSchema,
    emoji: '🔎',
    status: (args) => `Searching chat history for "${cut(args.query, 40)}"…`,
    async run(args, context) {
      const limit = Math.min(50, Math.max(1, args.limit ?? 20));
      const fromUser = args.from_user?.trim() || undefined;
      const hits = options.conversation
        ? await searchConversation(options.conversation, context.conversationId, args.query, {
            limit,
            ...(fromUser ? { speaker: fromUser } : {}),
            ...(context.signal ? { signal: context.signal } : {}),
          })
        : await scan(context.conversationId, args.query, limit, fromUser);
      const render = (list: typeof hits) =>
        list.map((h) => `[${time(h.at)}] ${h.speaker}: ${cut(h.text, SEARCH_TEXT_CHARS)}`).join('\n\n');
      const none = `No messages found matching '${args.query}'`;
      if (hits.length === 0) return none;
      // Only similar in meaning (no shared words): say so rather than call them matches.
      if (!hits.some((h) => h.textMatch)) {
        return `${none}.\n\nClosest in meaning (no shared words):\n\n${render(hits.slice(0, CLOSEST_SHOWN))}`;
      }
      const from = fromUser ? ` from '${fromUser}'` : '';
      return `Found ${hits.length} message(s) matching '${args.query}'${from} (most relevant first):\n\n${render(hits)}`;
    },
  });

  const history = defineTool({
    name: 'get_chat_history',
    description:
      'Read the latest stored messages of THIS conversation (this channel, DM or chat), oldest first — more ' +
      'than what you can currently see. History is per conversation: other channels and DMs are never read. ' +
      'Use before_hours to page further back in time.',
    schema: historySchema,
    emoji: '📜',
    status: () => 'Reading chat history…',
    async run(args, context) {
      const count = Math.min(200, Math.max(10, args.count ?? 50));
      const before =
        args.before_hours !== undefined
          ? new Date(now().getTime() - args.before_hours * 3_600_000)
          : undefined;
      const rows = await options.messages.byConversation(context.conversationId, {
        limit: 2 * count,
        ...(before ? { before } : {}),
      });
      const who = args.user_filter?.trim().toLowerCase() || undefined;
      const turns = turnsOf(rows)
        .filter((t) => !who || t.speaker.toLowerCase().includes(who))
        .slice(-count);
      const older = args.before_hours !== undefined ? ` (older than ${args.before_hours} hours)` : '';
      if (turns.length === 0) return `No messages found in this conversation${older}.`;
      const lines = turns.map((t) => `[${time(t.at)}] ${t.speaker}: ${cut(t.text, HISTORY_TEXT_CHARS)}`);
      return `Last ${turns.length} message(s) in this conversation${older}, oldest first:\n\n${lines.join('\n')}`;
    },
  });

  return [search, history] as ToolDefinition[];
}
