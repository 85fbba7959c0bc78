/**
 * LoCoMo conversations (see bench/data/locomo/README.md): parsing, and ingestion as one conversation's stored
 * history (sessions and messages in the main database, speakers as display names) indexed by conversation search.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { MainDatabase } from '../src/db/index.js';
import {
  type ConversationIndex,
  type IndexResult,
  indexConversationTurns,
  turnsFromMessages,
} from '../src/memory/index.js';

const Turn = z.object({
  speaker: z.string(),
  dia_id: z.string(),
  text: z.string(),
  blip_caption: z.string().optional(),
});
const Question = z.object({
  question: z.string(),
  category: z.number(),
  evidence: z.array(z.string()).default([]),
});
const Conversation = z.looseObject({ qa: z.array(Question) });

export interface LocomoSession {
  index: number;
  startedAt: Date;
  turns: z.infer<typeof Turn>[];
}

export interface LocomoQuestion {
  question: string;
  category: number;
  /** Evidence dia_ids (malformed entries dropped). */
  evidence: string[];
}

export interface LocomoConversation {
  name: string;
  sessions: LocomoSession[];
  questions: LocomoQuestion[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** "1:56 pm on 8 May, 2023" → that time, read as UTC. */
export function parseSessionDate(text: string): Date {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+),?\s+(\d{4})/i.exec(text);
  const month = MONTHS.indexOf((m?.[5] ?? '').slice(0, 3).toLowerCase());
  if (!m || month < 0) throw new Error(`Unreadable LoCoMo session date "${text}"`);
  const hour = (Number(m[1]) % 12) + (m[3]?.toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2])));
}

export async function loadConversation(file: string): Promise<LocomoConversation> {
  const json = Conversation.parse(JSON.parse(await readFile(file, 'utf8')));
  const sessions: LocomoSession[] = [];
  for (const [key, value] of Object.entries(json)) {
    const match = /^session_(\d+)$/.exec(key);
    if (!match || !Array.isArray(value) || value.length === 0) continue;
    const date = json[`${key}_date_time`];
    if (typeof date !== 'string') throw new Error(`${file}: ${key} has no ${key}_date_time`);
    sessions.push({
      index: Number(match[1]),
      startedAt: parseSessionDate(date),
      turns: z.array(Turn).parse(value),
    });
  }
  sessions.sort((a, b) => a.index - b.index);
  const questions = json.qa.map((q) => ({
    question: q.question,
    category: q.category,
    evidence: q.evidence.flatMap((e) => e.split(/[\s;,]+/)).filter((e) => /^D\d+:\d+$/.test(e)),
  }));
  const name =
    file
      .split('/')
      .pop()
      ?.replace(/\.json$/, '') ?? file;
  return { name, sessions, questions };
}

/** A shared photo is stored the way Clara stores an image turn: its description appended to the text. */
const content = (turn: z.infer<typeof Turn>) =>
  `[${turn.speaker}]: ${turn.text}${turn.blip_caption ? ` [Image: ${turn.blip_caption}]` : ''}`;

/** Stores every turn as a message of one conversation (one session per LoCoMo session) and indexes them. */
export async function ingestConversation(
  db: MainDatabase,
  index: ConversationIndex,
  conversationId: string,
  conversation: LocomoConversation,
): Promise<{ messageOf: Map<string, number>; result: IndexResult; messages: number }> {
  const project = await db.repos.projects.ensure(conversationId, 'Default Project');
  const messageOf = new Map<string, number>();
  const turns = [];
  for (const session of conversation.sessions) {
    const row = await db.repos.sessions.create({
      projectId: project.id,
      userId: conversationId,
      title: `${conversation.name} session ${session.index}`,
      startedAt: session.startedAt,
    });
    for (const [i, turn] of session.turns.entries()) {
      const message = await db.repos.messages.add({
        sessionId: row.id,
        userId: conversationId,
        role: 'user',
        content: content(turn),
        createdAt: new Date(session.startedAt.getTime() + i * 30_000),
      });
      messageOf.set(turn.dia_id, message.id);
    }
    turns.push(...turnsFromMessages(await db.repos.messages.recent(row.id, 10_000), { assistant: 'Clara' }));
  }
  const result = await indexConversationTurns(index, conversationId, turns);
  return { messageOf, result, messages: turns.length };
}
