/**
 * The single extraction prompt (spec §3.3, intended behaviour): facts about the USER (or each named participant),
 * the key-memory flag, and the ADD / UPDATE / DELETE / NONE decision against numbered existing memories — in one
 * call. Small integer ids stand in for UUIDs so the model cannot invent them. Kept lean on purpose: mem0 sends two
 * prompts of ~8.5k tokens together per add; this one stays well under a quarter of that.
 */
import type { ChatMessage } from '../../llm/index.js';
import type { ExchangeMessage } from '../types.js';

export const EXTRACTION_INSTRUCTIONS = `You keep the long-term memory of a personal assistant. Record what is worth remembering about the USER: the person talking to the assistant or, in a group chat, each named participant (start such a fact with the person's name).

Keep durable, specific facts: identity, relationships, preferences, work, places, health, habits, plans. Skip small talk, questions, and anything about the assistant itself.

Write each fact as one short third-person sentence that stands alone, in the conversation's language, e.g. "Lives in Munich", "Ana is vegetarian".

is_key: true only for foundational, durable facts: name, identity or pronouns; important named relationships; defining preferences; profession, location or timezone; health or dietary constraints. Never for plans, one-off events, opinions, minor preferences or current tasks.

Compare each fact with the numbered existing memories and choose an event:
- ADD: new information.
- UPDATE with target n: replaces memory n because it contradicts or refines it (e.g. "Moved to Munich" updates "Lives in Berlin"). text is the complete new memory; omit is_key to keep n's key status.
- DELETE with target n: memory n is no longer true and nothing replaces it.
- NONE: already known.

Reply with JSON only, for example:
{"memories":[{"text":"Lives in Munich","is_key":true,"event":"UPDATE","target":2}]}
Nothing worth remembering: {"memories":[]}`;

/**
 * Appended to the instructions only when graph memory is on: relations from the same call, kept short. Known
 * relations of the entities in the conversation are listed in the input so the model reuses their names.
 */
export const GRAPH_EXTRACTION_INSTRUCTIONS = `Also record how the people, places and things named relate, in "relations": source, relation, target. The user is "user"; keep names as said; relation is lower_snake_case (lives_in, works_at, sister_of, partner_of, friend_of, has_pet, likes); reuse the names of known relations. Add "exclusive":true when only one target holds at a time (lives_in, works_at, married_to): the old one then ends. A relation that stopped being true with no replacement goes in "ended_relations" (target optional).
{"memories":[],"relations":[{"source":"Lena","relation":"sister_of","target":"user"},{"source":"user","relation":"lives_in","target":"Munich","exclusive":true}],"ended_relations":[{"source":"user","relation":"works_at","target":"Acme"}]}`;

/** What graph memory adds to an extraction prompt. */
export interface GraphPromptInput {
  /** Current relations of the entities in the conversation (rendered as `Anna — sister_of → user`). */
  known: readonly string[];
}

/** Assistant turns are context only: their tail (what the user is answering) is enough. */
const ASSISTANT_TAIL_CHARS = 600;
const USER_MAX_CHARS = 4_000;

export interface ExistingMemory {
  text: string;
  isKey: boolean;
}

function clip(text: string, max: number, keep: 'head' | 'tail'): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  return keep === 'tail' ? `…${trimmed.slice(-max)}` : `${trimmed.slice(0, max)}…`;
}

function renderMessage(message: ExchangeMessage): string {
  if (message.role === 'assistant') {
    return `Assistant: ${clip(message.content, ASSISTANT_TAIL_CHARS, 'tail')}`;
  }
  const who = message.name ? `User (${message.name.replace(/[\r\n]+/g, ' ').trim()})` : 'User';
  return `${who}: ${clip(message.content, USER_MAX_CHARS, 'head')}`;
}

/** The user-side input: numbered existing memories (1-based, as the decisions refer to them) and the exchange. */
export function renderExtractionInput(
  messages: readonly ExchangeMessage[],
  existing: readonly ExistingMemory[],
  graph?: GraphPromptInput,
): string {
  const memories = existing.length
    ? existing
        .map((m, i) => `${i + 1}. ${m.text.replace(/\s+/g, ' ').trim()}${m.isKey ? ' (key)' : ''}`)
        .join('\n')
    : '(none)';
  const conversation = messages
    .filter((m) => m.content.trim())
    .map(renderMessage)
    .join('\n');
  const relations = graph?.known.length
    ? `\n\nKnown relations:\n${graph.known.map((line) => line.replace(/\s+/g, ' ').trim()).join('\n')}`
    : '';
  return `Existing memories:\n${memories}${relations}\n\nConversation:\n${conversation}`;
}

/** `graph`: graph memory is on — the same call also asks for relations. */
export function buildExtractionPrompt(
  messages: readonly ExchangeMessage[],
  existing: readonly ExistingMemory[],
  graph?: GraphPromptInput,
): ChatMessage[] {
  const instructions = graph
    ? `${EXTRACTION_INSTRUCTIONS}\n\n${GRAPH_EXTRACTION_INSTRUCTIONS}`
    : EXTRACTION_INSTRUCTIONS;
  return [
    { role: 'system', content: instructions },
    { role: 'user', content: renderExtractionInput(messages, existing, graph) },
  ];
}

/** The follow-up sent once when the first answer could not be used. */
export function correctionPrompt(badOutput: string, problem: string): ChatMessage[] {
  return [
    { role: 'assistant', content: clip(badOutput, 1_000, 'head') },
    {
      role: 'user',
      content: `That reply could not be used (${problem}). Answer again with only the JSON object {"memories":[...]} described above.`,
    },
  ];
}

/** Rough token count (≈ 4 characters per token) of a prompt's text. */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') chars += message.content.length;
  }
  return Math.ceil(chars / 4);
}
